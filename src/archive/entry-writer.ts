/**
 * Writes one fetched object as a zip entry so that both central-directory readers and streaming
 * readers (Java's `ZipInputStream`, `bsdtar -tvf - < bundle`) read every bundle:
 * - an object in memory: method chosen by trying deflate; sizes and CRC-32 in the local header;
 * - a streamed object: method from its extension and its first MiB ({@link streamedMethod});
 *   deflated with a data descriptor, or stored with sizes and CRC-32 in the local header. A stored
 *   entry needs its CRC-32 before its bytes: S3's full-object CRC-32 when the GET reported one
 *   (asked with `x-amz-checksum-mode`, checked again as the bytes pass), else one extra read of the
 *   object (`If-Match` its ETag) computes it before the bytes are written. Nothing of the entry is
 *   written before that read, so an object that changes or vanishes in between is a skip.
 */
import { deflateRaw, crc32 } from 'node:zlib';
import { promisify } from 'node:util';
import type { Readable } from 'node:stream';
import type { ObjectStore } from '../domain/ports/object-store.js';
import { keepDeflated, preferredMethod, streamedMethod, STREAM_SAMPLE_BYTES } from '../bundle/compression-policy.js';
import type { WrittenEntry, ZipBundleWriter } from '../bundle/zip-bundle-writer.js';
import type { Fetched } from './object-fetcher.js';
import { classifyReadFailure, type SkipReason } from './read-failures.js';

const deflateRawAsync = promisify(deflateRaw);

/** What became of one object: an entry, or a skip found before any of its bytes were written. */
export type EntryOutcome = { readonly written: WrittenEntry } | { readonly skipped: { readonly reason: SkipReason; readonly detail: string } };

/** Read up to `n` bytes from the start of a stream; returns them and an iterable of the whole stream. */
async function peek(body: Readable, n: number): Promise<{ head: Buffer; all: AsyncIterable<Buffer> }> {
  const it = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const parts: Buffer[] = [];
  let got = 0;
  let done = false;
  while (got < n) {
    const next = await it.next();
    if (next.done) {
      done = true;
      break;
    }
    const chunk = Buffer.from(next.value);
    parts.push(chunk);
    got += chunk.length;
  }
  const head = Buffer.concat(parts);
  const all = (async function* () {
    if (head.length > 0) yield head;
    if (done) return;
    for (;;) {
      const next = await it.next();
      if (next.done) return;
      yield Buffer.from(next.value);
    }
  })();
  return { head, all };
}

/** CRC-32 (unsigned) of S3's base64 checksum. */
function crcOfBase64(b64: string): number {
  return Buffer.from(b64, 'base64').readUInt32BE(0);
}

/**
 * Write `item` into `zip`.
 * @throws IntegrityError when the bytes do not match their size or known CRC-32 (the bundle is unusable)
 */
export async function writeEntry(zip: ZipBundleWriter, store: ObjectStore, item: Exclude<Fetched, { kind: 'skipped' }>): Promise<EntryOutcome> {
  const input = { name: item.obj.key, modified: new Date(item.meta.lastModified) };
  if (item.kind === 'buffer') {
    if (preferredMethod(item.obj.key, item.meta.size) === 8) {
      const deflated = await deflateRawAsync(item.data);
      if (keepDeflated(item.data.length, deflated.length)) return { written: await zip.addPrepared(input, item.data, deflated, 8) };
    }
    return { written: await zip.addPrepared(input, item.data, item.data, 0) };
  }
  const { head, all } = await peek(item.body, STREAM_SAMPLE_BYTES);
  const sampleDeflated = preferredMethod(item.obj.key, item.meta.size) === 8 ? (await deflateRawAsync(head)).length : head.length;
  const method = streamedMethod(item.obj.key, item.meta.size, head.length, sampleDeflated);
  if (method === 8) return { written: await zip.addStream(input, all, 8, item.meta.size) };
  if (item.meta.fullObjectCrc32) return { written: await zip.addStream(input, all, 0, item.meta.size, crcOfBase64(item.meta.fullObjectCrc32)) };
  // No CRC-32 from S3: read the object once to compute it, then again to write it.
  let crc = 0;
  for await (const chunk of all) crc = crc32(chunk, crc);
  let again;
  try {
    again = await store.getObject({
      bucket: item.obj.bucket,
      key: item.obj.key,
      ifMatch: item.meta.etag,
      ...(item.meta.versionId ? { versionId: item.meta.versionId } : {}),
    });
  } catch (err) {
    const skip = await classifyReadFailure(store, item.obj, err);
    if (skip) return { skipped: skip };
    throw err;
  }
  return { written: await zip.addStream(input, again.body, 0, item.meta.size, crc >>> 0) };
}
