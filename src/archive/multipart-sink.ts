import { crc32 } from 'node:zlib';
import type { ByteSink } from '../bundle/zip-bundle-writer.js';
import { DEFAULT_PART_BYTES, S3_MAX_PART_BYTES, S3_MAX_PARTS, S3_MIN_PART_BYTES } from '../bundle/part-size.js';
import { ColdpackError } from '../domain/errors.js';
import type { ArchiveStorageClass } from '../domain/model.js';
import type { ObjectStore, UploadedPart } from '../domain/ports/object-store.js';
import { silentLogger, type Logger } from '../domain/ports/logger.js';

/** Base64 of a CRC-32 as S3 reports `ChecksumCRC32` (4 bytes, big-endian). */
export function crc32Base64(value: number): string {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(value >>> 0, 0);
  return b.toString('base64');
}

/** Options of a {@link MultipartSink}. */
export interface MultipartSinkOptions {
  readonly bucket: string;
  readonly key: string;
  /** Storage class of the object (e.g. DEEP_ARCHIVE). */
  readonly storageClass: ArchiveStorageClass;
  /** Part size in bytes; default 16 MiB; must be 5 MiB–5 GiB (S3 limits). */
  readonly partSize?: number;
  /** Most parts of the upload: default and at most 10,000 (S3's limit; lower only to test the check). */
  readonly maxParts?: number;
  /** Parts uploaded concurrently; default 4. Memory bound: (maxInFlight + 1) × partSize bytes. */
  readonly maxInFlight?: number;
  readonly contentType?: string;
  /** User metadata of the object (`x-amz-meta-*`), e.g. what the bundle belongs to. */
  readonly metadata?: Readonly<Record<string, string>>;
  /** Called with the upload id as soon as a multipart upload is created (to record it for resume). */
  readonly onUploadId?: (uploadId: string) => Promise<void>;
  /** Where a failed abort is reported. Default: {@link silentLogger}. */
  readonly logger?: Logger;
}

/** What {@link MultipartSink.complete} reports. */
export interface UploadResult {
  /** Object size in bytes as written. */
  readonly bytes: number;
  /** Full-object CRC-32 of the bytes written, base64 (what S3 must report for the object). */
  readonly crc32: string;
  /** 'put' when the object fit in one part (one PutObject), else 'multipart'. */
  readonly mode: 'put' | 'multipart';
  /** Number of UploadPart calls. */
  readonly parts: number;
  readonly versionId?: string;
}

/**
 * A ByteSink that streams bytes into one object of an {@link ObjectStore}: a single PutObject when
 * everything fits in the first part, else a multipart upload with a CRC-32 per part and a
 * FULL_OBJECT CRC-32 for the whole object
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html).
 * A running CRC-32 of every byte is kept so the caller can verify what the store kept.
 *
 * Limits (https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html): parts of 5 MiB–5 GiB,
 * at most 10,000 parts. Part 10,001 is refused before it is uploaded (ColdpackError
 * `TOO_MANY_PARTS`); {@link complete} runs once. On failure call {@link abort}: it waits for
 * in-flight parts, then aborts the upload.
 */
export class MultipartSink implements ByteSink {
  private buffer: Buffer;
  private filled = 0;
  private total = 0;
  private crc = 0;
  private uploadId: string | undefined;
  private partCount = 0;
  private readonly parts: Array<UploadedPart | undefined> = [];
  private readonly inFlight = new Set<Promise<void>>();
  /** Part buffers whose upload is done, ready for the next part. */
  private readonly spare: Buffer[] = [];
  private failure: unknown;
  private completed = false;
  private readonly partSize: number;
  private readonly maxParts: number;
  private readonly maxInFlight: number;
  private readonly logger: Logger;

  /**
   * @param objects the object store; @param options target object and limits
   * @throws RangeError when `partSize` is outside 5 MiB–5 GiB or `maxParts` outside 1–10,000
   */
  constructor(
    private readonly objects: ObjectStore,
    private readonly options: MultipartSinkOptions,
  ) {
    this.partSize = options.partSize ?? DEFAULT_PART_BYTES;
    if (this.partSize < S3_MIN_PART_BYTES || this.partSize > S3_MAX_PART_BYTES) {
      throw new RangeError(`partSize must be between ${S3_MIN_PART_BYTES} and ${S3_MAX_PART_BYTES} bytes, got ${this.partSize}`);
    }
    this.maxParts = options.maxParts ?? S3_MAX_PARTS;
    if (!Number.isInteger(this.maxParts) || this.maxParts < 1 || this.maxParts > S3_MAX_PARTS) {
      throw new RangeError(`maxParts must be an integer between 1 and ${S3_MAX_PARTS}, got ${this.maxParts}`);
    }
    this.maxInFlight = options.maxInFlight ?? 4;
    this.logger = options.logger ?? silentLogger;
    this.buffer = Buffer.allocUnsafe(this.partSize);
  }

  /** Stale uploads of the same key the store aborted when it created this one (a retried create). */
  staleAborted = 0;

  /** Bytes accepted so far. */
  get bytesWritten(): number {
    return this.total;
  }

  private where(): string {
    return `s3://${this.options.bucket}/${this.options.key}`;
  }

  /**
   * Accept bytes; resolves once they are buffered (waits while `maxInFlight` parts are uploading).
   * @throws ColdpackError `TOO_MANY_PARTS` when the bytes would need part 10,001; `INTERNAL` after {@link complete}
   */
  async write(chunk: Buffer): Promise<void> {
    if (this.completed) throw new ColdpackError('INTERNAL', `multipart sink ${this.where()}: write after complete`);
    this.crc = crc32(chunk, this.crc);
    this.total += chunk.length;
    let pos = 0;
    while (pos < chunk.length) {
      const n = Math.min(chunk.length - pos, this.partSize - this.filled);
      chunk.copy(this.buffer, this.filled, pos, pos + n);
      this.filled += n;
      pos += n;
      if (this.filled === this.partSize) await this.flushPart();
    }
  }

  private async flushPart(): Promise<void> {
    if (this.failure) throw this.failure;
    const partNumber = this.partCount + 1;
    if (partNumber > this.maxParts) {
      throw new ColdpackError(
        'TOO_MANY_PARTS',
        `multipart upload ${this.where()}: part ${partNumber} of ${this.partSize} bytes would pass the limit of ${this.maxParts} parts ` +
          '(https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html); use a larger part size for this object',
      );
    }
    if (this.uploadId === undefined) {
      const created = await this.objects.createMultipartUpload({
        bucket: this.options.bucket,
        key: this.options.key,
        storageClass: this.options.storageClass,
        ...(this.options.contentType ? { headers: { contentType: this.options.contentType } } : {}),
        ...(this.options.metadata ? { metadata: this.options.metadata } : {}),
      });
      this.uploadId = created.uploadId;
      this.staleAborted = created.staleAborted;
      await this.options.onUploadId?.(this.uploadId);
    }
    while (this.inFlight.size >= this.maxInFlight) await Promise.race(this.inFlight);
    if (this.failure) throw this.failure;
    const used = this.buffer;
    const body = used.subarray(0, this.filled);
    // Part buffers are reused once their upload is done: at most maxInFlight + 1 of them ever exist,
    // and a long bundle does not leave a trail of freed 16 MiB buffers for the garbage collector.
    this.buffer = this.spare.pop() ?? Buffer.allocUnsafe(this.partSize);
    this.filled = 0;
    this.partCount = partNumber;
    const p = this.objects
      .uploadPart({ bucket: this.options.bucket, key: this.options.key, uploadId: this.uploadId, partNumber, body, checksumCrc32: crc32Base64(crc32(body)) })
      .then((part) => {
        this.parts[partNumber - 1] = part;
      })
      .catch((err: unknown) => {
        this.failure ??= err;
      })
      .finally(() => {
        this.inFlight.delete(p);
        this.spare.push(used);
      });
    this.inFlight.add(p);
  }

  /**
   * Upload what is left and complete the object. Runs once.
   * @throws ColdpackError `INTERNAL` on a second call; `TOO_MANY_PARTS` when the last part would be
   *   part 10,001; the first part or request error (the caller should then {@link abort})
   */
  async complete(): Promise<UploadResult> {
    if (this.completed) throw new ColdpackError('INTERNAL', `multipart sink ${this.where()}: complete() was already called`);
    this.completed = true;
    const crc = crc32Base64(this.crc);
    if (this.uploadId === undefined) {
      const body = this.buffer.subarray(0, this.filled);
      const res = await this.objects.putObject({
        bucket: this.options.bucket,
        key: this.options.key,
        body,
        storageClass: this.options.storageClass,
        checksumCrc32: crc,
        ...(this.options.contentType ? { headers: { contentType: this.options.contentType } } : {}),
        ...(this.options.metadata ? { metadata: this.options.metadata } : {}),
      });
      return { bytes: this.total, crc32: crc, mode: 'put', parts: 0, ...(res.versionId ? { versionId: res.versionId } : {}) };
    }
    if (this.filled > 0) await this.flushPart();
    await Promise.all(this.inFlight);
    if (this.failure) throw this.failure;
    const parts = this.parts.filter((p): p is UploadedPart => p !== undefined);
    if (parts.length !== this.partCount || parts.length > this.maxParts) {
      throw new ColdpackError('INTERNAL', `multipart upload ${this.where()}: ${parts.length} parts uploaded, ${this.partCount} sent (limit ${this.maxParts})`);
    }
    const res = await this.objects.completeMultipartUpload({
      bucket: this.options.bucket,
      key: this.options.key,
      uploadId: this.uploadId,
      parts,
      checksumCrc32: crc,
    });
    return { bytes: this.total, crc32: crc, mode: 'multipart', parts: parts.length, ...(res.versionId ? { versionId: res.versionId } : {}) };
  }

  /**
   * Wait for in-flight parts, then abort the multipart upload (no-op for a single PutObject).
   * Never throws: a failed abort is logged as a warning (the archive bucket's lifecycle rule aborts
   * incomplete uploads after a few days).
   */
  async abort(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
    if (this.uploadId === undefined) return;
    try {
      await this.objects.abortMultipartUpload({ bucket: this.options.bucket, key: this.options.key, uploadId: this.uploadId });
    } catch (err) {
      this.logger.warn(
        { err, bucket: this.options.bucket, key: this.options.key, upload_id: this.uploadId },
        'abort of a failed multipart upload failed; the lifecycle rule will remove it',
      );
    }
  }
}
