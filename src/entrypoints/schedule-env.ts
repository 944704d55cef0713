/**
 * The monthly schedule's configuration as the edge reads it: the timing of
 * `src/schedule/schedule-config.ts` plus the default archive request (a `POST /archive` body
 * without the fields each run supplies), parsed from JSON text or from environment variables, and
 * the mapping of that request onto an {@link ArchiveRequest} for one run. Called once by the
 * composition roots (schedule Lambda, API Lambda, `coldpack serve`) with the env they read.
 *
 * Variables (all optional):
 * - COLDPACK_SCHEDULE: the whole {@link ScheduleConfig} as JSON (wins over the others);
 * - COLDPACK_SCHEDULE_REQUEST: the default archive request (JSON, a `POST /archive` body without
 *   prefix/period); absent, empty or `{}` = no scheduled archive;
 * - COLDPACK_SCHEDULE_TIMEZONE: IANA zone, default UTC;
 * - COLDPACK_SCHEDULE_CRON: the EventBridge expression, e.g. `cron(0 3 10 * ? *)` (minute, hour and
 *   day of month are read from it), default `cron(0 3 10 * ? *)`;
 * - COLDPACK_SCHEDULE_PREFIX_TEMPLATE: default `{yyyy}{MM}{dd}`;
 * - COLDPACK_SCHEDULE_MONTH_OFFSET: integer, default 0.
 */
import type { z } from 'zod';
import { validate } from '../api/http.js';
import { toArchiveRequest } from '../api/mapping.js';
import { ArchiveFields } from '../api/schemas.js';
import type { ArchiveRequest } from '../domain/archive-request.js';
import { ValidationError } from '../domain/errors.js';
import { ScheduleTiming, parseMonthlyCron } from '../schedule/schedule-config.js';
import type { ScheduledRun } from '../schedule/scheduled-archive.js';

/**
 * The default archive request the schedule starts: a `POST /archive` body without the fields each
 * run supplies (`prefix`/`s3_prefix` come from `prefix_template`, `period` from the run) or that
 * only the source application knows (`file_count`, `total_size`, `request_id`).
 */
export const ScheduledRequest = ArchiveFields.omit({
  prefix: true,
  s3_prefix: true,
  period: true,
  request_id: true,
  file_count: true,
  total_size: true,
});
/** Parsed scheduled request. */
export type ScheduledRequest = z.output<typeof ScheduledRequest>;

/** Monthly schedule configuration (JSON; COLDPACK_SCHEDULE or `coldpack serve --schedule-file`). */
export const ScheduleConfig = ScheduleTiming.extend({ request: ScheduledRequest }).meta({ id: 'ScheduleConfig' });
/** Parsed schedule configuration (defaults applied). */
export type ScheduleConfig = z.output<typeof ScheduleConfig>;

/**
 * Parse a schedule configuration from JSON text (the COLDPACK_SCHEDULE variable or a file).
 * @param source where the text came from, for error messages
 * @throws ValidationError for malformed JSON or an invalid configuration (e.g. day_of_month 31)
 */
export function parseScheduleConfig(text: string, source: string): ScheduleConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ValidationError(`${source}: malformed JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  return validate(ScheduleConfig, raw, `schedule configuration (${source})`);
}

/**
 * The schedule configured by `env`, or undefined when no scheduled archive is configured.
 * @throws ValidationError when a variable is malformed (e.g. day 31, an unknown zone, a bad request)
 */
export function scheduleFromEnv(env: Readonly<Record<string, string | undefined>>): ScheduleConfig | undefined {
  const full = env.COLDPACK_SCHEDULE?.trim();
  if (full) return parseScheduleConfig(full, 'COLDPACK_SCHEDULE');
  const request = env.COLDPACK_SCHEDULE_REQUEST?.trim();
  if (!request || request === '{}') return undefined;
  let requestJson: unknown;
  try {
    requestJson = JSON.parse(request);
  } catch (err) {
    throw new ValidationError(`COLDPACK_SCHEDULE_REQUEST: malformed JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  const offset = env.COLDPACK_SCHEDULE_MONTH_OFFSET?.trim();
  const config = {
    ...(env.COLDPACK_SCHEDULE_TIMEZONE ? { time_zone: env.COLDPACK_SCHEDULE_TIMEZONE } : {}),
    ...(env.COLDPACK_SCHEDULE_CRON ? parseMonthlyCron(env.COLDPACK_SCHEDULE_CRON) : {}),
    ...(env.COLDPACK_SCHEDULE_PREFIX_TEMPLATE ? { prefix_template: env.COLDPACK_SCHEDULE_PREFIX_TEMPLATE } : {}),
    ...(offset ? { month_offset: Number(offset) } : {}),
    request: requestJson,
  };
  return parseScheduleConfig(JSON.stringify(config), 'COLDPACK_SCHEDULE_* variables');
}

/**
 * The archive request of one scheduled run: the configured body with the run's prefix and period,
 * mapped as an API request (`toArchiveRequest`) asked by `schedule`.
 */
export function scheduledArchiveRequest(body: ScheduledRequest, run: ScheduledRun): ArchiveRequest {
  return toArchiveRequest(
    { ...body, prefix: run.plan.prefix, period: run.plan.period },
    { now: run.fireTime, timeZone: run.timeZone, requestedBy: 'schedule' },
  );
}
