/**
 * Build the schedule configuration from environment variables. Called once by the composition
 * roots (schedule Lambda, API Lambda, `coldpack serve`) with the env they read; pure otherwise.
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
import { ValidationError } from '../domain/errors.js';
import { parseScheduleConfig, type ScheduleConfig } from './schedule-config.js';

/** Parse `cron(M H D * ? *)` into minute, hour, day of month (`L` kept). */
export function parseMonthlyCron(expr: string): { minute: number; hour: number; day_of_month: number | 'L' } {
  const m = /^cron\((\d{1,2}) (\d{1,2}) (\d{1,2}|L) \* \? \*\)$/.exec(expr.trim());
  if (!m) {
    throw new ValidationError(`COLDPACK_SCHEDULE_CRON must look like cron(0 3 10 * ? *) (monthly), got ${JSON.stringify(expr)}`, 'COLDPACK_SCHEDULE_CRON');
  }
  return { minute: Number(m[1]), hour: Number(m[2]), day_of_month: m[3] === 'L' ? 'L' : Number(m[3]) };
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
