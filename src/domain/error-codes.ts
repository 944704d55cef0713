/**
 * The one list of coldpack's error codes, with the HTTP status the API answers and the exit code
 * the CLI returns for each. Every {@link ColdpackError} carries one of these codes; nothing else
 * chooses a status or an exit code.
 *
 * Exit codes: 0 success, 1 failure (a job failed, AWS or the emulator refused or was unreachable),
 * 2 refused input (usage, validation, the QC guard: nothing archived or deleted).
 */

/** How one error code is answered: HTTP status (400-599) and CLI exit code (1 or 2). */
export interface ErrorCodeInfo {
  /** HTTP status of the API's `{code, message, field}` answer. */
  readonly status: number;
  /** CLI exit code: 2 refused input, 1 anything else. */
  readonly exit: 1 | 2;
  /** One line: when the code is used. */
  readonly meaning: string;
}

const refused = (status: number, meaning: string): ErrorCodeInfo => ({ status, exit: 2, meaning });
const failed = (status: number, meaning: string): ErrorCodeInfo => ({ status, exit: 1, meaning });

/** Every error code, its HTTP status and CLI exit code. */
export const ERROR_CODES = Object.freeze({
  // 4xx: the caller's input or state; nothing was written
  VALIDATION_ERROR: refused(400, 'a request field or CLI flag is invalid'),
  MALFORMED_JSON: refused(400, 'the request body is not valid JSON'),
  MALFORMED_REQUEST: refused(400, 'the HTTP request itself could not be parsed (method, target, headers)'),
  SOURCE_NOT_FOUND: refused(400, 'the source bucket, prefix, manifest or key list does not exist'),
  SOURCE_EMPTY: refused(400, 'no objects under the requested prefix'),
  SOURCE_FORBIDDEN: refused(400, 'coldpack may not read the source'),
  SOURCE_NOT_ALLOWED: refused(400, 'the source bucket is not on the allow-list, or is one of coldpack\u2019s own buckets'),
  TOO_MANY_FILES: refused(400, 'the selection is larger than one request may hold'),
  WRONG_DEPLOYMENT: refused(400, 'the request names another region or account than this deployment'),
  TOPIC_NOT_ALLOWED: refused(400, 'the SNS topic is not on the allow-list'),
  TIER_NOT_ALLOWED: refused(400, 'the retrieval tier does not exist for the bundle\u2019s storage class'),
  AMBIGUOUS_NAME: refused(400, 'a file name matches several keys'),
  UNAUTHORIZED: refused(401, 'missing or wrong credentials'),
  FORBIDDEN: refused(403, 'the caller may not do this'),
  NOT_FOUND: refused(404, 'the job, restore, bundle or file does not exist'),
  ROUTE_NOT_FOUND: refused(404, 'no such route'),
  METHOD_NOT_ALLOWED: refused(405, 'the route does not take this method'),
  CONFLICT: refused(409, 'the request conflicts with the current state'),
  JOB_RUNNING: refused(409, 'a job for an overlapping source is running'),
  IDEMPOTENCY_KEY_REUSED: refused(409, 'an idempotency key was reused with another request'),
  PAYLOAD_TOO_LARGE: refused(413, 'the request body is larger than the API takes'),
  HEADERS_TOO_LARGE: refused(431, 'the request line and headers are larger than the server takes'),
  QC_MISMATCH: refused(422, 'the listing differs from the expected file count or size'),
  // 5xx: coldpack, AWS or the configuration failed
  CONFIG_ERROR: failed(500, 'the server\u2019s configuration (environment) is invalid'),
  INTEGRITY_ERROR: failed(500, 'a bundle or entry failed verification (size or checksum)'),
  VERIFY_FAILED: failed(500, 'a committed bundle could not be verified at finalize'),
  BUNDLE_NOT_READABLE: failed(409, 'the bundle is in an archive class and not restored'),
  AWS_ERROR: failed(502, 'an AWS call failed (the message names the operation and the resource)'),
  AWS_THROTTLED: failed(503, 'AWS throttled the call past the retry budget'),
  AWS_UNREACHABLE: failed(503, 'the AWS endpoint could not be reached'),
  UNPROCESSED_ITEMS: failed(503, 'DynamoDB left items unprocessed past the retry budget'),
  TOO_MANY_PARTS: failed(500, 'a multipart upload would pass S3\u2019s 10,000-part limit'),
  BATCH_SUBMIT_FAILED: failed(502, 'AWS Batch refused a job submission'),
  JOB_START_FAILED: failed(502, 'the job was recorded but could not be started; it is marked FAILED (lock released) and can be resumed'),
  JOB_RUNNER_MISSING: failed(500, 'no job runner is configured'),
  NOTIFY_FAILED: failed(502, 'an SNS notification failed'),
  NOT_IMPLEMENTED: failed(501, 'the route is not available in this deployment'),
  MOTO_MISSING: failed(500, 'the moto AWS emulator is not installed'),
  MOTO_START_FAILED: failed(500, 'the local AWS emulator did not start'),
  RESPONSE_TOO_LARGE: failed(500, 'a response would pass the 6 MB Lambda limit'),
  JOB_ERROR: failed(500, 'a job step failed'),
  INTERNAL: failed(500, 'an unexpected error'),
} satisfies Record<string, ErrorCodeInfo>);

/** One of {@link ERROR_CODES}' keys. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** Whether `code` is one of {@link ERROR_CODES}. */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_CODES, code);
}
