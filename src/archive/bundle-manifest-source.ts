/**
 * Where a bundle's manifest rows come from when the catalog is rebuilt: the manifest object beside
 * the bundle (one GET), or, when it is missing, the bundle's own last entry `.coldpack/manifest.csv`
 * found through the zip central directory with ranged GETs (the bundle must be readable: a
 * DEEP_ARCHIVE or GLACIER bundle needs a restored copy first). In that case the manifest object is
 * written back (STANDARD), so lookups find it again.
 */
import { Readable } from 'node:stream';
import { crc32, gzipSync, inflateRawSync } from 'node:zlib';
import { IntegrityError } from '../domain/errors.js';
import { MANIFEST_ENTRY_NAME } from '../domain/keys.js';
import { isObjectStoreFailure, type ObjectStore } from '../domain/ports/object-store.js';
import { readManifest, type ManifestEntry } from '../bundle/manifest.js';
import { readCentralDirectory } from '../bundle/zip-central-directory.js';
import { parseLocalHeader } from '../bundle/zip-entry-reader.js';

/** A bundle's manifest, opened. */
export interface OpenedManifest {
  /** Where the rows come from. */
  readonly source: 'manifest' | 'bundle';
  /** User metadata of the manifest object (or of the bundle, when read from it). */
  readonly metadata: Readonly<Record<string, string>>;
  readonly rows: AsyncIterable<ManifestEntry>;
}

/** Bytes read past the central directory's idea of an entry, for the local header's name and extra fields. */
const HEADER_SLACK = 4096;

/**
 * Open the manifest of bundle `bundleKey` (`size` bytes).
 * @throws ObjectStoreError INVALID_OBJECT_STATE when the manifest object is missing and the bundle has no readable copy
 * @throws IntegrityError when the bundle holds no manifest entry or it does not verify
 */
export async function openBundleManifest(objects: ObjectStore, bucket: string, bundleKey: string, manifestKey: string, size: number): Promise<OpenedManifest> {
  try {
    const got = await objects.getObject({ bucket, key: manifestKey });
    return { source: 'manifest', metadata: got.metadata, rows: readManifest(got.body) };
  } catch (err) {
    if (!isObjectStoreFailure(err, 'NOT_FOUND')) throw err;
  }
  const read = async (start: number, end: number): Promise<Buffer> => {
    const got = await objects.getObject({ bucket, key: bundleKey, range: { start, end } });
    const chunks: Buffer[] = [];
    for await (const c of got.body) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c as Uint8Array));
    return Buffer.concat(chunks);
  };
  const entry = (await readCentralDirectory(read, size)).find((e) => e.name === MANIFEST_ENTRY_NAME);
  if (!entry) throw new IntegrityError(`bundle ${bundleKey} holds no ${MANIFEST_ENTRY_NAME} entry`);
  const range = await read(entry.offset, Math.min(size - 1, entry.offset + 30 + HEADER_SLACK + entry.compressedSize));
  const header = parseLocalHeader(range);
  const payload = range.subarray(header.headerLength, header.headerLength + entry.compressedSize);
  const data = entry.method === 8 ? inflateRawSync(payload) : Buffer.from(payload);
  if (data.length !== entry.size || crc32(data) >>> 0 !== entry.crc32)
    throw new IntegrityError(`bundle ${bundleKey}: its ${MANIFEST_ENTRY_NAME} entry does not match its CRC-32 or size`);
  const head = await objects.headObject({ bucket, key: bundleKey });
  await objects.putObject({
    bucket,
    key: manifestKey,
    body: gzipSync(data),
    storageClass: 'STANDARD',
    metadata: head.metadata,
    headers: { contentType: 'text/csv', contentEncoding: 'gzip' },
  });
  return { source: 'bundle', metadata: head.metadata, rows: readManifest(Readable.from([data]), false) };
}
