import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import type { SourceObject } from '../domain/model.js';
import { awsErrorName, awsHttpStatus } from '../domain/errors.js';
import { stripEtag } from './sources/list-objects.js';

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
 * Each GET carries `IfMatch` = the listed ETag, so the bytes archived are the bytes listed
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html). 404 -> GONE, 412 -> CHANGED,
 * 403 AccessDenied -> ACCESS_DENIED (SSE-KMS noted when HeadObject can tell), 403 InvalidObjectState
 * -> ARCHIVED_CLASS. Other errors (after the SDK's retries) are thrown.
 */
export async function* fetchInOrder(s3: S3Client, objects: AsyncIterable<SourceObject> | Iterable<SourceObject>, options: FetchOptions = {}): AsyncGenerator<Fetched> {
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
        slot.promise = fetchBuffered(s3, obj).finally(() => {
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
      yield await openStream(s3, slot.obj);
    }
  }
}

async function get(s3: S3Client, obj: SourceObject) {
  return s3.send(new GetObjectCommand({ Bucket: obj.bucket, Key: obj.key, ...(obj.etag ? { IfMatch: `"${obj.etag}"` } : {}) }));
}

function metaOf(obj: SourceObject, res: Awaited<ReturnType<typeof get>>): FetchedMeta {
  return {
    etag: stripEtag(res.ETag) ?? obj.etag ?? '',
    ...(res.VersionId && res.VersionId !== 'null' ? { versionId: res.VersionId } : {}),
    ...(res.ContentType ? { contentType: res.ContentType } : {}),
    lastModified: (res.LastModified ?? new Date(obj.last_modified ?? 0)).toISOString(),
    size: res.ContentLength ?? obj.size,
  };
}

async function fetchBuffered(s3: S3Client, obj: SourceObject): Promise<Fetched> {
  try {
    const res = await get(s3, obj);
    const data = Buffer.from(await res.Body!.transformToByteArray());
    const meta = metaOf(obj, res);
    if (data.length !== meta.size) return { kind: 'skipped', obj, reason: 'SIZE_CHANGED', detail: `read ${data.length} bytes, expected ${meta.size}` };
    return { kind: 'buffer', obj, meta, data };
  } catch (err) {
    return classify(s3, obj, err);
  }
}

async function openStream(s3: S3Client, obj: SourceObject): Promise<Fetched> {
  try {
    const res = await get(s3, obj);
    return { kind: 'stream', obj, meta: metaOf(obj, res), body: res.Body as Readable };
  } catch (err) {
    return classify(s3, obj, err);
  }
}

async function classify(s3: S3Client, obj: SourceObject, err: unknown): Promise<Fetched> {
  const name = awsErrorName(err);
  const status = awsHttpStatus(err);
  if (name === 'NoSuchKey' || status === 404) return { kind: 'skipped', obj, reason: 'GONE', detail: 'object was deleted after listing' };
  if (name === 'PreconditionFailed' || status === 412) return { kind: 'skipped', obj, reason: 'CHANGED', detail: 'object changed after listing (ETag differs)' };
  if (name === 'InvalidObjectState') return { kind: 'skipped', obj, reason: 'ARCHIVED_CLASS', detail: 'object is in an archive storage class and cannot be read' };
  if (name === 'AccessDenied' || status === 403) {
    let detail = 'access denied on GetObject';
    try {
      const head = await s3.send(new HeadObjectCommand({ Bucket: obj.bucket, Key: obj.key }));
      if (head.ServerSideEncryption === 'aws:kms' || head.ServerSideEncryption === 'aws:kms:dsse') {
        detail = `access denied on GetObject; object is SSE-KMS (key ${head.SSEKMSKeyId ?? 'unknown'}): the role likely lacks kms:Decrypt`;
      }
    } catch {
      // HeadObject not allowed either: keep the generic detail
    }
    return { kind: 'skipped', obj, reason: 'ACCESS_DENIED', detail };
  }
  throw err;
}
