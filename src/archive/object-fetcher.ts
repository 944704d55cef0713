import type { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import type { SourceObject } from '../domain/model.js';
import { attributesOf, type ArchivedAttributes } from '../domain/object-attributes.js';
import type { GotObject, ObjectStore } from '../domain/ports/object-store.js';
import { classifyReadFailure, isTransientRead, type SkipReason, type SourceKind } from './read-failures.js';

export type { SkipReason } from './read-failures.js';

/** Metadata of the object version actually read. */
export interface FetchedMeta {
  readonly etag: string;
  readonly versionId?: string;
  readonly lastModified: string;
  readonly size: number;
  /** Content headers, user metadata and (when asked for) tags, as read. */
  readonly attributes: ArchivedAttributes;
  /** The object's CRC-32 (base64) when S3 keeps a full-object one (asked for on streamed GETs only). */
  readonly fullObjectCrc32?: string;
}

/** One object, in listing order: its bytes in memory, an open stream (large objects), or a skip. */
export type Fetched =
  | { readonly kind: 'buffer'; readonly obj: SourceObject; readonly meta: FetchedMeta; readonly data: Buffer }
  | { readonly kind: 'stream'; readonly obj: SourceObject; readonly meta: FetchedMeta; readonly body: Readable }
  | { readonly kind: 'skipped'; readonly obj: SourceObject; readonly reason: SkipReason; readonly detail: string };

/** Options of {@link fetchInOrder}. */
export interface FetchOptions {
  /** Concurrent GETs. Default 64. */
  readonly concurrency?: number;
  /** Max bytes held by prefetched objects. Default 128 MiB. */
  readonly maxBufferedBytes?: number;
  /** Objects at least this large (bytes) are streamed, not buffered. Default 8 MiB. */
  readonly streamThreshold?: number;
  /** Read each object's tags too (one GetObjectTagging per object). Default false. */
  readonly tags?: boolean;
  /** Where the objects' rows came from (the job's source kind): a 404 of a CSV manifest row is NOT_FOUND, else GONE. Default `list`. */
  readonly source?: SourceKind;
  /**
   * Attempts of one object's read when it fails transiently after the store's own retries
   * (throttling, an outage, a body cut off mid-way). Default 3.
   */
  readonly attempts?: number;
  /** First backoff between attempts in ms (doubled each time, full jitter). Default 500. */
  readonly backoffMs?: number;
}

type Slot = { obj: SourceObject; promise?: Promise<Fetched> };

/**
 * GET objects with bounded concurrency and yield them in the input order. Small objects are
 * prefetched into memory (at most `concurrency` requests and `maxBufferedBytes` bytes at once);
 * large ones are opened only when their turn comes and yielded as a stream that the consumer must
 * drain before asking for the next item. Memory is bounded regardless of how many objects flow.
 *
 * Each GET carries `If-Match` = the listed ETag, so the bytes archived are the bytes listed
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html); an object whose size is not
 * the listed size (a CSV manifest row that is wrong) is skipped `SIZE_CHANGED`. A GET refused for
 * good is a skip with its own reason ({@link classifyReadFailure}); a transient failure is tried
 * `attempts` times, then thrown (the job fails and can be resumed); a failure that concerns every
 * object (missing bucket, refused credentials, wrong region) is thrown at once.
 */
export async function* fetchInOrder(
  store: ObjectStore,
  objects: AsyncIterable<SourceObject> | Iterable<SourceObject>,
  options: FetchOptions = {},
): AsyncGenerator<Fetched> {
  const concurrency = options.concurrency ?? 64;
  const maxBuffered = options.maxBufferedBytes ?? 128 * 1024 * 1024;
  const streamThreshold = options.streamThreshold ?? 8 * 1024 * 1024;
  const window: Slot[] = [];
  let buffered = 0;
  let active = 0;
  const it = (Symbol.asyncIterator in objects ? objects[Symbol.asyncIterator]() : (objects as Iterable<SourceObject>)[Symbol.iterator]()) as
    AsyncIterator<SourceObject> | Iterator<SourceObject>;
  let exhausted = false;

  const fill = async (): Promise<void> => {
    while (!exhausted && active < concurrency && window.length < 2 * concurrency && buffered < maxBuffered) {
      const next = await it.next();
      if (next.done) {
        exhausted = true;
        break;
      }
      const obj = next.value;
      const slot: Slot = { obj };
      if (obj.size < streamThreshold) {
        active++;
        buffered += obj.size;
        slot.promise = withRetries(store, obj, options, () => fetchBuffered(store, obj, options)).finally(() => {
          active--;
        });
        slot.promise.catch(() => undefined); // handled when the slot is consumed
      }
      window.push(slot);
    }
  };

  for (;;) {
    await fill();
    const slot = window.shift();
    if (!slot) return;
    if (slot.promise) {
      const item = await slot.promise;
      buffered -= slot.obj.size;
      yield item;
    } else {
      yield await withRetries(store, slot.obj, options, () => openStream(store, slot.obj, options));
    }
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Run one object's read; a transient failure is retried with backoff, a permanent one becomes a skip. */
async function withRetries(store: ObjectStore, obj: SourceObject, options: FetchOptions, read: () => Promise<Fetched>): Promise<Fetched> {
  const attempts = Math.max(1, options.attempts ?? 3);
  for (let attempt = 1; ; attempt++) {
    try {
      return await read();
    } catch (err) {
      if (isTransientRead(err) && attempt < attempts) {
        await sleep(Math.random() * (options.backoffMs ?? 500) * 2 ** (attempt - 1));
        continue;
      }
      const skip = await classifyReadFailure(store, obj, err, options.source);
      if (skip) return { kind: 'skipped', obj, ...skip };
      throw err;
    }
  }
}

async function get(objects: ObjectStore, obj: SourceObject, checksum: boolean): Promise<GotObject> {
  return objects.getObject({ bucket: obj.bucket, key: obj.key, ...(obj.etag ? { ifMatch: obj.etag } : {}), ...(checksum ? { checksum: true } : {}) });
}

async function metaOf(objects: ObjectStore, obj: SourceObject, got: GotObject, options: FetchOptions): Promise<FetchedMeta> {
  const tags = options.tags
    ? await objects.getObjectTagging({ bucket: obj.bucket, key: obj.key, ...(got.versionId ? { versionId: got.versionId } : {}) })
    : undefined;
  return {
    etag: got.etag || obj.etag || '',
    ...(got.versionId ? { versionId: got.versionId } : {}),
    lastModified: got.lastModified ?? new Date(obj.last_modified ?? 0).toISOString(),
    size: got.size,
    attributes: attributesOf(got.headers, got.metadata, tags),
    ...(got.checksumCrc32 && got.checksumType === 'FULL_OBJECT' ? { fullObjectCrc32: got.checksumCrc32 } : {}),
  };
}

function sizeSkip(obj: SourceObject, size: number): Fetched | undefined {
  if (size === obj.size) return undefined;
  return { kind: 'skipped', obj, reason: 'SIZE_CHANGED', detail: `the source listed ${obj.size} bytes, the object has ${size}` };
}

async function fetchBuffered(objects: ObjectStore, obj: SourceObject, options: FetchOptions): Promise<Fetched> {
  const got = await get(objects, obj, false);
  const wrongSize = sizeSkip(obj, got.size);
  if (wrongSize) {
    got.body.destroy();
    return wrongSize;
  }
  const data = await buffer(got.body);
  if (data.length !== got.size) return { kind: 'skipped', obj, reason: 'SIZE_CHANGED', detail: `read ${data.length} bytes, expected ${got.size}` };
  return { kind: 'buffer', obj, meta: await metaOf(objects, obj, got, options), data };
}

async function openStream(objects: ObjectStore, obj: SourceObject, options: FetchOptions): Promise<Fetched> {
  const got = await get(objects, obj, true);
  const wrongSize = sizeSkip(obj, got.size);
  if (wrongSize) {
    got.body.destroy();
    return wrongSize;
  }
  try {
    return { kind: 'stream', obj, meta: await metaOf(objects, obj, got, options), body: got.body };
  } catch (err) {
    got.body.destroy();
    throw err;
  }
}
