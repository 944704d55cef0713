/**
 * The one reader of the environment: the zod schema of every variable coldpack reads
 * (`./environment-schema.ts`, names in {@link ENV}), applied once at a process edge (CLI, Lambda
 * handler, Batch worker) into a frozen, typed {@link ProcessConfig}. A bad value is a server
 * misconfiguration: ColdpackError `CONFIG_ERROR` (HTTP 500, CLI exit 1) naming the variable,
 * never a 400.
 */
import type { BatchRunnerConfig, ColdpackConfig, WorkerAttempt } from '../domain/config.js';
import { DEFAULT_CATALOG_MODE } from '../domain/catalog.js';
import { ENV, JOB_RUNNERS } from '../domain/env-names.js';
import { ColdpackError } from '../domain/errors.js';
import type { ScheduleConfig } from './schedule-env.js';
import { scheduleFromEnv } from './schedule-env.js';
import { configError, parseEnvironment, type Environment } from './environment-schema.js';

export { EnvironmentSchema, parseEnvironment, type Environment } from './environment-schema.js';

/** Documented defaults of the variables read by {@link readProcessConfig}. */
export const CONFIG_DEFAULTS = Object.freeze({
  region: 'us-east-1',
  archiveBucket: 'coldpack-archive',
  restoreBucket: 'coldpack-restore',
  tablePrefix: 'coldpack-',
  concurrency: 64,
  catalog: DEFAULT_CATALOG_MODE,
  scheduleTimeZone: 'UTC',
});

/** Everything a process reads from its environment, typed and frozen. */
export interface ProcessConfig {
  /** The services' configuration (buckets, tables, region, endpoint, limits). */
  readonly coldpack: ColdpackConfig;
  /** Lifetime of presigned URLs in restore notifications, 1-604,800 s; undefined = the restore default. */
  readonly presignSeconds?: number;
  /** AWS Batch names when COLDPACK_JOB_RUNNER=aws-batch; undefined = jobs run in this process. */
  readonly jobRunner?: BatchRunnerConfig;
  /** Attempt and array index of a Batch worker (outside Batch: attempt 1 of 1, no index). */
  readonly worker: WorkerAttempt;
  /** The monthly schedule (COLDPACK_SCHEDULE or COLDPACK_SCHEDULE_*); undefined = none configured. */
  readonly schedule?: ScheduleConfig;
  /** IANA zone of monthly periods: the schedule's zone, else COLDPACK_SCHEDULE_TIMEZONE, else `UTC`. */
  readonly scheduleTimeZone: string;
  /** Lambda function the API wakes per restore request (COLDPACK_RESTORE_WORKER_FUNCTION); undefined = none. */
  readonly restoreWorkerFunction?: string;
  /** Bearer token of `coldpack serve` (COLDPACK_API_TOKEN), when set. */
  readonly apiToken?: string;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

function scheduleOf(env: Environment): ScheduleConfig | undefined {
  try {
    const schedule = scheduleFromEnv({
      [ENV.SCHEDULE]: env[ENV.SCHEDULE],
      [ENV.SCHEDULE_REQUEST]: env[ENV.SCHEDULE_REQUEST],
      [ENV.SCHEDULE_TIMEZONE]: env[ENV.SCHEDULE_TIMEZONE],
      [ENV.SCHEDULE_CRON]: env[ENV.SCHEDULE_CRON],
      [ENV.SCHEDULE_PREFIX_TEMPLATE]: env[ENV.SCHEDULE_PREFIX_TEMPLATE],
      [ENV.SCHEDULE_MONTH_OFFSET]: env[ENV.SCHEDULE_MONTH_OFFSET],
    });
    return schedule === undefined ? undefined : deepFreeze(schedule);
  } catch (err) {
    const field = err instanceof ColdpackError ? err.field : undefined;
    throw configError(`invalid schedule configuration: ${err instanceof Error ? err.message : String(err)}`, field, err);
  }
}

function coldpackConfig(env: Environment, overrides: Partial<ColdpackConfig>): ColdpackConfig {
  const endpoint = env[ENV.ENDPOINT_URL];
  const account = env[ENV.ACCOUNT];
  const topicArn = env[ENV.TOPIC_ARN];
  const sourceBuckets = env[ENV.SOURCE_BUCKETS];
  const base: ColdpackConfig = {
    region: env[ENV.REGION] ?? env[ENV.DEFAULT_REGION] ?? CONFIG_DEFAULTS.region,
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(account === undefined ? {} : { account }),
    ...(topicArn === undefined ? {} : { topicArn }),
    archiveBucket: env[ENV.ARCHIVE_BUCKET] ?? CONFIG_DEFAULTS.archiveBucket,
    restoreBucket: env[ENV.RESTORE_BUCKET] ?? CONFIG_DEFAULTS.restoreBucket,
    tablePrefix: env[ENV.TABLE_PREFIX] ?? CONFIG_DEFAULTS.tablePrefix,
    allowedTopicArns: Object.freeze([...env[ENV.ALLOWED_TOPIC_ARNS]]),
    ...(sourceBuckets.length > 0 ? { sourceBuckets: Object.freeze([...sourceBuckets]) } : {}),
    concurrency: env[ENV.CONCURRENCY] ?? CONFIG_DEFAULTS.concurrency,
    catalog: env[ENV.CATALOG] ?? CONFIG_DEFAULTS.catalog,
  };
  const merged: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(overrides)) if (v !== undefined) merged[k] = v;
  return Object.freeze(merged as unknown as ColdpackConfig);
}

function jobRunnerOf(env: Environment): BatchRunnerConfig | undefined {
  if (env[ENV.JOB_RUNNER] !== JOB_RUNNERS.AWS_BATCH) return undefined;
  const plan = env[ENV.JOB_DEFINITION_PLAN];
  return Object.freeze({
    // Present: checked by the schema's refinement for aws-batch.
    jobQueue: env[ENV.JOB_QUEUE]!,
    shardJobDefinition: env[ENV.JOB_DEFINITION_SHARD]!,
    finalizeJobDefinition: env[ENV.JOB_DEFINITION_FINALIZE]!,
    ...(plan === undefined ? {} : { planJobDefinition: plan }),
  });
}

/**
 * Read the whole configuration of this process from `env` once, into a frozen {@link ProcessConfig}.
 * `overrides` (e.g. CLI flags) win over the variables of {@link ProcessConfig.coldpack}.
 * Defaults: {@link CONFIG_DEFAULTS}; variables: {@link ENV}.
 * @throws ColdpackError `CONFIG_ERROR` (HTTP 500, exit 1) naming the bad variables
 */
export function readProcessConfig(env: Readonly<Record<string, string | undefined>> = process.env, overrides: Partial<ColdpackConfig> = {}): ProcessConfig {
  const parsed = parseEnvironment(env);
  const schedule = scheduleOf(parsed);
  const presignSeconds = parsed[ENV.PRESIGN_EXPIRES_SECONDS];
  const jobRunner = jobRunnerOf(parsed);
  const arrayIndex = parsed[ENV.BATCH_JOB_ARRAY_INDEX];
  const apiToken = parsed[ENV.API_TOKEN];
  const restoreWorkerFunction = parsed[ENV.RESTORE_WORKER_FUNCTION];
  return Object.freeze({
    coldpack: coldpackConfig(parsed, overrides),
    ...(presignSeconds === undefined ? {} : { presignSeconds }),
    ...(jobRunner === undefined ? {} : { jobRunner }),
    worker: Object.freeze({
      attempt: parsed[ENV.BATCH_JOB_ATTEMPT] ?? 1,
      attempts: parsed[ENV.WORKER_ATTEMPTS] ?? 1,
      ...(arrayIndex === undefined ? {} : { arrayIndex }),
    }),
    ...(schedule === undefined ? {} : { schedule }),
    scheduleTimeZone: schedule?.time_zone ?? parsed[ENV.SCHEDULE_TIMEZONE] ?? CONFIG_DEFAULTS.scheduleTimeZone,
    ...(restoreWorkerFunction === undefined ? {} : { restoreWorkerFunction }),
    ...(apiToken === undefined ? {} : { apiToken }),
  });
}

/**
 * The services' configuration ({@link ProcessConfig.coldpack}) read from `env`; the whole
 * environment is validated on the way.
 * @throws ColdpackError `CONFIG_ERROR` naming the bad variables
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env, overrides: Partial<ColdpackConfig> = {}): ColdpackConfig {
  return readProcessConfig(env, overrides).coldpack;
}

/** The restore options a process's environment sets (COLDPACK_PRESIGN_EXPIRES_SECONDS), for `createRestoreService`. */
export function restoreOptionsOf(settings: Pick<ProcessConfig, 'presignSeconds'>): { readonly presignSeconds?: number } {
  return settings.presignSeconds === undefined ? {} : { presignSeconds: settings.presignSeconds };
}
