import type { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import type { SourceObject } from '../domain/model.js';
import { ObjectStoreError, type GotObject, type ObjectStore } from '../domain/ports/object-store.js';

/** Why an object was not archived. */
export type SkipReason = 'GONE' | 'CHANGED' | 'ACCESS_DENIED' | 'ARCHIVED_CLASS' | 'SIZE_CHANGED';

/** Metadata of the object version actually read. */
export interface FetchedMeta {
  readonly etag: string;
  readonly versionId?: string;
  readonly contentType?: string;
  readonly lastModified: string;
  readonly size: number;
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
}

type Slot = { obj: SourceObject; promise?: Promise<Fetched> };

/**
 * GET objects with bounded concurrency and yield them in the input order. Small objects are
 * prefetched into memory (at most `concurrency` requests and `maxBufferedBytes` bytes at once);
 * large ones are opened only when their turn comes and yielded as a stream that the consumer must
 * drain before asking for the next item. Memory is bounded regardless of how many objects flow.
 *
 * Each GET carries `If-Match` = the listed ETag, so the bytes archived are the bytes listed
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html). Failures are classified by
 * {@link ObjectStoreError.failure}: NOT_FOUND -> GONE, PRECONDITION_FAILED -> CHANGED,
 * INVALID_OBJECT_STATE -> ARCHIVED_CLASS, ACCESS_DENIED -> ACCESS_DENIED (SSE-KMS noted when
 * HeadObject can tell). Any other error (throttling or an outage past the store's retries) is thrown.
 */
export async function* fetchInOrder(store: ObjectStore, objects: AsyncIterable<SourceObject> | Iterable<SourceObject>, options: FetchOptions = {}): AsyncGenerator<Fetched> {
  const concurrency = options.concurrency ?? 64;
  const maxBuffered = options.maxBufferedBytes ?? 128 * 1024 * 1024;
  const streamThreshold = options.streamThreshold ?? 8 * 1024 * 1024;
  const window: Slot[] = [];
  let buffered = 0;
  let active = 0;
  const it = (Symbol.asyncIterator in objects ? objects[Symbol.asyncIterator]() : (objects as Iterable<SourceObject>)[Symbol.iterator]()) as AsyncIterator<SourceObject> | Iterator<SourceObject>;
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
        slot.promise = fetchBuffered(store, obj).finally(() => {
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
      yield await openStream(store, slot.obj);
    }
  }
}

function get(objects: ObjectStore, obj: SourceObject): Promise<GotObject> {
  return objects.getObject({ bucket: obj.bucket, key: obj.key, ...(obj.etag ? { ifMatch: obj.etag } : {}) });
}

function metaOf(obj: SourceObject, got: GotObject): FetchedMeta {
  return {
    etag: got.etag || obj.etag || '',
    ...(got.versionId ? { versionId: got.versionId } : {}),
    ...(got.headers.contentType ? { contentType: got.headers.contentType } : {}),
    lastModified: got.lastModified ?? new Date(obj.last_modified ?? 0).toISOString(),
    size: got.size,
  };
}

async function fetchBuffered(objects: ObjectStore, obj: SourceObject): Promise<Fetched> {
  try {
    const got = await get(objects, obj);
    const data = await buffer(got.body);
    const meta = metaOf(obj, got);
    if (data.length !== meta.size) return { kind: 'skipped', obj, reason: 'SIZE_CHANGED', detail: `read ${data.length} bytes, expected ${meta.size}` };
    return { kind: 'buffer', obj, meta, data };
  } catch (err) {
    return classify(objects, obj, err);
  }
}

async function openStream(objects: ObjectStore, obj: SourceObject): Promise<Fetched> {
  try {
    const got = await get(objects, obj);
    return { kind: 'stream', obj, meta: metaOf(obj, got), body: got.body };
  } catch (err) {
    return classify(objects, obj, err);
  }
}

/** The skip for a per-object failure, or the error rethrown when it is not one. */
async function classify(objects: ObjectStore, obj: SourceObject, err: unknown): Promise<Fetched> {
  if (!(err instanceof ObjectStoreError)) throw err;
  switch (err.failure) {
    case 'NOT_FOUND':
      return { kind: 'skipped', obj, reason: 'GONE', detail: 'object was deleted after listing' };
    case 'PRECONDITION_FAILED':
      return { kind: 'skipped', obj, reason: 'CHANGED', detail: 'object changed after listing (ETag differs)' };
    case 'INVALID_OBJECT_STATE':
      return { kind: 'skipped', obj, reason: 'ARCHIVED_CLASS', detail: 'object is in an archive storage class and cannot be read' };
    case 'ACCESS_DENIED':
      return { kind: 'skipped', obj, reason: 'ACCESS_DENIED', detail: await deniedDetail(objects, obj) };
    default:
      throw err;
  }
}

/** Why a GET was denied, as far as HeadObject can tell (SSE-KMS objects need kms:Decrypt). */
async function deniedDetail(objects: ObjectStore, obj: SourceObject): Promise<string> {
  try {
    const head = await objects.headObject({ bucket: obj.bucket, key: obj.key });
    if (head.serverSideEncryption === 'aws:kms' || head.serverSideEncryption === 'aws:kms:dsse') {
      return `access denied on GetObject; object is SSE-KMS (key ${head.sseKmsKeyId ?? 'unknown'}): the role likely lacks kms:Decrypt`;
    }
    return 'access denied on GetObject';
  } catch (err) {
    const why = err instanceof ObjectStoreError ? err.failure : 'error';
    return `access denied on GetObject (HeadObject failed too: ${why})`;
  }
}
