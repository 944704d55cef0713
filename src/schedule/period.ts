/**
 * Pure calendar logic of the monthly schedule: local date parts in an IANA time zone, month
 * arithmetic, the monthly period (`yyyy-mm`) and the source prefix template.
 *
 * Definitions (also in docs/api.md):
 * - the **period** of a run is the calendar month of its time, taken in the schedule's zone
 *   (`2024-04` for a run at 2024-04-10 03:00 Europe/London). An API archive request gets the month
 *   it was submitted in, so a source-application run and a scheduled run of the same month share
 *   a period and the schedule can see the month is done;
 * - the **target date** is the run's local date shifted by `month_offset` months (the day is
 *   clamped to the target month's length: 03-31 - 1 month = 02-28/29);
 * - the **prefix** is the template rendered with the target date: `{yyyy}` 4-digit year, `{MM}`
 *   2-digit month, `{dd}` 2-digit day. With `{yyyy}{MM}{dd}` and offset 0 a run on 2024-04-10 gives
 *   `20240410` (the source application's sample); with `{yyyy}{MM}` and offset -1 it gives `202403`.
 */
import { ValidationError } from '../domain/errors.js';

/** A local calendar date-time (month 1-12). */
export interface LocalDateTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * Whether `zone` is an IANA time zone this runtime knows (e.g. `Europe/London`, `UTC`).
 */
export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Local date and time of `instant` in `timeZone`.
 * @throws ValidationError (field `time_zone`) for an unknown zone
 */
export function zonedParts(instant: Date, timeZone: string): LocalDateTime {
  let fmt = formatters.get(timeZone);
  if (!fmt) {
    if (!isValidTimeZone(timeZone)) throw new ValidationError(`unknown IANA time zone ${JSON.stringify(timeZone)}`, 'time_zone');
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, fmt);
  }
  const parts: Record<string, number> = {};
  for (const p of fmt.formatToParts(instant)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute! };
}

/** Number of days in `month` (1-12) of `year` (Gregorian). */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** `date` shifted by `months` (may be negative); the day is clamped to the target month's length. */
export function addMonths(date: { year: number; month: number; day: number }, months: number): { year: number; month: number; day: number } {
  const index = date.year * 12 + (date.month - 1) + months;
  const year = Math.floor(index / 12);
  const month = (((index % 12) + 12) % 12) + 1;
  return { year, month, day: Math.min(date.day, daysInMonth(year, month)) };
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** `yyyy-mm` of a year and month (1-12). */
export function formatPeriod(year: number, month: number): string {
  return `${pad(year, 4)}-${pad(month, 2)}`;
}

/** The period (`yyyy-mm`) of `instant`: its calendar month in `timeZone`. */
export function periodOf(instant: Date, timeZone: string): string {
  const p = zonedParts(instant, timeZone);
  return formatPeriod(p.year, p.month);
}

/** Tokens a prefix template may hold. */
export const TEMPLATE_TOKENS = ['{yyyy}', '{MM}', '{dd}'] as const;

/**
 * Why `template` is not a valid prefix template, or undefined when it is. It needs at least one
 * token, and every `{...}` must be one of {@link TEMPLATE_TOKENS}.
 */
export function templateProblem(template: string): string | undefined {
  const tokens = template.match(/\{[^}]*\}/g) ?? [];
  const unknown = tokens.find((t) => !(TEMPLATE_TOKENS as readonly string[]).includes(t));
  if (unknown) return `unknown token ${unknown}; use ${TEMPLATE_TOKENS.join(', ')}`;
  if (tokens.length === 0) return `has no date token; use ${TEMPLATE_TOKENS.join(', ')}`;
  if (template.startsWith('/')) return 'must not start with "/"';
  return undefined;
}

/**
 * Render a prefix template (`{yyyy}`, `{MM}`, `{dd}`) with a date.
 * @throws ValidationError (field `prefix_template`) for a bad template
 */
export function renderTemplate(template: string, date: { year: number; month: number; day: number }): string {
  const problem = templateProblem(template);
  if (problem) throw new ValidationError(`prefix_template ${JSON.stringify(template)} ${problem}`, 'prefix_template');
  return template.replaceAll('{yyyy}', pad(date.year, 4)).replaceAll('{MM}', pad(date.month, 2)).replaceAll('{dd}', pad(date.day, 2));
}

/** What one scheduled run archives. */
export interface RunPlan {
  /** Period of the run (`yyyy-mm`, the run's month in the zone): the idempotency period. */
  readonly period: string;
  /** Local date-time of the run in the zone. */
  readonly local: LocalDateTime;
  /** Target date (`yyyy-mm-dd`): the local date shifted by the month offset. */
  readonly target_date: string;
  /** Rendered template: the folder name (source application's `prefix` meaning, "/" appended later). */
  readonly prefix: string;
}

/**
 * Plan the run fired at `fireTime` (UTC instant).
 * @param opts `timeZone` IANA zone; `monthOffset` months added to the local date (e.g. -1 =
 *   previous month); `prefixTemplate` e.g. `{yyyy}{MM}{dd}`
 * @throws ValidationError for an unknown zone or a bad template
 */
export function planRun(fireTime: Date, opts: { readonly timeZone: string; readonly monthOffset: number; readonly prefixTemplate: string }): RunPlan {
  const local = zonedParts(fireTime, opts.timeZone);
  const target = addMonths(local, opts.monthOffset);
  return {
    period: formatPeriod(local.year, local.month),
    local,
    target_date: `${formatPeriod(target.year, target.month)}-${pad(target.day, 2)}`,
    prefix: renderTemplate(opts.prefixTemplate, target),
  };
}
