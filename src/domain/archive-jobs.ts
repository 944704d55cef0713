/**
 * The archive side's service contract: what the HTTP API, the CLI and the monthly schedule ask of
 * archive jobs, and the view of a job they show. Implemented by `src/archive/archive-service.ts`;
 * in-memory fake for tests: `test/unit/api/fakes.ts`.
 */
import type { SubmitOptions } from './submit-options.js';
import type { ArchiveRequest } from './archive-request.js';
import type { JobStatus } from './model.js';

/** Options of a submit call (idempotency key): shared with the restore port. */
export type { SubmitOptions } from './submit-options.js';

/** One recorded job error (a failed object, a failed shard, a QC mismatch...). */
export interface JobErrorView {
  /** Stable code, e.g. `QC_MISMATCH`, `SOURCE_CHANGED`, `ACCESS_DENIED`. */
  readonly code: string;
  /** Human-readable explanation. */
  readonly message: string;
  /** The source key it is about, when there is one. */
  readonly key?: string;
  /** Anything else the engine records (timestamps, shard number...). */
  readonly [extra: string]: unknown;
}

/**
 * What the API shows of an archive job (`GET /archive/{job_id}`, the `POST /archive` answer).
 * Keep it well under 6 MB: `errors` is capped by the engine (20) with the full list in the report object.
 */
export interface JobView {
  /** Job id (opaque string, URL-safe). */
  readonly job_id: string;
  /** QUEUED, RUNNING, SUCCEEDED, PARTIAL or FAILED. */
  readonly status: JobStatus;
  /** The normalized request the job runs. */
  readonly request: ArchiveRequest;
  /** Counters such as `files_listed`, `bytes_listed`, `files_archived`, `bundles`, `files_deleted`. */
  readonly counters: Readonly<Record<string, number>>;
  /** Creation time, ISO 8601 UTC. */
  readonly created_at: string;
  /** Last update time, ISO 8601 UTC. */
  readonly updated_at: string;
  /** Errors recorded so far (capped by the engine). */
  readonly errors?: readonly JobErrorView[];
  /** Final report (counts, bytes, requests, cost), present once the job has finished. */
  readonly report?: Readonly<Record<string, unknown>>;
  /** Last heartbeat of the process running the job (ISO 8601 UTC), once a step ran. */
  readonly heartbeat_at?: string;
  /**
   * True when the job is QUEUED or RUNNING but shows no sign of life for the stale period (15 min by
   * default): its process died or its final writes failed. Resume it (`POST /archive/{job_id}/resume`,
   * `coldpack archive --job <id>`); the monthly schedule resumes a stale job of its period.
   */
  readonly stale?: boolean;
}

/** Archive jobs: submit, read, and find by monthly period. */
export interface ArchiveJobs {
  /**
   * Validate the request against the object store (the bucket exists and the prefix can be
   * listed), create the job and start it.
   * @returns the created job, or the job created earlier with the same `idempotencyKey`
   * @throws ValidationError (400) when the bucket or prefix does not exist or cannot be read
   * @throws ConflictError (409) with `details.job_id` when a job for the same bucket and prefix is RUNNING
   */
  submit(req: ArchiveRequest, opts: SubmitOptions): Promise<JobView>;
  /**
   * Resume a job: a FAILED one, or a QUEUED/RUNNING one whose heartbeat is stale, is taken over
   * (QUEUED again, its source lock retaken) and started; a SUCCEEDED or PARTIAL one is returned as is.
   * @param options `force`: take over a QUEUED/RUNNING job even with a fresh heartbeat (the CLI's
   *   explicit `--job`, after the operator stopped the process)
   * @throws NotFoundError (404) when the job does not exist
   * @throws ConflictError (409 `JOB_RUNNING`) when the job is alive (fresh heartbeat), or another job holds its source
   * @throws JobStartError (502) when the start fails (the job is FAILED again)
   */
  resume(jobId: string, options?: { readonly force?: boolean }): Promise<JobView>;
  /** The job with this id, or undefined when there is none. */
  get(jobId: string): Promise<JobView | undefined>;
  /**
   * Every archive job of `project` whose request carries `period` (`yyyy-mm`), any status.
   * Used by the monthly schedule to decide whether the month was already archived.
   */
  findForPeriod(project: string, period: string): Promise<JobView[]>;
}
