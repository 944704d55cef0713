/**
 * Timing of the monthly archive schedule (when it fires, which month and folder a run targets),
 * its EventBridge Scheduler expression, its croner pattern (local `coldpack serve`) and its next
 * fire times. The archive request a run starts is the edge's business: the whole configuration
 * (timing + request, parsed from COLDPACK_SCHEDULE* or a file) is `src/entrypoints/schedule-env.ts`.
 *
 * EventBridge Scheduler cron expressions take six fields `cron(minutes hours day-of-month month
 * day-of-week year)` plus a separate `ScheduleExpressionTimezone`, and accept `L` (last day of the
 * month) in day-of-month: https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html
 */
import { Cron } from 'croner';
import { z } from 'zod';
import { ValidationError } from '../domain/errors.js';
import { isValidTimeZone, templateProblem } from './period.js';

/** Default run day: the 10th. */
export const DEFAULT_SCHEDULE_DAY = 10;
/** Default run time: 03:00 local. */
export const DEFAULT_SCHEDULE_HOUR = 3;
/** Default prefix template: the run's own date, `{yyyy}{MM}{dd}` (2024-04-10 -> `20240410`). */
export const DEFAULT_PREFIX_TEMPLATE = '{yyyy}{MM}{dd}';

const dayOfMonth = z
  .union([z.int(), z.literal('L')])
  .superRefine((d, ctx) => {
    if (d === 'L') return;
    if (d < 1 || d > 31) ctx.addIssue({ code: 'custom', message: `day_of_month must be 1-28 or "L", got ${d}` });
    else if (d > 28) {
      ctx.addIssue({
        code: 'custom',
        message:
          `day_of_month ${d} does not exist in every month (February has 28 or 29 days), so a cron on it would silently ` +
          'skip those months; use 1-28, or "L" for the last day of every month',
      });
    }
  })
  .meta({ description: 'Day of the month, 1-28, or "L" for the last day of every month (29-31 are refused). Default 10.' });

/** When the monthly schedule fires and what a run targets (the schedule configuration without its request). */
export const ScheduleTiming = z.strictObject({
  enabled: z.boolean().default(true),
  time_zone: z
    .string()
    .max(64)
    .refine(isValidTimeZone, { error: 'must be an IANA time zone such as Europe/London or UTC' })
    .default('UTC')
    .meta({ description: 'IANA time zone of the run time and of the month boundaries (at most 64 characters). Default UTC.' }),
  day_of_month: dayOfMonth.default(DEFAULT_SCHEDULE_DAY),
  hour: z.int().min(0).max(23).default(DEFAULT_SCHEDULE_HOUR),
  minute: z.int().min(0).max(59).default(0),
  prefix_template: z
    .string()
    .min(1)
    .max(256)
    .superRefine((t, ctx) => {
      const p = templateProblem(t);
      if (p) ctx.addIssue({ code: 'custom', message: `prefix_template ${p}` });
    })
    .default(DEFAULT_PREFIX_TEMPLATE)
    .meta({ description: 'Folder name template (1-256 characters): {yyyy}, {MM}, {dd} of the target date. "/" is appended as for the API prefix.' }),
  month_offset: z.int().min(-24).max(24).default(0).meta({
    description: 'Months added to the run date to get the target date (-1 = previous month). Default 0.',
  }),
});
/** Parsed schedule timing (defaults applied). */
export type ScheduleTiming = z.output<typeof ScheduleTiming>;

/** A schedule: its timing plus the archive request each run starts (its shape is the edge's, e.g. a `POST /archive` body). */
export type ScheduleSettings<R = Readonly<Record<string, unknown>>> = ScheduleTiming & { readonly request: R };

/** `cron(...)` expression of the schedule for EventBridge Scheduler (use with ScheduleExpressionTimezone = `time_zone`). */
export function eventBridgeExpression(c: Pick<ScheduleTiming, 'minute' | 'hour' | 'day_of_month'>): string {
  return `cron(${c.minute} ${c.hour} ${c.day_of_month} * ? *)`;
}

/** Five-field croner pattern of the schedule (minute hour day-of-month month day-of-week). */
export function cronerPattern(c: Pick<ScheduleTiming, 'minute' | 'hour' | 'day_of_month'>): string {
  return `${c.minute} ${c.hour} ${c.day_of_month} * *`;
}

/**
 * The next `count` fire times (UTC instants) strictly after `from`, computed by croner in the
 * schedule's zone (the same pattern `coldpack serve` runs).
 */
export function nextFireTimes(c: Pick<ScheduleTiming, 'minute' | 'hour' | 'day_of_month' | 'time_zone'>, count: number, from: Date): Date[] {
  const cron = new Cron(cronerPattern(c), { timezone: c.time_zone, paused: true });
  try {
    return cron.nextRuns(count, from);
  } finally {
    cron.stop();
  }
}

/**
 * Parse an EventBridge monthly cron expression `cron(M H D * ? *)` into minute, hour and day of
 * month (`L` kept), e.g. `cron(0 3 10 * ? *)` -> 03:00 on the 10th.
 * @throws ValidationError (field `COLDPACK_SCHEDULE_CRON`) for anything else
 */
export function parseMonthlyCron(expr: string): { minute: number; hour: number; day_of_month: number | 'L' } {
  const m = /^cron\((\d{1,2}) (\d{1,2}) (\d{1,2}|L) \* \? \*\)$/.exec(expr.trim());
  if (!m) {
    throw new ValidationError(`COLDPACK_SCHEDULE_CRON must look like cron(0 3 10 * ? *) (monthly), got ${JSON.stringify(expr)}`, 'COLDPACK_SCHEDULE_CRON');
  }
  return { minute: Number(m[1]), hour: Number(m[2]), day_of_month: m[3] === 'L' ? 'L' : Number(m[3]) };
}
