/**
 * Object store port: every S3 operation the archive and restore pipelines make, in the domain's
 * terms. The S3 adapter (`src/adapters/s3/s3-object-store.ts`) implements it with AWS SDK v3 and
 * translates SDK errors into {@link ObjectStoreError} once; tests use an in-memory fake.
 *
 * Units: sizes and offsets in bytes; ETags without their quotes; times ISO 8601 UTC; checksums
 * base64 as S3 reports them (https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html).
 */
import type { Readable } from 'node:stream';
import { ColdpackError } from '../errors.js';
import type { ErrorCode } from '../error-codes.js';
import type { ArchiveStorageClass, SourceObject } from '../model.js';

/** Object headers that S3 stores with an object and returns on GET/HEAD. */
export interface ObjectHeaders {
  readonly contentType?: string;
  readonly contentEncoding?: string;
  readonly contentDisposition?: string;
  readonly contentLanguage?: string;
  readonly cacheControl?: string;
  /** `Expires` header as S3 returns it (HTTP date string). */
  readonly expires?: string;
}

/** What a HEAD (or the headers of a GET) tells about one object. */
export interface ObjectHead {
  /** Content length in bytes (of the whole object on HEAD, of the returned range on a ranged GET). */
  readonly size: number;
  /** ETag without quotes. */
  readonly etag: string;
  /** VersionId when the bucket is versioned (never the string "null"). */
  readonly versionId?: string;
  /** LastModified, ISO 8601. */
  readonly lastModified?: string;
  /** Storage class (S3 omits it for STANDARD; the adapter reports `STANDARD` then). */
  readonly storageClass: string;
  /** Raw `x-amz-restore` header, e.g. `ongoing-request="false", expiry-date="..."`. */
  readonly restore?: string;
  /** `aws:kms`, `aws:kms:dsse` or `AES256`. */
  readonly serverSideEncryption?: string;
  /** KMS key id of an SSE-KMS object. */
  readonly sseKmsKeyId?: string;
  /** CRC-32 (base64) S3 keeps for the object, when it has one and it was asked for (see `checksumType`). */
  readonly checksumCrc32?: string;
  /**
   * `FULL_OBJECT`: `checksumCrc32` is the CRC-32 of the whole object; `COMPOSITE`: a checksum of
   * the part checksums (a multipart upload), not the object's CRC-32. Absent when S3 did not say.
   */
  readonly checksumType?: 'FULL_OBJECT' | 'COMPOSITE';
  /** Content headers. */
  readonly headers: ObjectHeaders;
  /** User metadata (`x-amz-meta-*`), names lower case. */
  readonly metadata: Readonly<Record<string, string>>;
}

/** A GET's answer: the object's head plus its bytes as a stream the caller must drain or destroy. */
export interface GotObject extends ObjectHead {
  readonly body: Readable;
  /** Total object size from `Content-Range` on a ranged GET; equals `size` otherwise. */
  readonly totalSize: number;
}

/** Inclusive byte range of a ranged GET: `bytes=start-end`. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/** Input of {@link ObjectStore.getObject}. */
export interface GetObjectInput {
  readonly bucket: string;
  readonly key: string;
  readonly versionId?: string;
  /** ETag (no quotes) the object must still have (`If-Match`); else the store throws `PRECONDITION_FAILED`. */
  readonly ifMatch?: string;
  readonly range?: ByteRange;
  /** Ask for the object's stored checksum (`x-amz-checksum-mode: ENABLED`); the SDK then also checks the body against it. */
  readonly checksum?: boolean;
}

/** Input of {@link ObjectStore.putObject} and {@link ObjectStore.uploadStream}. */
export interface PutObjectInput {
  readonly bucket: string;
  readonly key: string;
  /** Default STANDARD. */
  readonly storageClass?: ArchiveStorageClass;
  readonly headers?: ObjectHeaders;
  readonly metadata?: Readonly<Record<string, string>>;
  /** CRC-32 of the body (base64), checked by S3. */
  readonly checksumCrc32?: string;
  /** SHA-256 of the body (base64), checked by S3. */
  readonly checksumSha256?: string;
  /** Object tags to set with the write (`x-amz-tagging`; needs s3:PutObjectTagging). */
  readonly tags?: Readonly<Record<string, string>>;
}

/** What S3 answered to a completed write. */
export interface PutObjectResult {
  readonly etag?: string;
  readonly versionId?: string;
  /** Full-object CRC-32 (base64) when S3 computed or echoed one. */
  readonly checksumCrc32?: string;
}

/** A multipart upload created by {@link ObjectStore.createMultipartUpload}. */
export interface CreatedUpload {
  readonly uploadId: string;
  /**
   * Other unfinished uploads of the same key aborted because the create was retried: an attempt
   * whose answer was lost may have created an upload nobody would ever complete or abort.
   */
  readonly staleAborted: number;
}

/** One part of a multipart upload as uploaded. */
export interface UploadedPart {
  /** 1-10,000. */
  readonly partNumber: number;
  readonly etag: string;
  /** CRC-32 of the part (base64). */
  readonly checksumCrc32: string;
}

/** An unfinished multipart upload, as ListMultipartUploads reports it. */
export interface OpenUpload {
  readonly key: string;
  readonly uploadId: string;
  /** ISO 8601. */
  readonly initiated: string;
}

/** One version (or delete marker) of an object in a versioned bucket, as ListObjectVersions reports it. */
export interface ObjectVersion {
  readonly key: string;
  readonly versionId: string;
  readonly isLatest: boolean;
  readonly deleteMarker: boolean;
}

/** One object of a DeleteObjects call. */
export interface DeleteTarget {
  readonly key: string;
  /** Delete only if the object still has this ETag (S3 conditional delete). */
  readonly etag?: string;
  readonly versionId?: string;
}

/** The outcome of a batch delete: keys deleted and keys S3 refused with its code. */
export interface DeleteResult {
  readonly deleted: readonly string[];
  readonly errors: ReadonlyArray<{ readonly key: string; readonly code: string; readonly message: string }>;
}

/** Outcome of RestoreObject: started now, already restored (200), or one already in flight (409). */
export type RestoreStart = 'STARTED' | 'ALREADY_RESTORED' | 'IN_PROGRESS';

/** One part of a multipart upload: part numbers 1-10,000, `body` the part's bytes, `checksumCrc32` its CRC-32 (base64). */
export interface UploadPartInput {
  readonly bucket: string;
  readonly key: string;
  readonly uploadId: string;
  readonly partNumber: number;
  readonly body: Uint8Array;
  readonly checksumCrc32: string;
}

/** The end of a multipart upload: its parts in order and the full-object CRC-32 (base64) of all of them. */
export interface CompleteMultipartUploadInput {
  readonly bucket: string;
  readonly key: string;
  readonly uploadId: string;
  readonly parts: readonly UploadedPart[];
  readonly checksumCrc32: string;
}

/** Every S3 operation coldpack makes. Implementations throw {@link ObjectStoreError} only. */
export interface ObjectStore {
  /** HeadBucket. @throws ObjectStoreError NO_SUCH_BUCKET / ACCESS_DENIED */
  headBucket(bucket: string): Promise<void>;
  /** HeadObject (with `ChecksumMode: ENABLED` when `checksum` is true). @throws ObjectStoreError NOT_FOUND ... */
  headObject(input: { bucket: string; key: string; versionId?: string; checksum?: boolean }): Promise<ObjectHead>;
  /** GetObject, optionally ranged and conditional. @throws ObjectStoreError NOT_FOUND, PRECONDITION_FAILED, INVALID_OBJECT_STATE, ACCESS_DENIED ... */
  getObject(input: GetObjectInput): Promise<GotObject>;
  /**
   * GetObjectTagging: the object's tags (one request per object; only when a job asks for tags).
   * @throws ObjectStoreError NOT_FOUND, ACCESS_DENIED (s3:GetObjectTagging) ...
   */
  getObjectTagging(input: { bucket: string; key: string; versionId?: string }): Promise<Record<string, string>>;
  /** ListObjectsV2 of current versions under a raw prefix, streamed page by page (1,000 keys a page, UTF-8 byte order). */
  listObjects(bucket: string, prefix: string): AsyncIterable<SourceObject>;
  /** The common prefixes one level below `prefix` (ListObjectsV2 with `Delimiter: '/'`, all pages). */
  listCommonPrefixes(bucket: string, prefix: string): AsyncIterable<string>;
  /**
   * PutObject of a body held in memory (≤ 5 GiB): one buffer, a string (UTF-8), or the buffers it is
   * made of in order (sent as they are, without copying them into one: e.g. a manifest's gzip chunks).
   */
  putObject(input: PutObjectInput & { body: Uint8Array | string | readonly Uint8Array[] }): Promise<PutObjectResult>;
  /**
   * Write a stream of unknown length (multipart above one part; @aws-sdk/lib-storage `Upload` in the
   * S3 adapter). Memory: queue size × part size. On failure the upload is aborted.
   */
  uploadStream(input: PutObjectInput & { body: Readable }): Promise<PutObjectResult>;
  /**
   * CreateMultipartUpload with full-object CRC-32 checksums. One writer per key is assumed: when
   * the create had to be retried, every other unfinished upload of the key is aborted.
   * @returns the upload id and the number of stale uploads aborted
   */
  createMultipartUpload(input: PutObjectInput): Promise<CreatedUpload>;
  /** UploadPart with the part's CRC-32. */
  uploadPart(input: UploadPartInput): Promise<UploadedPart>;
  /** CompleteMultipartUpload (full-object CRC-32 of all parts). */
  completeMultipartUpload(input: CompleteMultipartUploadInput): Promise<PutObjectResult>;
  /** AbortMultipartUpload; an upload that no longer exists is not an error. */
  abortMultipartUpload(input: { bucket: string; key: string; uploadId: string }): Promise<void>;
  /** ListMultipartUploads under a prefix (all pages). */
  listMultipartUploads(bucket: string, prefix: string): AsyncIterable<OpenUpload>;
  /** ListObjectVersions under a prefix (all pages; versions and delete markers; keys decoded once). */
  listObjectVersions(bucket: string, prefix: string): AsyncIterable<ObjectVersion>;
  /** DeleteObjects of at most 1,000 keys in one bucket (quiet mode: only errors are listed). */
  deleteObjects(bucket: string, targets: readonly DeleteTarget[]): Promise<DeleteResult>;
  /** DeleteObject of one key (key in the URL path, so any key can be deleted), optionally conditional. */
  deleteObject(bucket: string, target: DeleteTarget): Promise<void>;
  /**
   * RestoreObject with `Days` and `GlacierJobParameters.Tier`.
   * @throws ObjectStoreError INVALID_OBJECT_STATE when the object is not in an archive class
   */
  restoreObject(input: { bucket: string; key: string; days: number; tier: string }): Promise<RestoreStart>;
  /** A presigned GET URL valid for `expiresSeconds` (≤ 604,800, SigV4's limit). */
  presignGet(bucket: string, key: string, expiresSeconds: number): Promise<string>;
}

/**
 * Why an object store call failed, in the domain's terms. Permanent per-object reasons
 * (NOT_FOUND, PRECONDITION_FAILED, ACCESS_DENIED, INVALID_OBJECT_STATE, KMS_KEY_UNUSABLE,
 * ENCRYPTION_KEY_REQUIRED, INVALID_REQUEST) are not retried by callers; THROTTLED and UNAVAILABLE
 * reach callers only after the SDK's retries; NO_SUCH_BUCKET, CREDENTIALS and WRONG_REGION concern
 * every object of a bucket (or every call), never one object.
 * - KMS_KEY_UNUSABLE: the object's SSE-KMS key is disabled, pending deletion, missing or refused
 *   (S3 codes `KMS.*`).
 * - ENCRYPTION_KEY_REQUIRED: an SSE-C object read without its customer key (400 InvalidRequest).
 * - CREDENTIALS: the request's signature or credentials were refused (SignatureDoesNotMatch,
 *   InvalidAccessKeyId, ExpiredToken, RequestTimeTooSkewed, ...).
 * - WRONG_REGION: the bucket is in another region than the client (PermanentRedirect, ...).
 */
export type ObjectStoreFailure =
  | 'NO_SUCH_BUCKET'
  | 'NOT_FOUND'
  | 'PRECONDITION_FAILED'
  | 'ACCESS_DENIED'
  | 'INVALID_OBJECT_STATE'
  | 'KMS_KEY_UNUSABLE'
  | 'ENCRYPTION_KEY_REQUIRED'
  | 'RESTORE_IN_PROGRESS'
  | 'INVALID_REQUEST'
  | 'CREDENTIALS'
  | 'WRONG_REGION'
  | 'THROTTLED'
  | 'UNAVAILABLE'
  | 'UNKNOWN';

const CODE_OF: Record<ObjectStoreFailure, ErrorCode> = {
  NO_SUCH_BUCKET: 'AWS_ERROR',
  NOT_FOUND: 'AWS_ERROR',
  PRECONDITION_FAILED: 'AWS_ERROR',
  ACCESS_DENIED: 'AWS_ERROR',
  INVALID_OBJECT_STATE: 'AWS_ERROR',
  KMS_KEY_UNUSABLE: 'AWS_ERROR',
  ENCRYPTION_KEY_REQUIRED: 'AWS_ERROR',
  RESTORE_IN_PROGRESS: 'AWS_ERROR',
  INVALID_REQUEST: 'AWS_ERROR',
  CREDENTIALS: 'AWS_ERROR',
  WRONG_REGION: 'AWS_ERROR',
  THROTTLED: 'AWS_THROTTLED',
  UNAVAILABLE: 'AWS_UNREACHABLE',
  UNKNOWN: 'AWS_ERROR',
};

/**
 * A failed object store call. The message names the operation and the resource, e.g.
 * `GetObject s3://src/a.txt: NoSuchKey: The specified key does not exist.`; `cause` is the SDK error.
 */
export class ObjectStoreError extends ColdpackError {
  /** Domain reason. */
  readonly failure: ObjectStoreFailure;
  /** S3 operation name, e.g. `GetObject`. */
  readonly operation: string;
  readonly bucket: string;
  readonly key: string | undefined;
  /** AWS error code (e.g. `NoSuchKey`), when AWS answered. */
  readonly awsCode: string | undefined;
  /** HTTP status AWS answered, when it did. */
  readonly httpStatus: number | undefined;

  /**
   * @param failure domain reason; @param where operation and resource; @param detail AWS code,
   * status and message; @param cause the SDK error
   */
  constructor(
    failure: ObjectStoreFailure,
    where: { operation: string; bucket: string; key?: string },
    detail: { awsCode?: string; httpStatus?: number; message: string },
    cause?: unknown,
  ) {
    const resource = `s3://${where.bucket}${where.key === undefined ? '' : `/${where.key}`}`;
    super(CODE_OF[failure], `${where.operation} ${resource}: ${detail.awsCode ? `${detail.awsCode}: ` : ''}${detail.message}`, {
      expose: true,
      ...(cause === undefined ? {} : { cause }),
    });
    this.failure = failure;
    this.operation = where.operation;
    this.bucket = where.bucket;
    this.key = where.key;
    this.awsCode = detail.awsCode;
    this.httpStatus = detail.httpStatus;
  }
}

/** Whether `err` is an {@link ObjectStoreError} with one of `failures`. */
export function isObjectStoreFailure(err: unknown, ...failures: ObjectStoreFailure[]): err is ObjectStoreError {
  return err instanceof ObjectStoreError && failures.includes(err.failure);
}
