/**
 * Repeated rows of a CSV manifest or an S3 Inventory report, dropped at plan time in bounded
 * memory. Such sources may list the same object twice, in any order; archiving it twice would put
 * two entries in a zip and two writes of one key into one DynamoDB BatchWriteItem, which DynamoDB
 * refuses ("Provided list of item keys contains duplicates"). The rows are sorted by (bucket, key),
 * keys in UTF-8 byte order like a listing (so the job's catalog scope is sorted), with an external
 * merge sort: runs of at most `runMaxRows` rows / `runMaxBytes` bytes are sorted in
 * memory and, when the source holds more than one run, written as gzip CSV objects under
 * `plans/<project>/<job>/sort/`, then merged (at most `fanIn` runs at a time, in passes) while
 * adjacent equal rows are dropped and counted. Of repeated rows the first one in source order is
 * kept (its size and ETag are the ones checked at GET). A ListObjectsV2 listing is already sorted
 * and unique and is not sorted again (only an adjacent repeat would be dropped).
 * Memory: one run plus one buffered row per merged run.
 */
import type { SourceObject } from '../domain/model.js';
import { compareKeys, pad } from '../domain/keys.js';
import type { ObjectStore } from '../domain/ports/object-store.js';
import { readShardPlan, ShardPlanWriter } from './shard-plan.js';

/** Options of {@link uniqueRows}. */
export interface UniqueRowsOptions {
  /** Rows per in-memory run. Default 200,000. */
  readonly runMaxRows?: number;
  /** Estimated bytes per in-memory run (2 bytes a key character + 200 a row). Default 64 MiB. */
  readonly runMaxBytes?: number;
  /** Runs merged at once (open GETs). Default 16. */
  readonly fanIn?: number;
}

/** What {@link uniqueRows} dropped. */
export interface DuplicateCount {
  /** Rows dropped because an earlier row named the same bucket and key. */
  count: number;
  /** Bytes those rows announced. */
  bytes: number;
  /** The first 100 repeated keys (`bucket/key`), each once. */
  readonly sample: string[];
}

/** Where sort runs are written: the archive bucket and a key prefix ending in `/`. */
export interface RunLocation {
  readonly objects: ObjectStore;
  readonly bucket: string;
  readonly prefix: string;
}

interface Row {
  readonly o: SourceObject;
  /** Sort key: bucket, NUL, key (bucket names cannot hold NUL). */
  readonly k: string;
}

const rowOf = (o: SourceObject): Row => ({ o, k: `${o.bucket}\u0000${o.key}` });

const byKey = (a: Row, b: Row): number => compareKeys(a.k, b.k);

/**
 * The source's rows sorted by (bucket, key), each object once; `dropped` counts the others as they go.
 * @param rows the source rows, in source order
 * @param runs where to spill runs when the source is larger than one run
 */
export async function* uniqueRows(
  rows: AsyncIterable<SourceObject>,
  runs: RunLocation,
  dropped: DuplicateCount,
  options: UniqueRowsOptions = {},
): AsyncGenerator<SourceObject> {
  yield* dropRepeats(sortedRows(rows, runs, options), dropped);
}

/**
 * The rows sorted by (bucket, key) in UTF-8 byte order, repeats kept (equal keys in source order),
 * with the same bounded external merge sort as {@link uniqueRows}: nothing is written when the rows
 * fit one run. Runs are gzip CSV objects under `runs.prefix` (columns of a shard plan).
 * @param rows the rows, in any order
 * @param runs where to spill runs when there is more than one run
 */
export async function* sortedRows(rows: AsyncIterable<SourceObject>, runs: RunLocation, options: UniqueRowsOptions = {}): AsyncGenerator<SourceObject> {
  const maxRows = options.runMaxRows ?? 200_000;
  const maxBytes = options.runMaxBytes ?? 64 * 1024 * 1024;
  const fanIn = Math.max(2, options.fanIn ?? 16);
  let chunk: Row[] = [];
  let chunkBytes = 0;
  const written: string[] = [];
  let seq = 0;
  const spill = async (sorted: AsyncIterable<SourceObject> | Iterable<SourceObject>): Promise<string> => {
    const key = `${runs.prefix}${pad(seq++, 6)}.csv.gz`;
    const writer = new ShardPlanWriter(runs.objects, runs.bucket, key);
    for await (const o of sorted) await writer.add(o);
    await writer.close();
    return key;
  };
  for await (const o of rows) {
    chunk.push(rowOf(o));
    chunkBytes += 200 + 2 * (o.key.length + o.bucket.length);
    if (chunk.length >= maxRows || chunkBytes >= maxBytes) {
      written.push(await spill(inOrder(chunk)));
      chunk = [];
      chunkBytes = 0;
    }
  }
  if (written.length === 0) {
    yield* inOrder(chunk);
    return;
  }
  if (chunk.length > 0) written.push(await spill(inOrder(chunk)));
  chunk.length = 0; // free the last run before merging
  let level = written;
  while (level.length > fanIn) {
    const next: string[] = [];
    for (let i = 0; i < level.length; i += fanIn) next.push(await spill(merge(runs, level.slice(i, i + fanIn))));
    level = next;
  }
  yield* merge(runs, level);
}

/** Sort one run: by key, ties in source order (Array.prototype.sort is stable). */
function* inOrder(chunk: Row[]): Generator<SourceObject> {
  chunk.sort(byKey);
  for (const r of chunk) yield r.o;
}

/** K-way merge of sorted runs; equal keys come out in run order (earlier source rows first). */
async function* merge(runs: RunLocation, keys: readonly string[]): AsyncGenerator<SourceObject> {
  const its = keys.map((k) => readShardPlan(runs.objects, runs.bucket, k));
  const heads: Array<Row | undefined> = [];
  try {
    for (const it of its) {
      const n = await it.next();
      heads.push(n.done ? undefined : rowOf(n.value));
    }
    for (;;) {
      let best = -1;
      for (let i = 0; i < heads.length; i++) {
        const h = heads[i];
        if (h && (best < 0 || byKey(h, heads[best]!) < 0)) best = i;
      }
      if (best < 0) return;
      yield heads[best]!.o;
      const n = await its[best]!.next();
      heads[best] = n.done ? undefined : rowOf(n.value);
    }
  } finally {
    await Promise.all(its.map((it) => it.return(undefined)));
  }
}

/** Drop a row naming the same bucket and key as the row before it (the input is sorted). */
export async function* dropRepeats(sorted: AsyncIterable<SourceObject> | Iterable<SourceObject>, dropped: DuplicateCount): AsyncGenerator<SourceObject> {
  let last: SourceObject | undefined;
  for await (const o of sorted) {
    if (last && last.bucket === o.bucket && last.key === o.key) {
      dropped.count++;
      dropped.bytes += o.size;
      const name = `${o.bucket}/${o.key}`;
      if (dropped.sample.length < 100 && dropped.sample[dropped.sample.length - 1] !== name) dropped.sample.push(name);
      continue;
    }
    last = o;
    yield o;
  }
}
