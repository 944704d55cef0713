/**
 * Names of the environment variables coldpack reads, written once. The CDK stack (`infra/`) sets
 * them under these names and the one reader (`src/entrypoints/config.ts`) reads them under these
 * names; nothing else spells them out.
 */
export const ENV = Object.freeze({
  /** AWS region of the deployment (set by Lambda and by the Batch job definitions). */
  REGION: 'AWS_REGION',
  /** Fallback region when AWS_REGION is unset (AWS CLI convention). */
  DEFAULT_REGION: 'AWS_DEFAULT_REGION',
  /** One endpoint for every AWS service (emulators such as moto), e.g. `http://127.0.0.1:5000`. */
  ENDPOINT_URL: 'AWS_ENDPOINT_URL',
  /** 12-digit account id of the deployment; requests naming another account are refused. */
  ACCOUNT: 'COLDPACK_ACCOUNT',
  /** Bucket that receives bundles and manifests. */
  ARCHIVE_BUCKET: 'COLDPACK_ARCHIVE_BUCKET',
  /** Bucket that receives restored files. */
  RESTORE_BUCKET: 'COLDPACK_RESTORE_BUCKET',
  /** Prefix of the DynamoDB table names. */
  TABLE_PREFIX: 'COLDPACK_TABLE_PREFIX',
  /** SNS topic of job summaries and restore notifications. */
  TOPIC_ARN: 'COLDPACK_TOPIC_ARN',
  /** Topic ARNs a restore request may name (comma-separated). */
  ALLOWED_TOPIC_ARNS: 'COLDPACK_ALLOWED_TOPIC_ARNS',
  /** Buckets that may be archived (comma-separated; empty = any bucket coldpack can read). */
  SOURCE_BUCKETS: 'COLDPACK_SOURCE_BUCKETS',
  /** Concurrent source GETs per worker. */
  CONCURRENCY: 'COLDPACK_CONCURRENCY',
  /** Catalog mode: `compact` (default: bundle directory + manifests) or `per_file` (plus one index item per file). */
  CATALOG: 'COLDPACK_CATALOG',
  /** Lifetime of presigned URLs in restore notifications, seconds. */
  PRESIGN_EXPIRES_SECONDS: 'COLDPACK_PRESIGN_EXPIRES_SECONDS',
  /** How archive jobs run: `aws-batch` (submit to AWS Batch) or `in-process` (default). */
  JOB_RUNNER: 'COLDPACK_JOB_RUNNER',
  /** AWS Batch job queue name or ARN. */
  JOB_QUEUE: 'COLDPACK_JOB_QUEUE',
  /** AWS Batch job definition of the plan step. */
  JOB_DEFINITION_PLAN: 'COLDPACK_JOB_DEFINITION_PLAN',
  /** AWS Batch job definition of the shard step. */
  JOB_DEFINITION_SHARD: 'COLDPACK_JOB_DEFINITION_SHARD',
  /** AWS Batch job definition of the finalize step. */
  JOB_DEFINITION_FINALIZE: 'COLDPACK_JOB_DEFINITION_FINALIZE',
  /** Attempts AWS Batch makes per job (the job definition's retry strategy), set by the stack. */
  WORKER_ATTEMPTS: 'COLDPACK_WORKER_ATTEMPTS',
  /** Attempt number of the running Batch job, 1-based (set by AWS Batch). */
  BATCH_JOB_ATTEMPT: 'AWS_BATCH_JOB_ATTEMPT',
  /** Index of this child of a Batch array job, 0-based (set by AWS Batch). */
  BATCH_JOB_ARRAY_INDEX: 'AWS_BATCH_JOB_ARRAY_INDEX',
  /** The whole monthly schedule as JSON (wins over the other SCHEDULE variables). */
  SCHEDULE: 'COLDPACK_SCHEDULE',
  /** The scheduled archive request (a `POST /archive` body without prefix/period), JSON. */
  SCHEDULE_REQUEST: 'COLDPACK_SCHEDULE_REQUEST',
  /** IANA time zone of the schedule and of monthly periods. */
  SCHEDULE_TIMEZONE: 'COLDPACK_SCHEDULE_TIMEZONE',
  /** EventBridge expression of the monthly run, e.g. `cron(0 3 10 * ? *)`. */
  SCHEDULE_CRON: 'COLDPACK_SCHEDULE_CRON',
  /** Template of the scheduled source prefix, e.g. `{yyyy}{MM}{dd}`. */
  SCHEDULE_PREFIX_TEMPLATE: 'COLDPACK_SCHEDULE_PREFIX_TEMPLATE',
  /** Months from the run to the archived period. */
  SCHEDULE_MONTH_OFFSET: 'COLDPACK_SCHEDULE_MONTH_OFFSET',
  /** Bearer token of `coldpack serve`. */
  API_TOKEN: 'COLDPACK_API_TOKEN',
  /** Python interpreter that runs the local moto emulator (`src/local/`, tests and demo only). */
  PYTHON: 'COLDPACK_PYTHON',
} as const);

/** One of {@link ENV}'s variable names. */
export type EnvName = (typeof ENV)[keyof typeof ENV];

/** Values of {@link ENV.JOB_RUNNER}. */
export const JOB_RUNNERS = Object.freeze({ AWS_BATCH: 'aws-batch', IN_PROCESS: 'in-process' } as const);
