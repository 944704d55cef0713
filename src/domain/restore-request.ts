/**
 * The restore request as the core knows it: what a caller asks for (tier, days, selection), what
 * it sees back (per-file status, the request view), and the defaults and limits of both. The API
 * (`src/api/`) and the CLI map their input onto {@link RestoreRequestInput}; the restore pipeline
 * (`src/restore/`) implements the {@link RestoreRequests} port of `src/domain/ports/restore-requests.ts`.
 */

/** Retrieval tiers of S3 RestoreObject. Expedited exists for GLACIER only, not DEEP_ARCHIVE. */
export const RETRIEVAL_TIERS = ['Standard', 'Bulk', 'Expedited'] as const;
/** One of {@link RETRIEVAL_TIERS}. */
export type RetrievalTier = (typeof RETRIEVAL_TIERS)[number];

/** Default lifetime of a restored bundle copy, in days (S3 RestoreRequest `Days`): 3. */
export const DEFAULT_RESTORE_DAYS = 3;
/** Longest restored-copy lifetime accepted, in days: 30 (the copy is billed at S3 Standard meanwhile). */
export const MAX_RESTORE_DAYS = 30;

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

/**
 * A restore request whose shape the edge (API schema, CLI flags) has checked. The semantic rules
 * (days range, topic allow-list, tier against each bundle's storage class) are the restore
 * pipeline's (`src/restore/restore-rules.ts`).
 */
export interface RestoreRequestInput {
  /** Project name, when the caller gave one (narrows name lookups). */
  readonly project?: string;
  /** Source bucket of the keys, when the caller gave one; undefined = look in every archived bucket. */
  readonly bucket?: string;
  /** Which files. */
  readonly selection: RestoreSelection;
  /** Retrieval tier. Default Standard. Expedited is refused by the service for DEEP_ARCHIVE bundles. */
  readonly tier: RetrievalTier;
  /** Days the restored bundle copy stays readable (S3 RestoreRequest `Days`), integer 1-30. Default {@link DEFAULT_RESTORE_DAYS}. */
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

/** Terminal file statuses: nothing more happens to the file. */
export const TERMINAL_FILE_STATUSES: readonly RestoreFileStatus[] = ['AVAILABLE', 'FAILED', 'NOT_FOUND'];

/** Final status of a request: every file AVAILABLE; some AVAILABLE; none AVAILABLE. */
export type RestoreFinalStatus = 'AVAILABLE' | 'PARTIAL' | 'FAILED';

/** One file of a restore request as callers see it. */
export interface RestoreFileView {
  /** Source key, or the name/key as asked when NOT_FOUND. */
  readonly key: string;
  readonly status: RestoreFileStatus;
  /** Bundle that holds it. */
  readonly bundle_key?: string;
  /** Where the restored copy is: `s3://<restore bucket>/restores/<restore_id>/<source bucket>/<key>` (or `_keys/<hash>`, see `restoreKeyFor`). */
  readonly location?: string;
  /** Why it failed or was not found. */
  readonly message?: string;
  readonly [extra: string]: unknown;
}

/** A problem recorded on a request as a whole (e.g. `NOTIFY_FAILED`, `AMBIGUOUS_NAME`). */
export interface RestoreProblem {
  /** Stable code, e.g. `NOTIFY_FAILED`, `AMBIGUOUS_NAME`, `TOO_MANY_FILES`. */
  readonly code: string;
  /** Human-readable explanation. */
  readonly message: string;
  /** The request field it is about, when there is one. */
  readonly field?: string;
  /** AMBIGUOUS_NAME: every candidate `s3://<bucket>/<key>` (bounded to 256 KiB; see `candidates_truncated`). */
  readonly candidates?: readonly string[];
  readonly candidates_total?: number;
  readonly candidates_truncated?: boolean;
}

/** What callers see of a restore request (`GET /restore/{restore_id}`, `coldpack restore-status`). */
export interface RestoreView {
  readonly restore_id: string;
  /** Overall status: RESOLVING (files being looked up), PENDING, RESTORING, EXTRACTING, or the final AVAILABLE, PARTIAL, FAILED. */
  readonly status: string;
  readonly request: RestoreRequestInput;
  /** Every file of the request (the API pages through them, 1,000 at most per response). */
  readonly files: readonly RestoreFileView[];
  /** Counters such as `files`, `bundles`, `files_available`. */
  readonly counters?: Readonly<Record<string, number>>;
  /** ISO 8601 UTC. */
  readonly created_at: string;
  /** ISO 8601 UTC. */
  readonly updated_at: string;
  readonly errors?: readonly RestoreProblem[];
}
