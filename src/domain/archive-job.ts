/**
 * The archive job as it is stored: the job record, its shard records, the source lock it holds and
 * the errors it records. Persisted through the {@link JobStore} port
 * (`src/domain/ports/job-store.ts`); field names are snake_case because they are stored as-is.
 */
import type { ArchiveRequest } from './archive-request.js';
import { ColdpackError } from './errors.js';
import { isErrorCode } from './error-codes.js';
import { asColdpackError } from './unexpected-errors.js';
import type { JobStatus } from './model.js';

/** One recorded job error: a stable code (e.g. QC_MISMATCH, INTEGRITY_ERROR, VERIFY_FAILED) and a message. */
export interface JobError {
  readonly code: string;
  readonly message: string;
}

/** An archive job. Counters are top-level numbers named `n_*` (files and bytes). */
export interface JobItem {
  readonly job_id: string;
  readonly status: JobStatus;
  readonly request: ArchiveRequest;
  /** Archive generation timestamp (ISO 8601) used in every index item's sort key. */
  readonly generation: string;
  /** ISO 8601 UTC. */
  readonly created_at: string;
  /** ISO 8601 UTC, set by the store on every update. */
  readonly updated_at: string;
  readonly started_at?: string;
  readonly finished_at?: string;
  /** Number of shards once planned. */
  readonly shard_count?: number;
  /** Why the job failed or is partial: stable code and message (at most 20 kept, each message at most 2,000 characters: a bounded list). */
  readonly errors?: JobError[];
  /** Key of the report object in the archive bucket, once finalized. */
  readonly report_key?: string;
  /** AWS Batch job ids submitted for the shards and finalize: two ids (one array job for every shard, one finalize), written once by the job-state handler; a duplicate event submits nothing. */
  readonly batch_refs?: readonly string[];
  readonly idempotency_key?: string;
  /** The first 100 `bucket/key` a manifest source listed more than once (dropped at plan time, counted in `n_duplicates_dropped`): at most ~110 KB whatever the number of duplicates. */
  readonly duplicate_sample?: readonly string[];
  /** Last heartbeat of the process running a step (ISO 8601 UTC), written every {@link JOB_HEARTBEAT_MS}. */
  readonly heartbeat_at?: string;
  /** Counters (files and bytes): n_files_listed, n_bytes_listed, n_folder_markers, n_files_archived, ... */
  readonly [counter: `n_${string}`]: number | undefined;
}

/** Top-level fields of a job that {@link JobStore.update} may set (`updated_at` is set by the store). */
export type JobChanges = { -readonly [K in Exclude<keyof JobItem, 'job_id' | 'request' | 'created_at' | 'updated_at'>]?: JobItem[K] };

/** One shard of a job: a contiguous slice of the listing, packed by one worker. */
export interface ShardItem {
  /** 0-based shard number. */
  readonly shard: number;
  readonly status: 'PLANNED' | 'DONE';
  /** Objects planned in the shard. */
  readonly files: number;
  /** Bytes planned in the shard. */
  readonly bytes: number;
  readonly first_key?: string;
  readonly last_key?: string;
  /** Bundles packed (DONE only). */
  readonly bundles?: number;
  readonly archived_files?: number;
  readonly archived_bytes?: number;
  readonly skipped_count?: number;
  /** First 100 skipped objects with their reasons (the rest only counted in `skipped_count`: bounded whatever the shard size). */
  readonly skipped?: ReadonlyArray<{ readonly key: string; readonly reason: string; readonly detail: string }>;
}

/** What a running job locks: a bucket and a scope in it (the raw prefix, or `manifest:<key>`). */
export interface SourceLock {
  readonly bucket: string;
  readonly scope: string;
}

/** A lock held on a bucket: its scope and the job holding it. */
export interface HeldLock {
  readonly scope: string;
  readonly job_id: string;
}

/** Result of {@link JobStore.create}: the job created, or the one its idempotency key already points to. */
export type CreateResult = { readonly created: true; readonly job: JobItem } | { readonly created: false; readonly job: JobItem };

/**
 * {@link JobStore.create} could not take the source lock: another job holds an overlapping scope
 * (HTTP 409, code `JOB_RUNNING`). The caller names the holder.
 */
export class SourceLockedError extends ColdpackError {
  /** @param lock the lock asked for; @param cause the store's own error */
  constructor(
    readonly lock: SourceLock,
    cause?: unknown,
  ) {
    super('JOB_RUNNING', `source s3://${lock.bucket}/${lock.scope} is locked by another job`, cause === undefined ? {} : { cause });
  }
}

/** The lock a job takes: its source bucket and prefix (or the manifest's bucket and key). */
export function sourceLock(job: Pick<JobItem, 'request'>): SourceLock {
  const s = job.request.source;
  return s.kind === 'list' ? { bucket: s.bucket, scope: s.prefix } : { bucket: s.bucket || 'local-file', scope: `manifest:${s.manifest}` };
}

/**
 * A job error from anything thrown: errors with a string `code` (ColdpackError) keep it; others
 * are `INTERNAL` with their name. The message is prefixed with `context` and cut at 2,000 characters.
 */
export function jobErrorOf(err: unknown, context = ''): JobError {
  const own = err instanceof ColdpackError || (err && typeof err === 'object' && 'code' in err && isErrorCode((err as { code: unknown }).code));
  if (!own && err !== null && typeof err === 'object') {
    // An AWS or connection error nobody translated: recorded as the edges print it, naming the
    // operation (and, for DynamoDB, the table) that failed.
    const translated = asColdpackError(err);
    if (translated.code !== 'INTERNAL') return { code: translated.code, message: `${context}${translated.message}`.slice(0, 2000) };
  }
  const code =
    err && typeof err === 'object' && 'code' in err && typeof (err as { code: unknown }).code === 'string' ? (err as { code: string }).code : 'INTERNAL';
  const message = err instanceof Error ? (code === 'INTERNAL' ? `${err.name}: ${err.message}` : err.message) : String(err);
  return { code, message: `${context}${message}`.slice(0, 2000) };
}

/** How often a running step writes the job's `heartbeat_at`, in ms (default of the engine's `heartbeatMs`). */
export const JOB_HEARTBEAT_MS = 30_000;

/**
 * After how long without a sign of life (heartbeat, or any update) a QUEUED or RUNNING job is
 * stale and may be taken over by a resume, in ms: 15 minutes, 30 missed heartbeats, long enough
 * for an AWS Batch job to wait in its queue between steps.
 */
export const JOB_STALE_AFTER_MS = 900_000;

/** The job's last sign of life: its heartbeat, else its last update (ISO 8601 UTC). */
export function lastSignOfLife(job: Pick<JobItem, 'heartbeat_at' | 'updated_at'>): string {
  const hb = job.heartbeat_at;
  return hb !== undefined && hb > job.updated_at ? hb : job.updated_at;
}

/**
 * Whether a QUEUED or RUNNING job shows no sign of life for `staleAfterMs` (its process died, or
 * its final writes failed): it may then be taken over by a resume. Finished and FAILED jobs are
 * never stale.
 */
export function isStale(job: Pick<JobItem, 'status' | 'heartbeat_at' | 'updated_at'>, now: Date, staleAfterMs = JOB_STALE_AFTER_MS): boolean {
  if (job.status !== 'QUEUED' && job.status !== 'RUNNING') return false;
  return Date.parse(lastSignOfLife(job)) < now.getTime() - staleAfterMs;
}
