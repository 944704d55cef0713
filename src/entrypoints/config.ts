/**
 * The one reader of the environment: a zod schema of every variable coldpack reads ({@link ENV}),
 * applied once at a process edge (CLI, Lambda handler, Batch worker) into a frozen, typed
 * {@link ProcessConfig}. A bad value is a server misconfiguration: ColdpackError `CONFIG_ERROR`
 * (HTTP 500, CLI exit 1) naming the variable, never a 400.
 */
import { z } from 'zod';
import type { BatchRunnerConfig, ColdpackConfig, WorkerAttempt } from '../domain/config.js';
import { ENV, JOB_RUNNERS } from '../domain/env-names.js';
import { ColdpackError } from '../domain/errors.js';
import { MAX_PRESIGN_SECONDS } from '../restore/notifications.js';
import type { ScheduleConfig } from '../schedule/schedule-config.js';
import { scheduleFromEnv } from '../schedule/schedule-env.js';

/** Documented defaults of the variables read by {@link readProcessConfig}. */
export const CONFIG_DEFAULTS = Object.freeze({
  region: 'us-east-1',
  archiveBucket: 'coldpack-archive',
  restoreBucket: 'coldpack-restore',
  tablePrefix: 'coldpack-',
  concurrency: 64,
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
  /** Bearer token of `coldpack serve` (COLDPACK_API_TOKEN), when set. */
  readonly apiToken?: string;
}

const blankToUndefined = (v: unknown): unknown => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const text = z.preprocess(blankToUndefined, z.string().trim().optional());
const integer = (min: number, max: number) =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .regex(/^\d+$/, { error: `must be a whole number of decimal digits from ${min} to ${max}` })
      .transform(Number)
      .pipe(z.int().min(min, { error: `must be at least ${min}` }).max(max, { error: `must be at most ${max}` }))
      .optional(),
  );
const list = (item: z.ZodString) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : []),
    z.array(item),
  );
const isTimeZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

/**
 * Schema of the environment, keyed by variable name. Unknown variables are ignored; an empty value
 * counts as unset. Sources of the limits: presigned URLs live at most 7 days
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html); Batch retries
 * 1-10 attempts (https://docs.aws.amazon.com/batch/latest/APIReference/API_RetryStrategy.html);
 * array jobs have 2-10,000 children (https://docs.aws.amazon.com/batch/latest/userguide/array_jobs.html).
 */
export const EnvironmentSchema = z
  .object({
    [ENV.REGION]: text.pipe(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, { error: 'must be an AWS region such as us-east-1' }).optional()),
    [ENV.DEFAULT_REGION]: text.pipe(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, { error: 'must be an AWS region such as us-east-1' }).optional()),
    [ENV.ENDPOINT_URL]: text.pipe(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as http://127.0.0.1:5000' }).optional()),
    [ENV.ACCOUNT]: text.pipe(z.string().regex(/^\d{12}$/, { error: 'must be a 12-digit AWS account id' }).optional()),
    [ENV.ARCHIVE_BUCKET]: text,
    [ENV.RESTORE_BUCKET]: text,
    [ENV.TABLE_PREFIX]: text.pipe(z.string().regex(/^[A-Za-z0-9_.-]{0,200}$/, { error: 'may hold only letters, digits, "_", "-" and "." (DynamoDB table names)' }).optional()),
    [ENV.TOPIC_ARN]: text.pipe(z.string().startsWith('arn:', { error: 'must be an SNS topic ARN (arn:...)' }).optional()),
    [ENV.ALLOWED_TOPIC_ARNS]: list(z.string().startsWith('arn:', { error: 'must be comma-separated SNS topic ARNs (arn:...)' })),
    [ENV.SOURCE_BUCKETS]: list(z.string()),
    [ENV.CONCURRENCY]: integer(1, 100_000),
    [ENV.PRESIGN_EXPIRES_SECONDS]: integer(1, MAX_PRESIGN_SECONDS),
    [ENV.JOB_RUNNER]: z.preprocess(blankToUndefined, z.enum([JOB_RUNNERS.AWS_BATCH, JOB_RUNNERS.IN_PROCESS]).optional()),
    [ENV.JOB_QUEUE]: text,
    [ENV.JOB_DEFINITION_PLAN]: text,
    [ENV.JOB_DEFINITION_SHARD]: text,
    [ENV.JOB_DEFINITION_FINALIZE]: text,
    [ENV.WORKER_ATTEMPTS]: integer(1, 10),
    [ENV.BATCH_JOB_ATTEMPT]: integer(1, 10),
    [ENV.BATCH_JOB_ARRAY_INDEX]: integer(0, 9_999),
    [ENV.SCHEDULE]: text,
    [ENV.SCHEDULE_REQUEST]: text,
    [ENV.SCHEDULE_TIMEZONE]: text.pipe(z.string().refine(isTimeZone, { error: 'must be an IANA time zone such as Europe/London or UTC' }).optional()),
    [ENV.SCHEDULE_CRON]: text,
    [ENV.SCHEDULE_PREFIX_TEMPLATE]: text,
    [ENV.SCHEDULE_MONTH_OFFSET]: text.pipe(z.string().regex(/^-?\d+$/, { error: 'must be a whole number of months, e.g. -1' }).optional()),
    [ENV.API_TOKEN]: text.pipe(z.string().min(16, { error: 'must be at least 16 characters' }).optional()),
  })
  .superRefine((env, ctx) => {
    if (env[ENV.JOB_RUNNER] !== JOB_RUNNERS.AWS_BATCH) return;
    for (const name of [ENV.JOB_QUEUE, ENV.JOB_DEFINITION_SHARD, ENV.JOB_DEFINITION_FINALIZE] as const) {
      if (env[name] === undefined) ctx.addIssue({ code: 'custom', path: [name], message: `must be set when ${ENV.JOB_RUNNER}=${JOB_RUNNERS.AWS_BATCH}` });
    }
  });

/** The validated environment, keyed by variable name. */
export type Environment = z.output<typeof EnvironmentSchema>;

/** Variables whose value must never appear in an error message. */
const SECRET_VARIABLES: ReadonlySet<string> = new Set([ENV.API_TOKEN]);

function configError(message: string, field?: string, cause?: unknown): ColdpackError {
  return new ColdpackError('CONFIG_ERROR', message, { ...(field === undefined ? {} : { field }), ...(cause === undefined ? {} : { cause }) });
}

/**
 * Validate `env` against {@link EnvironmentSchema}.
 * @throws ColdpackError `CONFIG_ERROR` naming every bad variable and the value it had
 */
export function parseEnvironment(env: Readonly<Record<string, string | undefined>>): Environment {
  const r = EnvironmentSchema.safeParse(env);
  if (r.success) return r.data;
  const problems = r.error.issues.map((iss) => {
    const name = String(iss.path[0] ?? 'environment');
    const value = env[name];
    const shown = value === undefined ? '' : SECRET_VARIABLES.has(name) ? `, got ${value.length} characters` : `, got ${JSON.stringify(value)}`;
    return `${name} ${iss.message}${shown}`;
  });
  throw configError(`invalid environment: ${problems.join('; ')}`, String(r.error.issues[0]?.path[0] ?? ''));
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
export function readProcessConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
  overrides: Partial<ColdpackConfig> = {},
): ProcessConfig {
  const parsed = parseEnvironment(env);
  const schedule = scheduleOf(parsed);
  const presignSeconds = parsed[ENV.PRESIGN_EXPIRES_SECONDS];
  const jobRunner = jobRunnerOf(parsed);
  const arrayIndex = parsed[ENV.BATCH_JOB_ARRAY_INDEX];
  const apiToken = parsed[ENV.API_TOKEN];
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
    ...(apiToken === undefined ? {} : { apiToken }),
  });
}

/**
 * The services' configuration ({@link ProcessConfig.coldpack}) read from `env`; the whole
 * environment is validated on the way.
 * @throws ColdpackError `CONFIG_ERROR` naming the bad variables
 */
export function loadConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
  overrides: Partial<ColdpackConfig> = {},
): ColdpackConfig {
  return readProcessConfig(env, overrides).coldpack;
}

/** The restore options a process's environment sets (COLDPACK_PRESIGN_EXPIRES_SECONDS), for `createRestoreService`. */
export function restoreOptionsOf(settings: Pick<ProcessConfig, 'presignSeconds'>): { readonly presignSeconds?: number } {
  return settings.presignSeconds === undefined ? {} : { presignSeconds: settings.presignSeconds };
}
