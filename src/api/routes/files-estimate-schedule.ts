/** `GET /files`, `POST /estimate`, `GET /health`, `GET /schedule`, `POST /schedule/preview`. */
import { z } from 'zod';
import { ValidationError } from '../../domain/errors.js';
import { zonedParts } from '../../schedule/period.js';
import { ScheduleTiming, eventBridgeExpression, nextFireTimes } from '../../schedule/schedule-config.js';
import type { ApiDeps } from '../handler.js';
import { NotImplementedError, json, parseJsonBody, validate } from '../http.js';
import { LimitParam, queryParams } from '../request.js';
import type { Route } from '../router.js';
import { BucketName, ObjectKey, PageToken, text } from '../fields.js';
import { MAX_KEY_BYTES } from '../../domain/s3-names.js';
import { EstimateBody } from '../schemas.js';

/** `GET /files` query: exactly one of `key` (full source key) and `name` (base name). */
export const FilesQuery = z.strictObject({
  key: ObjectKey.optional(),
  name: text(MAX_KEY_BYTES).optional(),
  bucket: BucketName.optional(),
  limit: LimitParam,
  nextToken: PageToken.optional(),
});

/** `POST /schedule/preview` body: a schedule (without its request) and how many fire times to list. */
export const SchedulePreviewBody = ScheduleTiming.omit({ enabled: true }).extend({
  count: z.int().min(1).max(100).default(12),
  from: z.iso.datetime({ offset: true }).optional().meta({ description: 'List fire times after this instant. Default now.' }),
});

function describeSchedule(c: Pick<ScheduleTiming, 'minute' | 'hour' | 'day_of_month' | 'time_zone'>, count: number, from: Date) {
  return {
    expression: eventBridgeExpression(c),
    time_zone: c.time_zone,
    next_runs: nextFireTimes(c, count, from).map((d) => {
      const l = zonedParts(d, c.time_zone);
      const p = (n: number) => String(n).padStart(2, '0');
      return { utc: d.toISOString(), local: `${l.year}-${p(l.month)}-${p(l.day)}T${p(l.hour)}:${p(l.minute)}` };
    }),
  };
}

/** The file lookup, estimate, health and schedule routes. */
export function filesEstimateScheduleRoutes(deps: ApiDeps): Route[] {
  return [
    {
      method: 'GET',
      path: '/files',
      async handler({ event }) {
        const q = queryParams(event, FilesQuery);
        if ((q.key === undefined) === (q.name === undefined)) {
          throw new ValidationError('give exactly one of ?key=<full source key> and ?name=<base file name>', q.key === undefined ? 'key' : 'name');
        }
        const page = { limit: q.limit ?? 1000, ...(q.nextToken ? { nextToken: q.nextToken } : {}) };
        const r = q.key !== undefined ? await deps.files.byKey(q.bucket, q.key, page) : await deps.files.byName(q.bucket, q.name!, page);
        return json(200, { items: r.items, ...(r.nextToken ? { nextToken: r.nextToken } : {}) });
      },
    },
    {
      method: 'POST',
      path: '/estimate',
      async handler({ event }) {
        const raw = parseJsonBody(event, deps.maxBodyBytes);
        validate(EstimateBody, raw, 'estimate request');
        if (!deps.estimator) throw new NotImplementedError('cost estimates are not available in this deployment (no price table wired)');
        return json(200, await deps.estimator.estimate(raw as Record<string, unknown>));
      },
    },
    {
      method: 'GET',
      path: '/health',
      public: true,
      async handler() {
        return json(200, { status: 'ok', time: deps.now().toISOString(), region: deps.deployment.region, version: deps.version });
      },
    },
    {
      method: 'GET',
      path: '/schedule',
      async handler() {
        const s = deps.schedule;
        if (!s) return json(200, { configured: false });
        return json(200, { configured: true, ...s, ...describeSchedule(s, 12, deps.now()) });
      },
    },
    {
      method: 'POST',
      path: '/schedule/preview',
      async handler({ event }) {
        const b = validate(SchedulePreviewBody, parseJsonBody(event, deps.maxBodyBytes), 'schedule');
        return json(200, describeSchedule(b, b.count, b.from ? new Date(b.from) : deps.now()));
      },
    },
  ];
}
