/**
 * The monthly scheduled archive: at each fire time, start the configured default archive request
 * unless the month already has a job (from the source application or an earlier run) that is not
 * FAILED. Duplicate invocations start at most one job (idempotency key per project and period).
 */
import type { ArchiveJobs, JobView } from '../domain/archive-jobs.js';
import type { ArchiveRequest } from '../domain/archive-request.js';
import { ConflictError } from '../domain/errors.js';
import { planRun, type RunPlan } from './period.js';
import type { ScheduleSettings } from './schedule-config.js';

/** Idempotency key of a period: `PERIOD#<project>#<yyyy-mm>`. */
export function periodKey(project: string, period: string): string {
  return `PERIOD#${project}#${period}`;
}

/** What a scheduled run did. */
export type ScheduledRunResult =
  | { readonly action: 'started'; readonly job_id: string; readonly status: string; readonly plan: RunPlan; readonly idempotency_key: string }
  | { readonly action: 'resumed'; readonly job_id: string; readonly status: string; readonly plan: RunPlan }
  | { readonly action: 'skipped'; readonly reason: string; readonly job_ids: readonly string[]; readonly plan?: RunPlan }
  | { readonly action: 'disabled' };

/** One scheduled run: its plan, fire time and zone. */
export interface ScheduledRun {
  readonly plan: RunPlan;
  /** The scheduled fire time (UTC instant). */
  readonly fireTime: Date;
  /** IANA zone of the schedule. */
  readonly timeZone: string;
}

/** What the schedule needs to know of its configured request: the project it archives. */
export interface ScheduledRequestFields {
  readonly project_name: string;
}

/** Collaborators of {@link runScheduledArchive}. */
export interface ScheduledArchiveDeps<R extends ScheduledRequestFields> {
  readonly jobs: Pick<ArchiveJobs, 'submit' | 'findForPeriod' | 'resume'>;
  readonly config: ScheduleSettings<R>;
  /** The archive request of a run from the configured request (the edge's mapping: `scheduledArchiveRequest` of `src/entrypoints/schedule-env.ts`). */
  readonly toRequest: (request: R, run: ScheduledRun) => ArchiveRequest;
}

/**
 * Run the monthly archive for the fire time `fireTime`.
 *
 * 1. Plan: period = the run's month in the zone; prefix = template of (local date + month offset).
 * 2. If the project has a job for the period whose status is not FAILED -> skipped, unless it is
 *    `stale` (QUEUED or RUNNING without a sign of life): then it is resumed (taken over and started).
 *    A 409 from that resume (it came back to life meanwhile) is reported as skipped.
 * 3. Else submit the default request with `period` and idempotency key
 *    `PERIOD#<project>#<yyyy-mm>` (`...#retry<n>` after n FAILED jobs, so a failed month is retried
 *    once per run while duplicates of the same run still share one key).
 * A 409 (a job for the same bucket+prefix is RUNNING) is reported as skipped, not thrown.
 * @throws whatever `findForPeriod`/`submit` throw otherwise (so the scheduler retries the invocation)
 */
export async function runScheduledArchive<R extends ScheduledRequestFields>(deps: ScheduledArchiveDeps<R>, fireTime: Date): Promise<ScheduledRunResult> {
  const { config, jobs } = deps;
  if (!config.enabled) return { action: 'disabled' };
  const plan = planRun(fireTime, {
    timeZone: config.time_zone,
    monthOffset: config.month_offset,
    prefixTemplate: config.prefix_template,
  });
  const project = config.request.project_name;
  const existing: JobView[] = await jobs.findForPeriod(project, plan.period);
  const live = existing.filter((j) => j.status !== 'FAILED');
  const stale = live.find((j) => j.stale === true);
  if (stale) {
    try {
      const job = await jobs.resume(stale.job_id);
      return { action: 'resumed', job_id: job.job_id, status: job.status, plan };
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      return { action: 'skipped', reason: `the stale job ${stale.job_id} could not be taken over: ${err.message}`, job_ids: [stale.job_id], plan };
    }
  }
  if (live.length > 0) {
    return {
      action: 'skipped',
      reason: `project ${project} already has ${live.length} job(s) for ${plan.period} that did not fail`,
      job_ids: live.map((j) => j.job_id),
      plan,
    };
  }
  const failed = existing.length;
  const key = periodKey(project, plan.period) + (failed > 0 ? `#retry${failed}` : '');
  const req = deps.toRequest(config.request, { plan, fireTime, timeZone: config.time_zone });
  try {
    const job = await jobs.submit(req, { idempotencyKey: key });
    return { action: 'started', job_id: job.job_id, status: job.status, plan, idempotency_key: key };
  } catch (err) {
    if (err instanceof ConflictError) {
      const id = typeof err.details.job_id === 'string' ? [err.details.job_id] : [];
      return { action: 'skipped', reason: `a job for the same bucket and prefix is running: ${err.message}`, job_ids: id, plan };
    }
    throw err;
  }
}

/**
 * Fire time of a scheduler invocation: the event's `scheduled_time` (set the EventBridge Scheduler
 * target input to `{"scheduled_time": "<aws.scheduler.scheduled-time>"}`), else an EventBridge
 * rule event's `time`, else `now`. Using the scheduled time (not the invocation time) keeps a
 * retried or late invocation in the right period.
 */
export function fireTimeOf(event: unknown, now: Date): Date {
  const e = (event ?? {}) as { scheduled_time?: unknown; time?: unknown };
  for (const v of [e.scheduled_time, e.time]) {
    if (typeof v === 'string') {
      const d = new Date(v);
      if (!Number.isNaN(d.getTime())) return d;
    }
  }
  return now;
}
