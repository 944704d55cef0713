/**
 * Extract one archived file: one ranged GET of its entry (`Range: bytes=offset-(offset+length-1)`,
 * never the whole bundle), verify it against the index, write it to the restore bucket.
 * Entries up to `bufferedMaxBytes` are held in memory and written with one PutObject (with an
 * `x-amz-checksum-sha256` S3 verifies); larger ones are streamed through a multipart upload that is
 * completed only after the checks passed. A failed check writes nothing.
 */
import { createHash } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { ColdpackError, IntegrityError, awsErrorName } from '../domain/errors.js';
import { utf8Length } from '../domain/keys.js';
import { extractEntry, type ExpectedEntry } from '../bundle/zip-entry-reader.js';
import { openEntryStream } from '../bundle/entry-stream.js';
import { uploadStream } from './multipart-writer.js';
import type { RestoreFileItem } from './types.js';

/** Default largest entry extracted in memory: 64 MiB. */
export const DEFAULT_BUFFERED_MAX_BYTES = 64 * 1024 * 1024;
/** S3 object keys are at most 1,024 UTF-8 bytes (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html). */
export const S3_MAX_KEY_BYTES = 1024;

/**
 * The bundle cannot be read yet: GetObject on an archived object without a restored copy answers
 * 403 InvalidObjectState (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html).
 */
export class BundleNotReadableError extends ColdpackError {
  /** @param bundleKey the bundle; @param cause the SDK error */
  constructor(bundleKey: string, cause: unknown) {
    super('BUNDLE_NOT_READABLE', `bundle ${bundleKey} is not readable (no restored copy)`, { cause });
  }
}

/** Options of {@link Extractor}. */
export interface ExtractorOptions {
  /** Bucket receiving restored files. */
  readonly restoreBucket: string;
  /** Entries whose size and range are at most this many bytes are extracted in memory. Default 64 MiB. */
  readonly bufferedMaxBytes?: number;
  /** Multipart part size in bytes for larger entries (≥ 5 MiB). Default 8 MiB. */
  readonly partSize?: number;
}

/** What an extraction wrote. */
export interface Extracted {
  /** Key in the restore bucket. */
  readonly restoreKey: string;
  /** Bytes written (the file's size). */
  readonly bytes: number;
  /** Whether it was streamed (multipart). */
  readonly streamed: boolean;
}

/**
 * Key of a restored copy: `restores/<restore_id>/<original key>`. When that would exceed S3's
 * 1,024-byte key limit (source keys near the limit), `restores/<restore_id>/_long-keys/<sha256 of key>`;
 * the status and the notification give the mapping.
 */
export function restoreKeyFor(restoreId: string, key: string): string {
  const plain = `restores/${restoreId}/${key}`;
  if (utf8Length(plain) <= S3_MAX_KEY_BYTES) return plain;
  return `restores/${restoreId}/_long-keys/${createHash('sha256').update(key, 'utf8').digest('hex')}`;
}

function expected(file: RestoreFileItem): ExpectedEntry {
  return { key: file.key, size: file.size!, compressed_size: file.compressed_size!, crc32: file.crc32!, sha256: file.sha256! };
}

/** Extracts files from bundles into the restore bucket. */
export class Extractor {
  /** @param s3 S3 client; @param options restore bucket and size thresholds */
  constructor(
    private readonly s3: S3Client,
    private readonly options: ExtractorOptions,
  ) {}

  /**
   * @throws BundleNotReadableError on 403 InvalidObjectState
   * @throws IntegrityError when the bytes do not match the index (nothing written)
   */
  async extract(restoreId: string, file: RestoreFileItem): Promise<Extracted> {
    const offset = file.offset!;
    const length = file.length!;
    let res;
    try {
      res = await this.s3.send(new GetObjectCommand({ Bucket: file.archive_bucket!, Key: file.bundle_key!, Range: `bytes=${offset}-${offset + length - 1}` }));
    } catch (err) {
      if (awsErrorName(err) === 'InvalidObjectState') throw new BundleNotReadableError(file.bundle_key!, err);
      throw err;
    }
    if (res.ContentLength !== undefined && res.ContentLength !== length) {
      await res.Body?.transformToByteArray().catch(() => undefined);
      throw new IntegrityError(`bundle ${file.bundle_key}: range of ${file.key} returned ${res.ContentLength} bytes, index says ${length}`);
    }
    const restoreKey = restoreKeyFor(restoreId, file.key);
    const metadata = { 'coldpack-restore-id': restoreId, 'coldpack-sha256': file.sha256!, ...(file.etag ? { 'coldpack-source-etag': file.etag } : {}) };
    const contentType = file.content_type;
    const threshold = this.options.bufferedMaxBytes ?? DEFAULT_BUFFERED_MAX_BYTES;
    if (Math.max(file.size!, length) <= threshold) {
      const data = extractEntry(Buffer.from(await res.Body!.transformToByteArray()), expected(file));
      await this.s3.send(
        new PutObjectCommand({
          Bucket: this.options.restoreBucket,
          Key: restoreKey,
          Body: data,
          ContentLength: data.length,
          ChecksumSHA256: Buffer.from(file.sha256!, 'hex').toString('base64'),
          Metadata: metadata,
          ...(contentType ? { ContentType: contentType } : {}),
        }),
      );
      return { restoreKey, bytes: data.length, streamed: false };
    }
    const chunks = await openEntryStream(res.Body as AsyncIterable<Uint8Array>, expected(file));
    const out = await uploadStream(this.s3, { bucket: this.options.restoreBucket, key: restoreKey, metadata, ...(contentType ? { contentType } : {}) }, chunks, this.options.partSize);
    return { restoreKey, bytes: out.bytes, streamed: true };
  }
}
