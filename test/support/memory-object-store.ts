/**
 * In-memory {@link ObjectStore} for unit tests of the core: answers as S3 does for the operations
 * coldpack uses (If-Match, ranged GETs, archive classes refusing GETs until restored, conditional
 * deletes honoured per object, multipart uploads). Every call is recorded in `calls`.
 * Faults: `failNext(op, failure)` makes the next call of `op` throw that {@link ObjectStoreError}.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import type { SourceObject } from '../../src/domain/model.js';
import {
  ObjectStoreError,
  type CreatedUpload,
  type DeleteResult,
  type DeleteTarget,
  type GetObjectInput,
  type GotObject,
  type ObjectHead,
  type ObjectStore,
  type ObjectStoreFailure,
  type ObjectVersion,
  type OpenUpload,
  type PutObjectInput,
  type PutObjectResult,
  type RestoreStart,
  type UploadedPart,
  type UploadPartInput,
  type CompleteMultipartUploadInput,
} from '../../src/domain/ports/object-store.js';

/** One stored object. */
export interface MemoryObject {
  body: Buffer;
  etag: string;
  versionId?: string;
  lastModified: string;
  storageClass: string;
  headers: PutObjectInput['headers'];
  metadata: Record<string, string>;
  /** Object tags. */
  tags?: Record<string, string>;
  /** For archive classes: whether a restored copy is readable. */
  restored: boolean;
}

const ARCHIVE_CLASSES = new Set(['GLACIER', 'DEEP_ARCHIVE']);
const crcB64 = (b: Buffer): string => {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(crc32(b) >>> 0);
  return out.toString('base64');
};

/** The fake. Buckets are created on first put or with {@link MemoryObjectStore.createBucket}. */
export class MemoryObjectStore implements ObjectStore {
  readonly buckets = new Map<string, Map<string, MemoryObject>>();
  readonly calls: Array<{ op: string; bucket: string; key?: string }> = [];
  private readonly uploads = new Map<string, { bucket: string; key: string; input: PutObjectInput; parts: Map<number, Buffer>; initiated: string }>();
  private readonly faults: Array<{ op: string; failure: ObjectStoreFailure }> = [];
  private seq = 0;

  createBucket(bucket: string): void {
    if (!this.buckets.has(bucket)) this.buckets.set(bucket, new Map());
  }

  /** Put an object directly (test setup; not recorded). */
  seed(bucket: string, key: string, body: string | Buffer, extra: Partial<MemoryObject> = {}): MemoryObject {
    this.createBucket(bucket);
    const buf = Buffer.isBuffer(body) ? body : Buffer.from(body);
    const obj: MemoryObject = {
      body: buf,
      etag: createHash('md5').update(buf).digest('hex'),
      lastModified: new Date(Date.UTC(2024, 3, 10)).toISOString(),
      storageClass: 'STANDARD',
      headers: {},
      metadata: {},
      restored: false,
      ...extra,
    };
    this.buckets.get(bucket)!.set(key, obj);
    return obj;
  }

  /** The stored object, or undefined. */
  object(bucket: string, key: string): MemoryObject | undefined {
    return this.buckets.get(bucket)?.get(key);
  }

  /** Make the next call of `op` (e.g. `GetObject`) fail with `failure`. */
  failNext(op: string, failure: ObjectStoreFailure): void {
    this.faults.push({ op, failure });
  }

  private enter(op: string, bucket: string, key?: string): void {
    this.calls.push({ op, bucket, ...(key === undefined ? {} : { key }) });
    const i = this.faults.findIndex((f) => f.op === op);
    if (i >= 0) {
      const [f] = this.faults.splice(i, 1);
      throw this.error(f!.failure, op, bucket, key, 'injected fault');
    }
  }

  private error(failure: ObjectStoreFailure, operation: string, bucket: string, key: string | undefined, message: string): ObjectStoreError {
    return new ObjectStoreError(failure, { operation, bucket, ...(key === undefined ? {} : { key }) }, { message });
  }

  private bucket(op: string, bucket: string): Map<string, MemoryObject> {
    const b = this.buckets.get(bucket);
    if (!b) throw this.error('NO_SUCH_BUCKET', op, bucket, undefined, 'The specified bucket does not exist');
    return b;
  }

  private found(op: string, bucket: string, key: string): MemoryObject {
    const o = this.bucket(op, bucket).get(key);
    if (!o) throw this.error('NOT_FOUND', op, bucket, key, 'The specified key does not exist.');
    return o;
  }

  private head(o: MemoryObject, size = o.body.length): ObjectHead {
    return {
      size,
      etag: o.etag,
      ...(o.versionId ? { versionId: o.versionId } : {}),
      lastModified: o.lastModified,
      storageClass: o.storageClass,
      ...(ARCHIVE_CLASSES.has(o.storageClass) && o.restored ? { restore: 'ongoing-request="false", expiry-date="Fri, 01 Jan 2100 00:00:00 GMT"' } : {}),
      checksumCrc32: crcB64(o.body),
      checksumType: 'FULL_OBJECT',
      headers: { ...(o.headers ?? {}) },
      metadata: { ...o.metadata },
    };
  }

  async headBucket(bucket: string): Promise<void> {
    this.enter('HeadBucket', bucket);
    this.bucket('HeadBucket', bucket);
  }

  async headObject(input: { bucket: string; key: string }): Promise<ObjectHead> {
    this.enter('HeadObject', input.bucket, input.key);
    return this.head(this.found('HeadObject', input.bucket, input.key));
  }

  async getObject(input: GetObjectInput): Promise<GotObject> {
    this.enter('GetObject', input.bucket, input.key);
    const o = this.found('GetObject', input.bucket, input.key);
    if (input.ifMatch !== undefined && input.ifMatch !== o.etag)
      throw this.error('PRECONDITION_FAILED', 'GetObject', input.bucket, input.key, 'At least one of the pre-conditions you specified did not hold');
    if (ARCHIVE_CLASSES.has(o.storageClass) && !o.restored)
      throw this.error('INVALID_OBJECT_STATE', 'GetObject', input.bucket, input.key, 'The operation is not valid for the object\u2019s storage class');
    const bytes = input.range ? o.body.subarray(input.range.start, input.range.end + 1) : o.body;
    return { ...this.head(o, bytes.length), totalSize: o.body.length, body: Readable.from([bytes]) };
  }

  async getObjectTagging(input: { bucket: string; key: string }): Promise<Record<string, string>> {
    this.enter('GetObjectTagging', input.bucket, input.key);
    return { ...(this.found('GetObjectTagging', input.bucket, input.key).tags ?? {}) };
  }

  async *listObjects(bucket: string, prefix: string): AsyncIterable<SourceObject> {
    this.enter('ListObjectsV2', bucket, prefix);
    const keys = [...this.bucket('ListObjectsV2', bucket).keys()]
      .filter((k) => k.startsWith(prefix))
      .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    for (const key of keys) {
      const o = this.buckets.get(bucket)!.get(key);
      if (o) yield { bucket, key, size: o.body.length, etag: o.etag, last_modified: o.lastModified, storage_class: o.storageClass };
    }
  }

  async *listCommonPrefixes(bucket: string, prefix: string): AsyncIterable<string> {
    this.enter('ListObjectsV2', bucket, prefix);
    const seen = new Set<string>();
    for (const key of this.bucket('ListObjectsV2', bucket).keys()) {
      if (!key.startsWith(prefix)) continue;
      const slash = key.indexOf('/', prefix.length);
      if (slash >= 0) seen.add(key.slice(0, slash + 1));
    }
    yield* [...seen].sort();
  }

  private store(input: PutObjectInput, body: Buffer): PutObjectResult {
    this.createBucket(input.bucket);
    const o = this.seed(input.bucket, input.key, body, {
      storageClass: input.storageClass ?? 'STANDARD',
      headers: input.headers ?? {},
      metadata: { ...(input.metadata ?? {}) },
      ...(input.tags ? { tags: { ...input.tags } } : {}),
      versionId: `v${++this.seq}`,
      lastModified: new Date().toISOString(),
    });
    return { etag: o.etag, versionId: o.versionId!, checksumCrc32: crcB64(body) };
  }

  async putObject(input: PutObjectInput & { body: Uint8Array | string | readonly Uint8Array[] }): Promise<PutObjectResult> {
    this.enter('PutObject', input.bucket, input.key);
    const b = input.body;
    return this.store(input, Array.isArray(b) ? Buffer.concat(b as Uint8Array[]) : Buffer.from(b as Uint8Array | string));
  }

  async uploadStream(input: PutObjectInput & { body: Readable }): Promise<PutObjectResult> {
    this.enter('Upload', input.bucket, input.key);
    const chunks: Buffer[] = [];
    for await (const c of input.body) chunks.push(Buffer.from(c as Uint8Array));
    return this.store(input, Buffer.concat(chunks));
  }

  async createMultipartUpload(input: PutObjectInput): Promise<CreatedUpload> {
    this.enter('CreateMultipartUpload', input.bucket, input.key);
    const id = `upload-${++this.seq}`;
    this.uploads.set(id, { bucket: input.bucket, key: input.key, input, parts: new Map(), initiated: new Date().toISOString() });
    return { uploadId: id, staleAborted: 0 };
  }

  async uploadPart(input: UploadPartInput): Promise<UploadedPart> {
    this.enter('UploadPart', input.bucket, input.key);
    const u = this.uploads.get(input.uploadId);
    if (!u) throw this.error('NOT_FOUND', 'UploadPart', input.bucket, input.key, 'NoSuchUpload');
    const body = Buffer.from(input.body);
    u.parts.set(input.partNumber, body);
    return { partNumber: input.partNumber, etag: createHash('md5').update(body).digest('hex'), checksumCrc32: crcB64(body) };
  }

  async completeMultipartUpload(input: CompleteMultipartUploadInput): Promise<PutObjectResult> {
    this.enter('CompleteMultipartUpload', input.bucket, input.key);
    const u = this.uploads.get(input.uploadId);
    if (!u) throw this.error('NOT_FOUND', 'CompleteMultipartUpload', input.bucket, input.key, 'NoSuchUpload');
    this.uploads.delete(input.uploadId);
    const body = Buffer.concat(input.parts.map((p) => u.parts.get(p.partNumber) ?? Buffer.alloc(0)));
    return this.store(u.input, body);
  }

  async abortMultipartUpload(input: { bucket: string; key: string; uploadId: string }): Promise<void> {
    this.enter('AbortMultipartUpload', input.bucket, input.key);
    this.uploads.delete(input.uploadId);
  }

  /** Open multipart uploads (test assertions). */
  openUploads(): OpenUpload[] {
    return [...this.uploads.entries()].map(([uploadId, u]) => ({ key: u.key, uploadId, initiated: u.initiated }));
  }

  async *listMultipartUploads(bucket: string, prefix: string): AsyncIterable<OpenUpload> {
    this.enter('ListMultipartUploads', bucket, prefix);
    for (const [uploadId, u] of this.uploads) if (u.bucket === bucket && u.key.startsWith(prefix)) yield { key: u.key, uploadId, initiated: u.initiated };
  }

  /** Only current versions are kept here: each object is its one (latest) version. */
  async *listObjectVersions(bucket: string, prefix: string): AsyncIterable<ObjectVersion> {
    this.enter('ListObjectVersions', bucket, prefix);
    for (const [key, o] of this.bucket('ListObjectVersions', bucket)) {
      if (key.startsWith(prefix)) yield { key, versionId: o.versionId ?? 'null', isLatest: true, deleteMarker: false };
    }
  }

  async deleteObjects(bucket: string, targets: readonly DeleteTarget[]): Promise<DeleteResult> {
    this.enter('DeleteObjects', bucket);
    const b = this.bucket('DeleteObjects', bucket);
    const deleted: string[] = [];
    const errors: Array<{ key: string; code: string; message: string }> = [];
    for (const t of targets) {
      const o = b.get(t.key);
      if (o && t.etag !== undefined && o.etag !== t.etag) errors.push({ key: t.key, code: 'PreconditionFailed', message: 'ETag differs' });
      else {
        b.delete(t.key);
        deleted.push(t.key);
      }
    }
    return { deleted, errors };
  }

  async deleteObject(bucket: string, target: DeleteTarget): Promise<void> {
    this.enter('DeleteObject', bucket, target.key);
    const b = this.bucket('DeleteObject', bucket);
    const o = b.get(target.key);
    if (o && target.etag !== undefined && o.etag !== target.etag) throw this.error('PRECONDITION_FAILED', 'DeleteObject', bucket, target.key, 'ETag differs');
    // Only current versions are kept: deleting another version leaves the current one.
    if (o && target.versionId !== undefined && o.versionId !== undefined && o.versionId !== target.versionId) return;
    b.delete(target.key);
  }

  async restoreObject(input: { bucket: string; key: string; days: number; tier: string }): Promise<RestoreStart> {
    this.enter('RestoreObject', input.bucket, input.key);
    const o = this.found('RestoreObject', input.bucket, input.key);
    if (!ARCHIVE_CLASSES.has(o.storageClass))
      throw this.error('INVALID_OBJECT_STATE', 'RestoreObject', input.bucket, input.key, 'Restore is not allowed for the object\u2019s current storage class');
    if (o.restored) return 'ALREADY_RESTORED';
    o.restored = true;
    return 'STARTED';
  }

  async presignGet(bucket: string, key: string, expiresSeconds: number): Promise<string> {
    return `https://${bucket}.s3.example/${encodeURIComponent(key)}?X-Amz-Expires=${expiresSeconds}`;
  }
}
