/**
 * In-memory {@link JobStore} for unit tests of the core: answers as the DynamoDB adapter does
 * (idempotency keys return the first job, an exact source lock held by another job is a
 * SourceLockedError, counters are added atomically), but refuses to update a job that does not
 * exist (DynamoDB would create a stub item). Faults: `failNext(method, error)`.
 */
import {
  SourceLockedError,
  type CreateResult,
  type HeldLock,
  type JobChanges,
  type JobItem,
  type ShardItem,
  type SourceLock,
} from '../../src/domain/archive-job.js';
import { ColdpackError } from '../../src/domain/errors.js';
import type { JobStore } from '../../src/domain/ports/job-store.js';

type Method = keyof JobStore;

/** The fake; its maps are public for assertions. */
export class MemoryJobStore implements JobStore {
  readonly jobs = new Map<string, JobItem>();
  readonly shardsOf = new Map<string, Map<number, ShardItem>>();
  readonly keys = new Map<string, string>();
  /** bucket -> scope -> job id */
  readonly locks = new Map<string, Map<string, string>>();
  readonly periods = new Map<string, Set<string>>();
  /** Every call, in order. */
  readonly calls: Array<{ method: Method; jobId?: string }> = [];
  private readonly faults: Array<{ method: Method; error: Error }> = [];

  /** Make the next call of `method` throw `error`. */
  failNext(method: Method, error: Error): void {
    this.faults.push({ method, error });
  }

  private enter(method: Method, jobId?: string): void {
    this.calls.push({ method, ...(jobId === undefined ? {} : { jobId }) });
    const i = this.faults.findIndex((f) => f.method === method);
    if (i >= 0) throw this.faults.splice(i, 1)[0]!.error;
  }

  private existing(jobId: string): JobItem {
    const job = this.jobs.get(jobId);
    if (!job) throw new ColdpackError('NOT_FOUND', `memory job store: job ${jobId} does not exist`);
    return job;
  }

  async get(jobId: string): Promise<JobItem | undefined> {
    this.enter('get', jobId);
    return this.jobs.get(jobId);
  }

  async jobForKey(idempotencyKey: string): Promise<string | undefined> {
    this.enter('jobForKey');
    return this.keys.get(idempotencyKey);
  }

  async overlappingLocks(lock: SourceLock): Promise<HeldLock[]> {
    this.enter('overlappingLocks');
    const held = [...(this.locks.get(lock.bucket) ?? new Map<string, string>()).entries()];
    return held.filter(([scope]) => scope.startsWith(lock.scope) || lock.scope.startsWith(scope)).map(([scope, job_id]) => ({ scope, job_id }));
  }

  async create(job: JobItem, lock: SourceLock, replaceKeyOf?: string): Promise<CreateResult> {
    this.enter('create', job.job_id);
    const key = job.idempotency_key;
    const holder = key === undefined ? undefined : this.keys.get(key);
    if (holder !== undefined && holder !== replaceKeyOf) return { created: false, job: this.existing(holder) };
    if (this.jobs.has(job.job_id) || this.locks.get(lock.bucket)?.has(lock.scope)) throw new SourceLockedError(lock);
    this.jobs.set(job.job_id, job);
    if (!this.locks.has(lock.bucket)) this.locks.set(lock.bucket, new Map());
    this.locks.get(lock.bucket)!.set(lock.scope, job.job_id);
    if (key !== undefined) this.keys.set(key, job.job_id);
    if (job.request.period) {
      const p = `${job.request.project}#${job.request.period}`;
      this.periods.set(p, (this.periods.get(p) ?? new Set()).add(job.job_id));
    }
    return { created: true, job };
  }

  async takeOver(jobId: string, seenUpdatedAt: string, lock: SourceLock, now: string): Promise<boolean> {
    this.enter('takeOver', jobId);
    const holder = this.locks.get(lock.bucket)?.get(lock.scope);
    if (holder !== undefined && holder !== jobId) throw new SourceLockedError(lock);
    const job = this.jobs.get(jobId);
    if (!job || job.updated_at !== seenUpdatedAt) return false;
    const { batch_refs: _refs, ...rest } = job;
    this.jobs.set(jobId, { ...rest, status: 'QUEUED', heartbeat_at: now, updated_at: now } as JobItem);
    if (!this.locks.has(lock.bucket)) this.locks.set(lock.bucket, new Map());
    this.locks.get(lock.bucket)!.set(lock.scope, jobId);
    return true;
  }

  async releaseLock(lock: SourceLock, jobId: string): Promise<void> {
    this.enter('releaseLock', jobId);
    const held = this.locks.get(lock.bucket);
    if (held?.get(lock.scope) === jobId) held.delete(lock.scope);
  }

  async jobsForPeriod(project: string, period: string): Promise<string[]> {
    this.enter('jobsForPeriod');
    return [...(this.periods.get(`${project}#${period}`) ?? [])];
  }

  async update(jobId: string, changes: JobChanges): Promise<void> {
    this.enter('update', jobId);
    const set = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
    this.jobs.set(jobId, { ...this.existing(jobId), ...set, updated_at: new Date().toISOString() });
  }

  async addCounters(jobId: string, counters: Readonly<Record<string, number>>): Promise<void> {
    this.enter('addCounters', jobId);
    const job: Record<string, unknown> = { ...this.existing(jobId) };
    for (const [k, v] of Object.entries(counters)) if (v !== 0) job[`n_${k}`] = ((job[`n_${k}`] as number | undefined) ?? 0) + v;
    this.jobs.set(jobId, job as unknown as JobItem);
  }

  async putShard(jobId: string, shard: ShardItem): Promise<void> {
    this.enter('putShard', jobId);
    if (!this.shardsOf.has(jobId)) this.shardsOf.set(jobId, new Map());
    this.shardsOf.get(jobId)!.set(shard.shard, structuredClone(shard));
  }

  async getShard(jobId: string, shard: number): Promise<ShardItem | undefined> {
    this.enter('getShard', jobId);
    return this.shardsOf.get(jobId)?.get(shard);
  }

  async shards(jobId: string): Promise<ShardItem[]> {
    this.enter('shards', jobId);
    return [...(this.shardsOf.get(jobId)?.values() ?? [])].sort((a, b) => a.shard - b.shard);
  }
}
