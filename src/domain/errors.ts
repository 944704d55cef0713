import { ERROR_CODES, type ErrorCode } from './error-codes.js';

/**
 * coldpack's error hierarchy. Every error the product raises on purpose is a {@link ColdpackError}
 * with a stable machine-readable `code`, an HTTP `status`, an optional request `field` it refers to,
 * and `expose` telling whether its message may be shown to a caller (5xx details are hidden).
 *
 * The API maps these to `{code, message, field}` bodies; the CLI maps them to exit codes.
 */
export class ColdpackError extends Error {
  /** Stable code from {@link ERROR_CODES}, e.g. `VALIDATION_ERROR`, `NOT_FOUND`. */
  readonly code: ErrorCode;
  /** HTTP status the API answers with (400-599), from {@link ERROR_CODES}. */
  readonly status: number;
  /** CLI exit code (1 failure, 2 refused input), from {@link ERROR_CODES}. */
  readonly exitCode: 1 | 2;
  /** The request field the error is about, when there is one (e.g. `bucket_name`). */
  readonly field: string | undefined;
  /** Whether the message may be shown to the caller (true for 4xx, false for 5xx by default). */
  readonly expose: boolean;

  /**
   * @param code stable machine-readable code; its HTTP status and exit code come from {@link ERROR_CODES}
   * @param message human-readable explanation: what was expected and what arrived
   * @param options `field`, `expose` (default status < 500), `cause`
   */
  constructor(code: ErrorCode, message: string, options: { field?: string; expose?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = ERROR_CODES[code].status;
    this.exitCode = ERROR_CODES[code].exit;
    this.field = options.field;
    this.expose = options.expose ?? this.status < 500;
  }
}

/** Bad input: HTTP 400, nothing written. */
export class ValidationError extends ColdpackError {
  /** @param message what was expected and what arrived; @param field the offending field */
  constructor(message: string, field?: string, code: ErrorCode = 'VALIDATION_ERROR') {
    super(code, message, { ...(field === undefined ? {} : { field }) });
  }
}

/** A thing that was asked for does not exist: HTTP 404. */
export class NotFoundError extends ColdpackError {
  /** Extra fields for the response body, e.g. `{ job_id }` of the job looked for. */
  readonly details: Record<string, unknown>;
  /** @param message what was looked for; @param field the request field that named it; @param details extra body fields (default none) */
  constructor(message: string, field?: string, details: Record<string, unknown> = {}) {
    super('NOT_FOUND', message, { ...(field === undefined ? {} : { field }) });
    this.details = details;
  }
}

/** The request conflicts with current state (e.g. a job already running): HTTP 409. */
export class ConflictError extends ColdpackError {
  /** Extra details returned to the caller, e.g. `{ job_id }` of the running job. */
  readonly details: Record<string, unknown>;
  /** @param message explanation; @param details extra fields for the response body */
  constructor(message: string, details: Record<string, unknown> = {}, code: ErrorCode = 'CONFLICT') {
    super(code, message);
    this.details = details;
  }
}

/**
 * A job was recorded but its start (e.g. AWS Batch SubmitJob) failed: the answer names the job and
 * the state it was left in (`FAILED`: lock released, the period free for the schedule; resumable).
 * HTTP 502 `JOB_START_FAILED` with `{job_id, status}` in the body.
 */
export class JobStartError extends ColdpackError {
  /** `{job_id, status}` returned to the caller (never secret: the caller's own job). */
  readonly details: { readonly job_id: string; readonly status: string };
  /** @param jobId the job; @param status the state it was left in; @param cause the starter's error */
  constructor(jobId: string, status: string, cause: unknown) {
    super(
      'JOB_START_FAILED',
      `job ${jobId} was recorded but could not be started (${cause instanceof Error ? cause.name : 'error'}; the cause is logged); it is ${status}: resume it with POST /archive/${jobId}/resume or coldpack archive --job ${jobId}`,
      { expose: true, cause },
    );
    this.details = { job_id: jobId, status };
  }
}

/** The quality-check guard failed: listing does not match what the source application announced. */
export class QcMismatchError extends ColdpackError {
  /** @param message gives both the expected and the listed numbers */
  constructor(message: string) {
    super('QC_MISMATCH', message);
  }
}

/** A bundle or entry failed verification (size or checksum). Never retried silently. */
export class IntegrityError extends ColdpackError {
  /** @param message what was expected and what was found */
  constructor(message: string) {
    super('INTEGRITY_ERROR', message, { expose: true });
  }
}

/** Name of the error AWS SDK v3 errors carry, or undefined when `err` is not an SDK error. */
export function awsErrorName(err: unknown): string | undefined {
  if (err && typeof err === 'object' && 'name' in err && typeof (err as { name: unknown }).name === 'string') {
    return (err as { name: string }).name;
  }
  return undefined;
}

/** Whether `err` is DynamoDB's answer to a failed ConditionExpression (`ConditionalCheckFailedException`). */
export function isConditionalCheckFailed(err: unknown): boolean {
  return awsErrorName(err) === 'ConditionalCheckFailedException';
}

/** HTTP status code of an AWS SDK v3 error (`$metadata.httpStatusCode`), if any. */
export function awsHttpStatus(err: unknown): number | undefined {
  const meta = (err as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata;
  return meta?.httpStatusCode;
}
