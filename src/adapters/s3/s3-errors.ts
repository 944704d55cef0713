/**
 * Translation of AWS SDK v3 S3 errors into {@link ObjectStoreError}: done here once, so the core
 * never looks at SDK error names. Codes: https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
 */
import { ObjectStoreError, type ObjectStoreFailure } from '../../domain/ports/object-store.js';
import { awsErrorName, awsHttpStatus } from '../../domain/errors.js';

const BY_NAME: Readonly<Record<string, ObjectStoreFailure>> = {
  NoSuchBucket: 'NO_SUCH_BUCKET',
  NoSuchKey: 'NOT_FOUND',
  NotFound: 'NOT_FOUND',
  NoSuchUpload: 'NOT_FOUND',
  NoSuchVersion: 'NOT_FOUND',
  PreconditionFailed: 'PRECONDITION_FAILED',
  AccessDenied: 'ACCESS_DENIED',
  AllAccessDisabled: 'ACCESS_DENIED',
  AccountProblem: 'ACCESS_DENIED',
  InvalidObjectState: 'INVALID_OBJECT_STATE',
  RestoreAlreadyInProgress: 'RESTORE_IN_PROGRESS',
  SlowDown: 'THROTTLED',
  Throttling: 'THROTTLED',
  ThrottlingException: 'THROTTLED',
  RequestTimeout: 'UNAVAILABLE',
  ServiceUnavailable: 'UNAVAILABLE',
  InternalError: 'UNAVAILABLE',
  InvalidRequest: 'INVALID_REQUEST',
  InvalidArgument: 'INVALID_REQUEST',
  InvalidRange: 'INVALID_REQUEST',
  MalformedXML: 'INVALID_REQUEST',
  KeyTooLongError: 'INVALID_REQUEST',
  EntityTooLarge: 'INVALID_REQUEST',
  EntityTooSmall: 'INVALID_REQUEST',
  InvalidPart: 'INVALID_REQUEST',
  InvalidPartOrder: 'INVALID_REQUEST',
  BadDigest: 'INVALID_REQUEST',
  InvalidDigest: 'INVALID_REQUEST',
  InvalidStorageClass: 'INVALID_REQUEST',
  MethodNotAllowed: 'INVALID_REQUEST',
  OperationAborted: 'UNAVAILABLE',
  IncompleteBody: 'UNAVAILABLE',
  SignatureDoesNotMatch: 'CREDENTIALS',
  InvalidAccessKeyId: 'CREDENTIALS',
  ExpiredToken: 'CREDENTIALS',
  InvalidToken: 'CREDENTIALS',
  TokenRefreshRequired: 'CREDENTIALS',
  RequestTimeTooSkewed: 'CREDENTIALS',
  MissingSecurityHeader: 'CREDENTIALS',
  PermanentRedirect: 'WRONG_REGION',
  TemporaryRedirect: 'WRONG_REGION',
  AuthorizationHeaderMalformed: 'WRONG_REGION',
};

/** KMS errors S3 passes through for SSE-KMS objects that mean "slow down", not "key unusable". */
const KMS_TRANSIENT = new Set(['KMS.ThrottlingException', 'KMS.LimitExceededException', 'KMS.KMSInternalException', 'KMS.DependencyTimeoutException']);

/**
 * S3 answers a GET of an SSE-C object without its key with 400 InvalidRequest "The object was
 * stored using a form of Server Side Encryption. The correct parameters must be provided to
 * retrieve the object." (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerSideEncryptionCustomerKeys.html)
 */
const SSE_C_MESSAGE = /server.side encryption|customer.provided|SSE-C/i;

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE', 'EAI_AGAIN', 'TimeoutError']);

function failureOf(name: string | undefined, status: number | undefined, code: string | undefined, message: string): ObjectStoreFailure {
  if (name !== undefined && /^KMS/.test(name)) return KMS_TRANSIENT.has(name) ? 'THROTTLED' : 'KMS_KEY_UNUSABLE';
  if ((name === 'InvalidRequest' || name === 'InvalidArgument') && SSE_C_MESSAGE.test(message)) return 'ENCRYPTION_KEY_REQUIRED';
  if (name !== undefined && BY_NAME[name] !== undefined) return BY_NAME[name];
  if (code !== undefined && NETWORK_CODES.has(code)) return 'UNAVAILABLE';
  if (name !== undefined && NETWORK_CODES.has(name)) return 'UNAVAILABLE';
  if (status === 404) return 'NOT_FOUND';
  if (status === 412) return 'PRECONDITION_FAILED';
  if (status === 403) return 'ACCESS_DENIED';
  if (status === 409) return 'RESTORE_IN_PROGRESS';
  if (status === 503) return 'THROTTLED';
  if (status !== undefined && status >= 500) return 'UNAVAILABLE';
  if (status !== undefined && status >= 400) return 'INVALID_REQUEST';
  return 'UNKNOWN';
}

/**
 * The {@link ObjectStoreError} for an SDK error of `operation` on `bucket`/`key`. An error that is
 * already an ObjectStoreError is returned as is.
 */
export function translateS3Error(err: unknown, operation: string, bucket: string, key?: string): ObjectStoreError {
  if (err instanceof ObjectStoreError) return err;
  const name = awsErrorName(err);
  const status = awsHttpStatus(err);
  const code = (err as { code?: unknown } | undefined)?.code;
  const found = failureOf(name, status, typeof code === 'string' ? code : undefined, err instanceof Error ? err.message : '');
  // HeadBucket answers a bare 404 (no body, name NotFound): at bucket level that is a missing bucket.
  const failure = found === 'NOT_FOUND' && operation === 'HeadBucket' ? 'NO_SUCH_BUCKET' : found;
  const raw = err instanceof Error ? err.message : String(err);
  const message = raw && raw !== 'UnknownError' ? raw : status !== undefined ? `HTTP ${status}` : 'unknown error';
  return new ObjectStoreError(
    failure,
    { operation, bucket, ...(key === undefined ? {} : { key }) },
    { ...(name && name !== 'Error' ? { awsCode: name } : {}), ...(status === undefined ? {} : { httpStatus: status }), message },
    err,
  );
}

/** Run `fn`, translating any SDK error of `operation` into an {@link ObjectStoreError}. */
export async function s3Call<T>(operation: string, bucket: string, key: string | undefined, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw translateS3Error(err, operation, bucket, key);
  }
}
