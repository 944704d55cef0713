/**
 * coldpack's runtime configuration: read once at the edge (`src/entrypoints/config.ts`, the only
 * reader of the environment, variable names in `./env-names.ts`) into this typed, frozen object and
 * passed down. Domain code never reads `process.env`.
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

/**
 * Names of the AWS Batch resources archive jobs are submitted to (COLDPACK_JOB_RUNNER=aws-batch),
 * as the CDK stack sets them (`infra/constructs/compute.ts`).
 */
export interface BatchRunnerConfig {
  /** Job queue name or ARN (COLDPACK_JOB_QUEUE). */
  readonly jobQueue: string;
  /** Plan job definition (COLDPACK_JOB_DEFINITION_PLAN); unset in the plan job itself, which cannot name its own definition. */
  readonly planJobDefinition?: string;
  /** Shard job definition (COLDPACK_JOB_DEFINITION_SHARD). */
  readonly shardJobDefinition: string;
  /** Finalize job definition (COLDPACK_JOB_DEFINITION_FINALIZE). */
  readonly finalizeJobDefinition: string;
}

/** Which attempt of an AWS Batch job this process is (outside Batch: attempt 1 of 1). */
export interface WorkerAttempt {
  /** 1-based attempt number (AWS_BATCH_JOB_ATTEMPT, set by Batch), default 1. */
  readonly attempt: number;
  /** Attempts the job definition allows (COLDPACK_WORKER_ATTEMPTS, set by the stack), default 1. */
  readonly attempts: number;
  /** Index of this child of an array job (AWS_BATCH_JOB_ARRAY_INDEX, set by Batch), 0-based. */
  readonly arrayIndex?: number;
}

/** Whether no further attempt follows this one (`attempt` ≥ `attempts`): a failure is final. */
export function isLastAttempt(w: WorkerAttempt): boolean {
  return w.attempt >= w.attempts;
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
