import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type CompletedPart,
  type S3Client,
  type StorageClass,
} from '@aws-sdk/client-s3';
import { crc32 } from 'node:zlib';
import type { ByteSink } from '../bundle/zip-bundle-writer.js';

/** S3 multipart limits (https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html): parts 5 MiB–5 GiB, at most 10,000 parts. */
export const MIN_PART_SIZE = 5 * 1024 * 1024;
export const MAX_PART_SIZE = 5 * 1024 * 1024 * 1024;
export const MAX_PARTS = 10_000;
/** Default part size: 16 MiB. */
export const DEFAULT_PART_SIZE = 16 * 1024 * 1024;

/**
 * Part size for an object of about `expectedBytes`: max(16 MiB, ceil(expected / 9,000) rounded up
 * to 1 MiB), leaving 10 % headroom under the 10,000-part limit for size estimates that run over.
 */
export function partSizeFor(expectedBytes: number): number {
  const MiB = 1024 * 1024;
  const needed = Math.ceil(expectedBytes / 9000 / MiB) * MiB;
  return Math.min(MAX_PART_SIZE, Math.max(DEFAULT_PART_SIZE, needed));
}

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
  readonly storageClass: StorageClass | string;
  /** Part size in bytes; default 16 MiB; must be 5 MiB–5 GiB. */
  readonly partSize?: number;
  /** Parts uploaded concurrently; default 4. Memory bound: (maxInFlight + 1) × partSize bytes. */
  readonly maxInFlight?: number;
  readonly contentType?: string;
  /** Called with the upload id as soon as a multipart upload is created (to record it for resume). */
  readonly onUploadId?: (uploadId: string) => Promise<void>;
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
 * A ByteSink that streams bytes into one S3 object: a single PutObject when everything fits in the
 * first part, else a multipart upload with CRC-32 part checksums and a FULL_OBJECT CRC-32 for the
 * whole object (https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html).
 * A running CRC-32 of every byte is kept so the caller can verify what S3 stored.
 * On failure call {@link abort}: it waits for in-flight parts, then aborts the upload.
 */
export class MultipartSink implements ByteSink {
  private buffer: Buffer;
  private filled = 0;
  private total = 0;
  private crc = 0;
  private uploadId: string | undefined;
  private readonly parts: CompletedPart[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private failure: unknown;
  private readonly partSize: number;
  private readonly maxInFlight: number;

  /** @param s3 S3 client; @param options target object and limits */
  constructor(
    private readonly s3: S3Client,
    private readonly options: MultipartSinkOptions,
  ) {
    this.partSize = options.partSize ?? DEFAULT_PART_SIZE;
    if (this.partSize < MIN_PART_SIZE || this.partSize > MAX_PART_SIZE) {
      throw new RangeError(`partSize must be between ${MIN_PART_SIZE} and ${MAX_PART_SIZE} bytes, got ${this.partSize}`);
    }
    this.maxInFlight = options.maxInFlight ?? 4;
    this.buffer = Buffer.allocUnsafe(this.partSize);
  }

  /** Bytes accepted so far. */
  get bytesWritten(): number {
    return this.total;
  }

  /** Accept bytes; resolves once they are buffered (waits while `maxInFlight` parts are uploading). */
  async write(chunk: Buffer): Promise<void> {
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
    if (this.uploadId === undefined) {
      const res = await this.s3.send(
        new CreateMultipartUploadCommand({
          Bucket: this.options.bucket,
          Key: this.options.key,
          StorageClass: this.options.storageClass as StorageClass,
          ChecksumAlgorithm: 'CRC32',
          ChecksumType: 'FULL_OBJECT',
          ...(this.options.contentType ? { ContentType: this.options.contentType } : {}),
        }),
      );
      this.uploadId = res.UploadId!;
      await this.options.onUploadId?.(this.uploadId);
    }
    while (this.inFlight.size >= this.maxInFlight) await Promise.race(this.inFlight);
    if (this.failure) throw this.failure;
    const body = this.buffer.subarray(0, this.filled);
    const partNumber = this.parts.length + 1;
    this.buffer = Buffer.allocUnsafe(this.partSize);
    this.filled = 0;
    const slot: CompletedPart = { PartNumber: partNumber };
    this.parts.push(slot);
    const p = this.s3
      .send(
        new UploadPartCommand({
          Bucket: this.options.bucket,
          Key: this.options.key,
          UploadId: this.uploadId,
          PartNumber: partNumber,
          Body: body,
          ContentLength: body.length,
          ChecksumCRC32: crc32Base64(crc32(body)),
        }),
      )
      .then((res) => {
        slot.ETag = res.ETag;
        slot.ChecksumCRC32 = res.ChecksumCRC32 ?? crc32Base64(crc32(body));
      })
      .catch((err: unknown) => {
        this.failure ??= err;
      })
      .finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }

  /**
   * Upload what is left and complete the object.
   * @throws the first part or request error (the caller should then {@link abort})
   */
  async complete(): Promise<UploadResult> {
    const crc = crc32Base64(this.crc);
    if (this.uploadId === undefined) {
      const body = this.buffer.subarray(0, this.filled);
      const res = await this.s3.send(
        new PutObjectCommand({
          Bucket: this.options.bucket,
          Key: this.options.key,
          Body: body,
          ContentLength: body.length,
          StorageClass: this.options.storageClass as StorageClass,
          ChecksumAlgorithm: 'CRC32',
          ChecksumCRC32: crc,
          ...(this.options.contentType ? { ContentType: this.options.contentType } : {}),
        }),
      );
      return { bytes: this.total, crc32: crc, mode: 'put', parts: 0, ...(res.VersionId ? { versionId: res.VersionId } : {}) };
    }
    if (this.filled > 0) await this.flushPart();
    await Promise.all(this.inFlight);
    if (this.failure) throw this.failure;
    const res = await this.s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: this.options.bucket,
        Key: this.options.key,
        UploadId: this.uploadId,
        ChecksumCRC32: crc,
        ChecksumType: 'FULL_OBJECT',
        MultipartUpload: { Parts: this.parts },
      }),
    );
    return { bytes: this.total, crc32: crc, mode: 'multipart', parts: this.parts.length, ...(res.VersionId ? { versionId: res.VersionId } : {}) };
  }

  /** Wait for in-flight parts, then abort the multipart upload (no-op for a single PutObject). Never throws. */
  async abort(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
    if (this.uploadId === undefined) return;
    try {
      await this.s3.send(new AbortMultipartUploadCommand({ Bucket: this.options.bucket, Key: this.options.key, UploadId: this.uploadId }));
    } catch {
      // best effort: the bucket's lifecycle rule aborts incomplete uploads after a few days
    }
  }
}
