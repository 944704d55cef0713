/**
 * Ports of the HTTP API: what the route handlers need from the restore pipeline, the file index
 * and the cost model (the archive side's contract, `ArchiveJobs`, is in
 * `src/domain/archive-jobs.ts`). The handlers depend on these interfaces only; the composition
 * roots (`src/entrypoints/lambda/api.ts`, `coldpack serve`) pass implementations.
 *
 * Implementations:
 * - {@link RestoreRequests}, {@link FileLookup}: `src/restore/` (restore pipeline);
 * - {@link CostEstimator}: a thin wrapper over `estimate(input, prices)` of `src/cost/`.
 */
import type { JobErrorView, SubmitOptions } from '../domain/archive-jobs.js';
import type { FileIndexItem } from '../domain/model.js';

/** Shared with the archive side; re-exported for the restore types below and their importers. */
export type { JobErrorView, SubmitOptions };

/** Retrieval tiers of S3 RestoreObject. Expedited exists for GLACIER only, not DEEP_ARCHIVE. */
export const RETRIEVAL_TIERS = ['Standard', 'Bulk', 'Expedited'] as const;
/** One of {@link RETRIEVAL_TIERS}. */
export type RetrievalTier = (typeof RETRIEVAL_TIERS)[number];

/** What to restore: exactly one kind of selection. */
export type RestoreSelection =
  /** Full source keys (decoded, exactly as stored in S3). */
  | { readonly kind: 'keys'; readonly keys: readonly string[] }
  /** Every archived key under a raw S3 prefix (used as is). */
  | { readonly kind: 'prefix'; readonly prefix: string }
  /** Base file names such as `5000_20240517_003.csv` (the source application's `filename`). */
  | { readonly kind: 'names'; readonly names: readonly string[] }
  /** A key list stored in S3 (`s3://bucket/key`, one key per line): the bulk path for large lists. */
  | { readonly kind: 'manifest'; readonly bucket: string; readonly key: string };

/** A validated restore request, as the API and the CLI hand it to the restore pipeline. */
export interface RestoreRequestInput {
  /** Project name, when the caller gave one (narrows name lookups). */
  readonly project?: string;
  /** Source bucket of the keys, when the caller gave one; undefined = look in every archived bucket. */
  readonly bucket?: string;
  /** Which files. */
  readonly selection: RestoreSelection;
  /** Retrieval tier. Default Standard. Expedited is refused by the service for DEEP_ARCHIVE bundles. */
  readonly tier: RetrievalTier;
  /** Days the restored bundle copy stays readable (S3 RestoreRequest `Days`), integer ≥ 1. Default 3. */
  readonly days: number;
  /** Restore every key a base name matches instead of failing on an ambiguous name. Default false. */
  readonly all_matches: boolean;
  /** Archive generation to use (job id or `archived_at`); undefined = the newest. */
  readonly generation?: string;
  /** SNS topic to notify besides the configured one; the service refuses ARNs not on its allow-list. */
  readonly topic_arn?: string;
  /** Who asked: the caller's IAM ARN in AWS, `api` locally, `cli` from the CLI. */
  readonly requested_by: string;
}

/** Per-file restore status. */
export type RestoreFileStatus = 'PENDING' | 'RESTORING' | 'EXTRACTING' | 'AVAILABLE' | 'FAILED' | 'NOT_FOUND';

/** One file of a restore request. */
export interface RestoreFileView {
  /** Source key, or the name/key as asked when NOT_FOUND. */
  readonly key: string;
  readonly status: RestoreFileStatus;
  /** Bundle that holds it. */
  readonly bundle_key?: string;
  /** Where the restored copy is: `s3://<restore bucket>/restores/<restore_id>/<key>`. */
  readonly location?: string;
  /** Why it failed or was not found. */
  readonly message?: string;
  readonly [extra: string]: unknown;
}

/** What the API shows of a restore request (`GET /restore/{restore_id}`). */
export interface RestoreView {
  readonly restore_id: string;
  /** Overall status, e.g. PENDING, RESTORING, AVAILABLE, PARTIAL, FAILED. */
  readonly status: string;
  readonly request: RestoreRequestInput;
  /** Every file of the request (the API pages through them, 1,000 at most per response). */
  readonly files: readonly RestoreFileView[];
  /** Counters such as `files`, `bundles`, `bundles_ready`, `files_available`. */
  readonly counters?: Readonly<Record<string, number>>;
  /** ISO 8601 UTC. */
  readonly created_at: string;
  /** ISO 8601 UTC. */
  readonly updated_at: string;
  readonly errors?: readonly JobErrorView[];
}

/** Restore requests. Implemented by the restore pipeline. */
export interface RestoreRequests {
  /**
   * Resolve the files, create the restore request and start the bundle restores.
   * @returns the created request, or the one created earlier with the same `idempotencyKey`
   * @throws ValidationError (400) e.g. Expedited for DEEP_ARCHIVE, an ambiguous name without
   *   `all_matches`, a topic ARN not on the allow-list
   */
  submit(req: RestoreRequestInput, opts: SubmitOptions): Promise<RestoreView>;
  /** The restore request with this id, or undefined. */
  get(restoreId: string): Promise<RestoreView | undefined>;
}

/** A page request: at most `limit` items after the opaque `nextToken`. */
export interface PageRequest {
  /** Max items, 1-1,000. */
  readonly limit: number;
  /** Opaque token from the previous page, or undefined for the first page. */
  readonly nextToken?: string;
}

/** A page of items plus the token of the next page (undefined on the last page). */
export interface Page<T> {
  readonly items: readonly T[];
  readonly nextToken?: string;
}

/** Where archived files are: the file index. Implemented by the restore pipeline. */
export interface FileLookup {
  /**
   * Index items (every archive generation, oldest first) of a full source key.
   * @param bucket source bucket, or undefined to look in every archived bucket
   */
  byKey(bucket: string | undefined, key: string, page: PageRequest): Promise<Page<FileIndexItem>>;
  /**
   * Index items of every key whose base name (the part after the last `/`) is `name`.
   * @param bucket source bucket, or undefined to look in every archived bucket
   */
  byName(bucket: string | undefined, name: string, page: PageRequest): Promise<Page<FileIndexItem>>;
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
