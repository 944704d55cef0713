/**
 * How the archive treats a source object it could not read: every way S3 refuses a GET of one
 * object for good is a skip with its own reason (the object is kept, never deleted; the rest of
 * the job goes on and ends PARTIAL); a transient failure is retried; a failure that concerns every
 * object (the bucket, the credentials, the region) fails the job, which can be resumed.
 * S3 error codes: https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList
 */
import { ObjectStoreError, type ObjectStore } from '../domain/ports/object-store.js';
import type { SourceObject } from '../domain/model.js';
import type { ArchiveSource } from '../domain/archive-request.js';

/**
 * Why an object was not archived:
 * - GONE: deleted after listing (404 NoSuchKey / NoSuchVersion of a key that a listing or an S3
 *   Inventory report found, or that a first read of the object found);
 * - NOT_FOUND: a CSV manifest row names a key that is not in the bucket (404): it was never listed,
 *   so it may never have existed;
 * - CHANGED: rewritten after listing (412 PreconditionFailed on If-Match);
 * - SIZE_CHANGED: its size is not the listed one (or the body ended early);
 * - ARCHIVED_CLASS: in an archive class or tier, unreadable without a restore (403 InvalidObjectState);
 * - ACCESS_DENIED: 403 AccessDenied (no s3:GetObject, no kms:Decrypt, a bucket policy, Requester Pays);
 * - KMS_KEY_UNUSABLE: its SSE-KMS key is disabled, pending deletion or gone (S3 codes `KMS.*`);
 * - SSE_C_KEY_REQUIRED: encrypted with a customer key coldpack does not have (400 InvalidRequest);
 * - UNREADABLE: any other per-object 4xx (e.g. 416 InvalidRange, 405 MethodNotAllowed), with its code.
 */
export type SkipReason =
  'GONE' | 'NOT_FOUND' | 'CHANGED' | 'SIZE_CHANGED' | 'ARCHIVED_CLASS' | 'ACCESS_DENIED' | 'KMS_KEY_UNUSABLE' | 'SSE_C_KEY_REQUIRED' | 'UNREADABLE';

/** Whether a read failure may pass if tried again: throttling, an outage, or a body cut off mid-way (not an ObjectStoreError). */
export function isTransientRead(err: unknown): boolean {
  if (err instanceof ObjectStoreError) return err.failure === 'THROTTLED' || err.failure === 'UNAVAILABLE';
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && /^(ECONNRESET|ETIMEDOUT|EPIPE|ECONNREFUSED|ERR_STREAM_PREMATURE_CLOSE|ABORT_ERR)$/.test(code);
}

/** Where the object's row came from: the kind of the job's source (`list`, `csv`, `inventory`). Default `list`. */
export type SourceKind = ArchiveSource['kind'];

/** The skip of a 404: a key a listing or an inventory found was deleted since; a CSV row's key may never have existed. */
function notFound(obj: SourceObject, source: SourceKind): { reason: SkipReason; detail: string } {
  if (source === 'csv')
    return {
      reason: 'NOT_FOUND',
      detail: `listed in the manifest but not in the bucket (no such key in s3://${obj.bucket}: it never existed, or was deleted before the job read it)`,
    };
  return { reason: 'GONE', detail: source === 'inventory' ? 'object was deleted after the S3 Inventory report listed it' : 'object was deleted after listing' };
}

/**
 * The skip for a read failure of one object, or undefined when the error must be thrown (transient
 * past its attempts, bucket- or credential-wide, or not an object store error at all).
 * @param source where the object's row came from (a 404 of a CSV manifest row is NOT_FOUND, else GONE); default `list`
 */
export async function classifyReadFailure(
  objects: ObjectStore,
  obj: SourceObject,
  err: unknown,
  source: SourceKind = 'list',
): Promise<{ reason: SkipReason; detail: string } | undefined> {
  if (!(err instanceof ObjectStoreError)) return undefined;
  const code = err.awsCode ? `${err.awsCode}${err.httpStatus ? ` (${err.httpStatus})` : ''}: ` : '';
  switch (err.failure) {
    case 'NOT_FOUND':
      return notFound(obj, source);
    case 'PRECONDITION_FAILED':
      return { reason: 'CHANGED', detail: 'object changed after listing (ETag differs)' };
    case 'INVALID_OBJECT_STATE':
      return { reason: 'ARCHIVED_CLASS', detail: 'object is in an archive storage class or tier and cannot be read without a restore' };
    case 'ACCESS_DENIED':
      return { reason: 'ACCESS_DENIED', detail: await deniedDetail(objects, obj) };
    case 'KMS_KEY_UNUSABLE':
      return { reason: 'KMS_KEY_UNUSABLE', detail: `${code}the object's SSE-KMS key cannot be used (disabled, pending deletion, missing or refused)` };
    case 'ENCRYPTION_KEY_REQUIRED':
      return { reason: 'SSE_C_KEY_REQUIRED', detail: `${code}the object is encrypted with a customer-provided key (SSE-C), which coldpack does not have` };
    case 'INVALID_REQUEST':
      return { reason: 'UNREADABLE', detail: `${code}${err.message}` };
    default:
      // NO_SUCH_BUCKET, CREDENTIALS, WRONG_REGION: every object would fail the same way.
      // THROTTLED, UNAVAILABLE: transient, past their attempts. UNKNOWN: not understood.
      return undefined;
  }
}

/** Why a GET was denied, as far as HeadObject can tell (SSE-KMS objects need kms:Decrypt). */
async function deniedDetail(objects: ObjectStore, obj: SourceObject): Promise<string> {
  try {
    const head = await objects.headObject({ bucket: obj.bucket, key: obj.key });
    if (head.serverSideEncryption === 'aws:kms' || head.serverSideEncryption === 'aws:kms:dsse') {
      return `access denied on GetObject; object is SSE-KMS (key ${head.sseKmsKeyId ?? 'unknown'}): the role likely lacks kms:Decrypt`;
    }
    return 'access denied on GetObject';
  } catch (err) {
    const why = err instanceof ObjectStoreError ? err.failure : 'error';
    return `access denied on GetObject (HeadObject failed too: ${why}; if the bucket is Requester Pays, coldpack does not pay for requests)`;
  }
}
