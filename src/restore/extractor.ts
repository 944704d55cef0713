/**
 * Extract one archived file: one ranged GET of its entry (`bytes=offset-(offset+length-1)`, never
 * the whole bundle), verify it against the index, write it to the restore bucket.
 * Entries up to `bufferedMaxBytes` are held in memory and written with one PutObject (with an
 * `x-amz-checksum-sha256` S3 verifies); larger ones are streamed through
 * {@link ObjectStore.uploadStream}, whose source throws at its end when a check fails, so the
 * upload is aborted and nothing is written.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { ColdpackError, IntegrityError } from '../domain/errors.js';
import { utf8Length } from '../domain/keys.js';
import { headersFrom, restoredMetadata } from '../domain/object-attributes.js';
import { isObjectStoreFailure, type ObjectStore } from '../domain/ports/object-store.js';
import type { RestoreFileRecord } from '../domain/restore-records.js';
import { extractEntry, type ExpectedEntry } from '../bundle/zip-entry-reader.js';
import { openEntryStream } from '../bundle/entry-stream.js';

/** Default largest entry extracted in memory: 64 MiB. */
export const DEFAULT_BUFFERED_MAX_BYTES = 64 * 1024 * 1024;
/** S3 object keys are at most 1,024 UTF-8 bytes (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html). */
export const S3_MAX_KEY_BYTES = 1024;

/**
 * The bundle cannot be read yet: GetObject on an archived object without a restored copy answers
 * 403 InvalidObjectState (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html).
 */
export class BundleNotReadableError extends ColdpackError {
  /** @param bundleKey the bundle; @param cause the object store error */
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
}

/** What an extraction wrote. */
export interface Extracted {
  /** Key in the restore bucket. */
  readonly restoreKey: string;
  /** Bytes written (the file's size). */
  readonly bytes: number;
}

/**
 * Whether URL clients would rewrite or refuse a key as a path: empty, `.` or `..` segments (curl,
 * browsers and `fetch` normalize them away), a leading `/`, or characters that are not allowed in a
 * URL even when percent-encoded by some clients (control characters, `\`).
 */
function unsafeForUrls(key: string): boolean {
  if (key.startsWith('/')) return true;
  if (key.split('/').some((seg, i, all) => seg === '.' || seg === '..' || (seg === '' && i < all.length - 1))) return true;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c < 0x20 || c === 0x7f || c === 0x5c) return true; // control characters, DEL, backslash
  }
  return false;
}

/**
 * Key of a restored copy: `restores/<restore_id>/<source bucket>/<original key>`, so the same key
 * archived from two buckets gets two locations (issue 11 item 8). A key that S3's 1,024-byte limit
 * cannot hold there, or that URL clients would rewrite (see {@link unsafeForUrls}), goes to
 * `restores/<restore_id>/_keys/<sha256 of bucket/key>`; the status and the notification give the
 * mapping (the file's `key` and `bucket` next to its `location`).
 */
export function restoreKeyFor(restoreId: string, bucket: string, key: string): string {
  const plain = `restores/${restoreId}/${bucket}/${key}`;
  if (utf8Length(plain) <= S3_MAX_KEY_BYTES && !unsafeForUrls(key)) return plain;
  return `restores/${restoreId}/_keys/${createHash('sha256').update(`${bucket}/${key}`, 'utf8').digest('hex')}`;
}

function expected(file: RestoreFileRecord): ExpectedEntry {
  return { key: file.key, size: file.size!, compressed_size: file.compressed_size!, crc32: file.crc32!, sha256: file.sha256! };
}

async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks);
}

/** Extracts files from bundles into the restore bucket. */
export class Extractor {
  /** @param objects S3; @param options restore bucket and the in-memory threshold */
  constructor(
    private readonly objects: ObjectStore,
    private readonly options: ExtractorOptions,
  ) {}

  /**
   * @throws BundleNotReadableError when the bundle has no readable copy (INVALID_OBJECT_STATE)
   * @throws IntegrityError when the bytes do not match the index (nothing written)
   * @throws ObjectStoreError when a read or the write fails
   */
  async extract(restoreId: string, file: RestoreFileRecord): Promise<Extracted> {
    const offset = file.offset!;
    const length = file.length!;
    let got;
    try {
      got = await this.objects.getObject({ bucket: file.archive_bucket!, key: file.bundle_key!, range: { start: offset, end: offset + length - 1 } });
    } catch (err) {
      if (isObjectStoreFailure(err, 'INVALID_OBJECT_STATE')) throw new BundleNotReadableError(file.bundle_key!, err);
      throw err;
    }
    if (got.size !== length) {
      got.body.destroy();
      throw new IntegrityError(`bundle ${file.bundle_key}: range of ${file.key} returned ${got.size} bytes, index says ${length}`);
    }
    const restoreKey = restoreKeyFor(restoreId, file.bucket ?? '_', file.key);
    // The archived object's headers, user metadata and tags come back as they were; coldpack's own
    // metadata is added where S3's 2 KB metadata limit leaves room.
    const { metadata } = restoredMetadata(file, {
      'coldpack-restore-id': restoreId,
      'coldpack-sha256': file.sha256!,
      ...(file.etag ? { 'coldpack-source-etag': file.etag } : {}),
    });
    const target = {
      bucket: this.options.restoreBucket,
      key: restoreKey,
      metadata,
      headers: headersFrom(file),
      ...(file.tags && Object.keys(file.tags).length > 0 ? { tags: file.tags } : {}),
    };
    const threshold = this.options.bufferedMaxBytes ?? DEFAULT_BUFFERED_MAX_BYTES;
    if (Math.max(file.size!, length) <= threshold) {
      const data = extractEntry(await readAll(got.body), expected(file));
      await this.objects.putObject({ ...target, body: data, checksumSha256: Buffer.from(file.sha256!, 'hex').toString('base64') });
      return { restoreKey, bytes: data.length };
    }
    const chunks = await openEntryStream(got.body, expected(file));
    // A failed check ends the source with an error, which aborts the upload; the store reports it as
    // a failed upload, so the source's own error (IntegrityError) is the one rethrown.
    let sourceError: unknown;
    const source = async function* (): AsyncGenerator<Buffer> {
      try {
        yield* chunks;
      } catch (err) {
        sourceError = err;
        throw err;
      }
    };
    try {
      await this.objects.uploadStream({ ...target, body: Readable.from(source()) });
    } catch (err) {
      throw sourceError ?? err;
    }
    return { restoreKey, bytes: file.size! };
  }
}
