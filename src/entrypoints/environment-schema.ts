/**
 * The schema of coldpack's environment: every variable it reads ({@link ENV}), keyed by name,
 * validated with zod. Used once per process by `readProcessConfig` (`./config.ts`). A bad value is
 * a server misconfiguration: ColdpackError `CONFIG_ERROR` (HTTP 500, CLI exit 1) naming the
 * variable and its value (secrets excepted), never a 400.
 */
import { z } from 'zod';
import { CATALOG_MODES } from '../domain/catalog.js';
import { ENV, JOB_RUNNERS } from '../domain/env-names.js';
import { ColdpackError } from '../domain/errors.js';
import { MAX_PRESIGN_SECONDS } from '../restore/notifications.js';

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
      .pipe(
        z
          .int()
          .min(min, { error: `must be at least ${min}` })
          .max(max, { error: `must be at most ${max}` }),
      )
      .optional(),
  );
const list = (item: z.ZodString) =>
  z.preprocess(
    (v) =>
      typeof v === 'string'
        ? v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : [],
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
 * A Lambda function name (1-64 of letters, digits, `-`, `_`) or its ARN, with an optional version or alias.
 * Source: https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html (FunctionName)
 */
const LAMBDA_FUNCTION = /^(arn:aws[a-z-]*:lambda:[a-z]{2}(-[a-z]+)+-\d+:\d{12}:function:)?[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9$_-]{1,128})?$/;

/**
 * Schema of the environment, keyed by variable name. Unknown variables are ignored; an empty value
 * counts as unset. Sources of the limits: presigned URLs live at most 7 days
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html); Batch retries
 * 1-10 attempts (https://docs.aws.amazon.com/batch/latest/APIReference/API_RetryStrategy.html);
 * array jobs have 2-10,000 children (https://docs.aws.amazon.com/batch/latest/userguide/array_jobs.html).
 */
export const EnvironmentSchema = z
  .object({
    [ENV.REGION]: text.pipe(
      z
        .string()
        .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, { error: 'must be an AWS region such as us-east-1' })
        .optional(),
    ),
    [ENV.DEFAULT_REGION]: text.pipe(
      z
        .string()
        .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, { error: 'must be an AWS region such as us-east-1' })
        .optional(),
    ),
    [ENV.ENDPOINT_URL]: text.pipe(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as http://127.0.0.1:5000' }).optional()),
    [ENV.ACCOUNT]: text.pipe(
      z
        .string()
        .regex(/^\d{12}$/, { error: 'must be a 12-digit AWS account id' })
        .optional(),
    ),
    [ENV.ARCHIVE_BUCKET]: text,
    [ENV.RESTORE_BUCKET]: text,
    [ENV.TABLE_PREFIX]: text.pipe(
      z
        .string()
        .regex(/^[A-Za-z0-9_.-]{0,200}$/, { error: 'may hold only letters, digits, "_", "-" and "." (DynamoDB table names)' })
        .optional(),
    ),
    [ENV.TOPIC_ARN]: text.pipe(z.string().startsWith('arn:', { error: 'must be an SNS topic ARN (arn:...)' }).optional()),
    [ENV.ALLOWED_TOPIC_ARNS]: list(z.string().startsWith('arn:', { error: 'must be comma-separated SNS topic ARNs (arn:...)' })),
    [ENV.SOURCE_BUCKETS]: list(z.string()),
    [ENV.CONCURRENCY]: integer(1, 100_000),
    [ENV.CATALOG]: z.preprocess(blankToUndefined, z.enum(CATALOG_MODES, { error: `must be one of ${CATALOG_MODES.join(', ')}` }).optional()),
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
    [ENV.SCHEDULE_MONTH_OFFSET]: text.pipe(
      z
        .string()
        .regex(/^-?\d+$/, { error: 'must be a whole number of months, e.g. -1' })
        .optional(),
    ),
    [ENV.RESTORE_WORKER_FUNCTION]: text.pipe(
      z.string().regex(LAMBDA_FUNCTION, { error: 'must be a Lambda function name (1-64 letters, digits, "-", "_") or its ARN' }).optional(),
    ),
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

/** A `CONFIG_ERROR` naming the variable in `field`. */
export function configError(message: string, field?: string, cause?: unknown): ColdpackError {
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
