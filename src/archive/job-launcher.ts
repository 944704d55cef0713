/**
 * Starting and taking over archive jobs: hand a recorded job to its {@link JobStarter} (marking it
 * FAILED, lock released, when the start fails), free the locks of jobs that no longer run, and take
 * a FAILED or stale job over for a resume. Used by `ArchiveService` (`archive-service.ts`).
 */
import {
  JOB_STALE_AFTER_MS,
  SourceLockedError,
  isStale,
  jobErrorOf,
  lastSignOfLife,
  sourceLock,
  type JobItem,
  type SourceLock,
} from '../domain/archive-job.js';
import { ConflictError, JobStartError, NotFoundError } from '../domain/errors.js';
import { systemClock, type Clock } from '../domain/ports/clock.js';
import type { JobStore } from '../domain/ports/job-store.js';
import { silentLogger, type Logger } from '../domain/ports/logger.js';
import type { JobStarter } from './archive-service.js';
import { retryWrite, type RetryWriteOptions } from './retry-write.js';

/** Collaborators and settings of {@link JobLauncher}. */
export interface JobLauncherDeps {
  readonly jobs: JobStore;
  readonly starter: JobStarter;
  /** Where failed starts and failed writes are reported. Default {@link silentLogger}. */
  readonly logger?: Logger;
  /** Default {@link systemClock}. */
  readonly clock?: Clock;
  /** Retries of the writes that must not be lost. Defaults of {@link retryWrite}. */
  readonly retry?: Omit<RetryWriteOptions, 'logger'>;
  /** Stale period in ms. Default {@link JOB_STALE_AFTER_MS}. */
  readonly staleAfterMs?: number;
}

/** Starts jobs and takes stale ones over (see the module comment). */
export class JobLauncher {
  /** @param deps job store, starter, logger, clock, retry and stale settings */
  constructor(private readonly deps: JobLauncherDeps) {}

  /**
   * Hand a recorded job to the starter. When the start fails the job is marked FAILED and its lock
   * released (both retried), so the source and the period are free again, and the caller is told.
   * @throws JobStartError (502) naming the job and its state (FAILED, or QUEUED when even those writes failed)
   */
  async start(job: JobItem, lock: SourceLock): Promise<void> {
    try {
      await this.deps.starter.start(job.job_id);
    } catch (err) {
      const logger = this.deps.logger ?? silentLogger;
      logger.error({ err, job_id: job.job_id }, 'the job could not be started; marking it FAILED');
      const now = (this.deps.clock ?? systemClock).now().toISOString();
      try {
        await retryWrite(
          `mark job ${job.job_id} FAILED`,
          () => this.deps.jobs.update(job.job_id, { status: 'FAILED', finished_at: now, errors: [jobErrorOf(err, 'start: ')] }),
          { logger, ...this.deps.retry },
        );
        await retryWrite(`release the lock of job ${job.job_id}`, () => this.deps.jobs.releaseLock(lock, job.job_id), { logger, ...this.deps.retry });
      } catch (writeErr) {
        logger.error({ err: writeErr, job_id: job.job_id }, 'the job could not be marked FAILED either; it stays QUEUED until a resume takes it over');
        throw new JobStartError(job.job_id, 'QUEUED', err);
      }
      throw new JobStartError(job.job_id, 'FAILED', err);
    }
  }

  /**
   * Resume a job: a FAILED one, or a QUEUED/RUNNING one whose last sign of life is older than the
   * stale period (or any with `force`), is taken over ({@link JobStore.takeOver}: QUEUED, fresh
   * heartbeat, source lock retaken) and started; a SUCCEEDED or PARTIAL one is returned as is.
   * @returns the job after the takeover
   * @throws NotFoundError (404) when the job does not exist
   * @throws ConflictError (409 `JOB_RUNNING`) when the job is alive, changed meanwhile, or another job holds its source
   * @throws JobStartError (502) when the start fails (the job is FAILED again)
   */
  async resume(jobId: string, options: { readonly force?: boolean } = {}): Promise<JobItem> {
    const job = await this.deps.jobs.get(jobId);
    if (!job) throw new NotFoundError(`archive job ${jobId} does not exist`, 'job_id');
    if (job.status === 'SUCCEEDED' || job.status === 'PARTIAL') return job;
    const now = (this.deps.clock ?? systemClock).now();
    const staleAfterMs = this.deps.staleAfterMs ?? JOB_STALE_AFTER_MS;
    if (job.status !== 'FAILED' && !options.force && !isStale(job, now, staleAfterMs)) {
      throw new ConflictError(
        `job ${jobId} is ${job.status} and alive (last sign of life ${lastSignOfLife(job)}); it can be taken over once it shows none for ${Math.round(staleAfterMs / 1000)} s`,
        { job_id: jobId },
        'JOB_RUNNING',
      );
    }
    const lock = sourceLock(job);
    await this.freeStaleLocks(lock, jobId);
    let taken: boolean;
    try {
      taken = await this.deps.jobs.takeOver(jobId, job.updated_at, lock, now.toISOString());
    } catch (err) {
      if (!(err instanceof SourceLockedError)) throw err;
      const other = (await this.deps.jobs.overlappingLocks(lock)).find((l) => l.job_id !== jobId)?.job_id;
      throw new ConflictError(`another job (${other ?? 'unknown'}) holds the source of job ${jobId}`, { job_id: other }, 'JOB_RUNNING');
    }
    if (!taken)
      throw new ConflictError(
        `job ${jobId} changed while it was being taken over (a heartbeat or another resume); look at it again`,
        { job_id: jobId },
        'JOB_RUNNING',
      );
    await this.start(job, lock);
    return (await this.deps.jobs.get(jobId)) ?? job;
  }

  /**
   * Release the locks overlapping `lock` whose jobs are no longer QUEUED or RUNNING (with
   * `release: false`, as a dry run does, only check: nothing is written).
   * @throws ConflictError (409 JOB_RUNNING) naming a QUEUED or RUNNING job (other than `self`) that holds one
   */
  async freeStaleLocks(lock: SourceLock, self?: string, options: { readonly release?: boolean } = {}): Promise<void> {
    for (const held of await this.deps.jobs.overlappingLocks(lock)) {
      if (held.job_id === self) continue;
      const running = await this.deps.jobs.get(held.job_id);
      if (running && (running.status === 'QUEUED' || running.status === 'RUNNING')) {
        throw new ConflictError(
          `job ${held.job_id} is ${running.status} on s3://${lock.bucket}/${held.scope}, which overlaps this source; wait for it, or resume an interrupted one with: coldpack archive --job ${held.job_id}`,
          { job_id: held.job_id },
          'JOB_RUNNING',
        );
      }
      if (options.release !== false) await this.deps.jobs.releaseLock({ bucket: lock.bucket, scope: held.scope }, held.job_id);
    }
  }
}
