/**
 * Ports of the HTTP API: what the route handlers need from the archive engine, the restore
 * pipeline, the file index and the cost model. The handlers depend on these interfaces only; the
 * composition roots (`src/entrypoints/lambda/api.ts`, `coldpack serve`) pass implementations.
 *
 * Implementations:
 * - {@link ArchiveJobs}: `src/archive/archive-service.ts` (archive engine);
 * - `RestoreRequests`, `FileLookup`: ports in `src/domain/ports/restore-requests.ts`, implemented by
 *   `src/restore/` (restore pipeline);
 * - {@link CostEstimator}: a thin wrapper over `estimate(input, prices)` of `src/cost/`.
 */
import type { ArchiveRequest } from '../domain/archive-request.js';
import type { JobStatus } from '../domain/model.js';
import type { SubmitOptions } from '../domain/submit-options.js';

/** Options of a submit call: defined in the domain (shared with the restore port), re-exported for {@link ArchiveJobs}. */
export type { SubmitOptions } from '../domain/submit-options.js';

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
 * Keep it well under 6 MB: `errors` should be capped by the engine (e.g. the first 100) with the
 * full list in the report object.
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
}

/** Archive jobs: submit, read, and find by monthly period. Implemented by the archive engine. */
export interface ArchiveJobs {
  /**
   * Validate the request against AWS (the bucket exists and the prefix can be listed), create the
   * job and start it.
   * @returns the created job, or the job created earlier with the same `idempotencyKey`
   * @throws ValidationError (400) when the bucket or prefix does not exist or cannot be read
   * @throws ConflictError (409) with `details.job_id` when a job for the same bucket and prefix is RUNNING
   */
  submit(req: ArchiveRequest, opts: SubmitOptions): Promise<JobView>;
  /** The job with this id, or undefined when there is none. */
  get(jobId: string): Promise<JobView | undefined>;
  /**
   * Every archive job of `project` whose request carries `period` (`yyyy-mm`), any status.
   * Used by the monthly schedule to decide whether the month was already archived.
   */
  findForPeriod(project: string, period: string): Promise<JobView[]>;
}

/** Cost estimate port (`POST /estimate`): wraps the cost model's pure `estimate(input, prices)`. */
export interface CostEstimator {
  /**
   * @param input the raw `POST /estimate` body, already checked against `EstimateBody` (`schemas.ts`)
   * @returns a JSON-serializable estimate
   */
  estimate(input: Readonly<Record<string, unknown>>): Promise<unknown>;
}

/** Minimal structured logger (pino-compatible). */
export interface ApiLogger {
  error(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
}
