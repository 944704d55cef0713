/**
 * Job store port: persistence of archive jobs, their shards, idempotency keys, source locks and
 * the monthly period index. DynamoDB adapter: `src/adapters/dynamo/dynamo-job-store.ts`; in-memory
 * fake: `test/support/memory-job-store.ts`.
 */
import type { CreateResult, HeldLock, JobChanges, JobItem, ShardItem, SourceLock } from '../archive-job.js';

/** Where archive jobs are kept. Reads are strongly consistent. */
export interface JobStore {
  /** The job, or undefined. */
  get(jobId: string): Promise<JobItem | undefined>;
  /** The job id an idempotency key points to, if any. */
  jobForKey(idempotencyKey: string): Promise<string | undefined>;
  /**
   * Locks held on `lock.bucket` whose scope overlaps `lock.scope`: one is a prefix of the other
   * (`k3` and `k3/` overlap, `a/` and `b/` do not).
   */
  overlappingLocks(lock: SourceLock): Promise<HeldLock[]>;
  /**
   * Create a job atomically with its idempotency key (if any), its source lock and its period
   * entry (if the request has a period).
   * @param replaceKeyOf when set, the idempotency key may be taken over from this (FAILED) job
   * @returns `{created:false, job}` when the idempotency key already names another job (nothing written)
   * @throws SourceLockedError when the exact source lock is held by another job
   */
  create(job: JobItem, lock: SourceLock, replaceKeyOf?: string): Promise<CreateResult>;
  /**
   * Take a stale or FAILED job over for a resume, atomically: the job becomes QUEUED with a fresh
   * `heartbeat_at` = `now` only if its `updated_at` is still `seenUpdatedAt` (no heartbeat or other
   * resume came in between), its `batch_refs` are cleared (the resumed run is chained anew), and
   * its source lock is taken (or kept) for it.
   * @returns false when the job changed meanwhile (nothing written)
   * @throws SourceLockedError when another job holds the exact source lock
   */
  takeOver(jobId: string, seenUpdatedAt: string, lock: SourceLock, now: string): Promise<boolean>;
  /** Release a source lock if `jobId` holds it (no-op otherwise). */
  releaseLock(lock: SourceLock, jobId: string): Promise<void>;
  /** Job ids recorded for a project and period (`yyyy-mm`). */
  jobsForPeriod(project: string, period: string): Promise<string[]>;
  /** Set top-level fields of an existing job; `updated_at` is set to now. */
  update(jobId: string, changes: JobChanges): Promise<void>;
  /**
   * Add to the job's counters `n_<name>` atomically (zeros are skipped).
   * @throws when the job does not exist
   */
  addCounters(jobId: string, counters: Readonly<Record<string, number>>): Promise<void>;
  /** Write a shard (overwrites). */
  putShard(jobId: string, shard: ShardItem): Promise<void>;
  /** One shard, or undefined. */
  getShard(jobId: string, shard: number): Promise<ShardItem | undefined>;
  /** All shards of a job in shard order (a job has at most thousands). */
  shards(jobId: string): Promise<ShardItem[]>;
}
