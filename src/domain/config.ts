/**
 * coldpack's runtime configuration: read once at the edge (`src/entrypoints/config.ts`) into this
 * typed, frozen object and passed down. Domain code never reads `process.env`.
 */
import type { CatalogMode } from './catalog.js';
export interface ColdpackConfig {
  /** AWS region of the deployment, e.g. `us-east-1`. From AWS_REGION (default `us-east-1`). */
  readonly region: string;
  /** AWS account id of the deployment when known (COLDPACK_ACCOUNT); requests naming another are refused. */
  readonly account?: string;
  /** Explicit endpoint for all services (AWS_ENDPOINT_URL); undefined = SDK default resolution. */
  readonly endpoint?: string;
  /** Bucket that receives bundles and manifests. COLDPACK_ARCHIVE_BUCKET, default `coldpack-archive`. */
  readonly archiveBucket: string;
  /** Bucket that receives restored files. COLDPACK_RESTORE_BUCKET, default `coldpack-restore`. */
  readonly restoreBucket: string;
  /** Prefix of the DynamoDB table names. COLDPACK_TABLE_PREFIX, default `coldpack-`. */
  readonly tablePrefix: string;
  /** SNS topic for notifications (COLDPACK_TOPIC_ARN); undefined = no notification. */
  readonly topicArn?: string;
  /** Topic ARNs a caller may name in a restore request (COLDPACK_ALLOWED_TOPIC_ARNS, comma-separated). */
  readonly allowedTopicArns: readonly string[];
  /** Buckets that may be archived (COLDPACK_SOURCE_BUCKETS, comma-separated); undefined or empty = any bucket coldpack can read. */
  readonly sourceBuckets?: readonly string[];
  /** Concurrent source GETs per worker. COLDPACK_CONCURRENCY, default 64. */
  readonly concurrency: number;
  /**
   * Catalog mode (COLDPACK_CATALOG): `compact` (default: one bundle directory item per bundle, rows in
   * the manifests) or `per_file` (plus one DynamoDB index item per archived file).
   */
  readonly catalog?: CatalogMode;
}

/** DynamoDB table names derived from {@link ColdpackConfig.tablePrefix}. */
export interface TableNames {
  /** Archive jobs and restore requests: pk (S), sk (S). */
  readonly jobs: string;
  /** Per-file index (`catalog: per_file` only): pk `<bucket>/<key>` (S), sk `<archived_at>#<job_id>` (S); keys-only GSI `by_name` on name_key + sk. */
  readonly files: string;
  /** Bundles: pk `bundle_key` (S); the COMMITTED items are the bundle directory (sparse GSI `by_range`). */
  readonly bundles: string;
}

/** Table names for a prefix, e.g. `coldpack-` -> `coldpack-jobs`, `coldpack-files`, `coldpack-bundles`. */
export function tableNames(prefix: string): TableNames {
  return Object.freeze({ jobs: `${prefix}jobs`, files: `${prefix}files`, bundles: `${prefix}bundles` });
}
