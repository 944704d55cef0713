/**
 * An {@link ObjectStore} for the bundle-memory benchmark: the source bucket holds `count` objects
 * of `size` incompressible bytes generated on demand (never stored), bundle and manifest bytes are counted and
 * dropped (only their size, CRC-32 and metadata are kept for the HeadObject that verifies them), and
 * the small objects (shard plans, the report) are kept. So the process's memory is coldpack's own.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { SourceObject } from '../src/domain/model.js';
import {
  ObjectStoreError,
  type CreatedUpload,
  type DeleteResult,
  type DeleteTarget,
  type GetObjectInput,
  type GotObject,
  type ObjectHead,
  type ObjectStore,
  type ObjectVersion,
  type OpenUpload,
  type PutObjectInput,
  type PutObjectResult,
  type RestoreStart,
  type UploadedPart,
} from '../src/domain/ports/object-store.js';

interface Head {
  size: number;
  crc32?: string;
  metadata: Record<string, string>;
  storageClass: string;
}

/** Synthetic source, counting sink. */
export class SyntheticObjectStore implements ObjectStore {
  private readonly kept = new Map<string, { body: Buffer; head: Head }>();
  private readonly heads = new Map<string, Head>();
  private readonly uploads = new Map<string, PutObjectInput>();
  private seq = 0;

  /** @param sourceBucket the bucket listed; @param count objects; @param size bytes each */
  constructor(
    private readonly sourceBucket: string,
    private readonly count: number,
    private readonly size: number,
  ) {}

  /** Key of source object `i`. */
  key(i: number): string {
    return `bench/${String(Math.floor(i / 1000)).padStart(4, '0')}/${String(i).padStart(8, '0')}_20240410.csv`;
  }

  /** 1 MiB of random bytes: every object is a slice of it, so the bundle is as large as its source (no deflate gain). */
  private readonly noise = randomBytes(1 << 20);

  private body(i: number): Buffer {
    const at = (i * 7919) % (this.noise.length - this.size);
    return Buffer.from(this.noise.subarray(at, at + this.size));
  }

  private head(h: Head, etag: string): ObjectHead {
    return { size: h.size, etag, storageClass: h.storageClass, headers: {}, metadata: h.metadata, ...(h.crc32 ? { checksumCrc32: h.crc32 } : {}) };
  }

  private notFound(op: string, bucket: string, key: string): ObjectStoreError {
    return new ObjectStoreError(
      'NOT_FOUND',
      { operation: op, bucket, key },
      { awsCode: 'NoSuchKey', httpStatus: 404, message: 'The specified key does not exist.' },
    );
  }

  async headBucket(): Promise<void> {}

  async headObject(input: { bucket: string; key: string }): Promise<ObjectHead> {
    const id = `${input.bucket}/${input.key}`;
    const h = this.heads.get(id) ?? this.kept.get(id)?.head;
    if (!h) throw this.notFound('HeadObject', input.bucket, input.key);
    return this.head(h, 'x');
  }

  async getObject(input: GetObjectInput): Promise<GotObject> {
    if (input.bucket === this.sourceBucket) {
      const i = Number(/(\d{8})_/.exec(input.key)?.[1]);
      const data = this.body(i);
      return {
        ...this.head({ size: data.length, metadata: {}, storageClass: 'STANDARD' }, `etag-${i}`),
        lastModified: '2024-04-10T00:00:00.000Z',
        body: Readable.from([data]),
        totalSize: data.length,
      };
    }
    const k = this.kept.get(`${input.bucket}/${input.key}`);
    if (!k) throw this.notFound('GetObject', input.bucket, input.key);
    return { ...this.head(k.head, 'x'), body: Readable.from([k.body]), totalSize: k.body.length };
  }

  async *listObjects(bucket: string): AsyncIterable<SourceObject> {
    if (bucket !== this.sourceBucket) return;
    for (let i = 0; i < this.count; i++)
      yield { bucket, key: this.key(i), size: this.size, etag: `etag-${i}`, last_modified: '2024-04-10T00:00:00.000Z', storage_class: 'STANDARD' };
  }

  async *listCommonPrefixes(): AsyncIterable<string> {}

  private store(input: PutObjectInput, body: Buffer): PutObjectResult {
    const head: Head = {
      size: body.length,
      metadata: { ...(input.metadata ?? {}) },
      storageClass: input.storageClass ?? 'STANDARD',
      ...(input.checksumCrc32 ? { crc32: input.checksumCrc32 } : {}),
    };
    const id = `${input.bucket}/${input.key}`;
    if (input.key.startsWith('bundles/') || input.key.startsWith('manifests/')) this.heads.set(id, head);
    else this.kept.set(id, { body, head });
    return { etag: createHash('md5').update(body).digest('hex') };
  }

  async putObject(input: PutObjectInput & { body: Uint8Array | string | readonly Uint8Array[] }): Promise<PutObjectResult> {
    const b = input.body;
    if (Array.isArray(b) && (input.key.startsWith('manifests/') || input.key.startsWith('bundles/'))) {
      this.heads.set(`${input.bucket}/${input.key}`, {
        size: (b as Uint8Array[]).reduce((n, p) => n + p.byteLength, 0),
        metadata: { ...(input.metadata ?? {}) },
        storageClass: input.storageClass ?? 'STANDARD',
      });
      return {};
    }
    return this.store(input, Array.isArray(b) ? Buffer.concat(b as Uint8Array[]) : Buffer.from(b as Uint8Array | string));
  }

  async uploadStream(input: PutObjectInput & { body: Readable }): Promise<PutObjectResult> {
    const chunks: Buffer[] = [];
    for await (const c of input.body) chunks.push(Buffer.from(c as Uint8Array));
    return this.store(input, Buffer.concat(chunks));
  }

  async createMultipartUpload(input: PutObjectInput): Promise<CreatedUpload> {
    const id = `upload-${++this.seq}`;
    this.uploads.set(id, input);
    return { uploadId: id, staleAborted: 0 };
  }

  private readonly partBytes = new Map<string, number>();

  async uploadPart(input: { uploadId: string; partNumber: number; body: Uint8Array; checksumCrc32: string }): Promise<UploadedPart> {
    this.partBytes.set(input.uploadId, (this.partBytes.get(input.uploadId) ?? 0) + input.body.length);
    return { partNumber: input.partNumber, etag: `p${input.partNumber}`, checksumCrc32: input.checksumCrc32 };
  }

  async completeMultipartUpload(input: { bucket: string; key: string; uploadId: string; checksumCrc32: string }): Promise<PutObjectResult> {
    const up = this.uploads.get(input.uploadId)!;
    this.heads.set(`${input.bucket}/${input.key}`, {
      size: this.partBytes.get(input.uploadId) ?? 0,
      crc32: input.checksumCrc32,
      metadata: { ...(up.metadata ?? {}) },
      storageClass: up.storageClass ?? 'STANDARD',
    });
    this.uploads.delete(input.uploadId);
    return {};
  }

  async abortMultipartUpload(input: { uploadId: string }): Promise<void> {
    this.uploads.delete(input.uploadId);
  }

  async *listMultipartUploads(): AsyncIterable<OpenUpload> {}

  async *listObjectVersions(): AsyncIterable<ObjectVersion> {}

  async getObjectTagging(): Promise<Record<string, string>> {
    return {};
  }

  async deleteObjects(_bucket: string, targets: readonly DeleteTarget[]): Promise<DeleteResult> {
    return { deleted: targets.map((t) => t.key), errors: [] };
  }

  async deleteObject(): Promise<void> {}

  async restoreObject(): Promise<RestoreStart> {
    return 'STARTED';
  }

  async presignGet(bucket: string, key: string): Promise<string> {
    return `https://${bucket}.example/${key}`;
  }
}
