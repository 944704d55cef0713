/**
 * The manifest rows (key, ETag) of one job's committed bundles in one source bucket, read in
 * ascending key order as a listing advances: what an archive run compares its sorted listing with
 * to find objects already archived (see `already-archived.ts`). Two kinds of job scope:
 * - sorted (every job since sources are sorted at plan time): its bundles are disjoint and
 *   ordered and each manifest is sorted, so a bundle's manifest is read (one GET, kept gzip-compressed
 *   in memory and parsed as the listing advances) only when the listing reaches its [min, max] key;
 * - unsorted (older jobs of a CSV or Inventory source in any order): the rows of its bundles that
 *   overlap the listing are sorted once with the bounded external sort of the planner
 *   ({@link sortedRows}: in memory up to one run, spilled to S3 beyond).
 * Memory: one compressed manifest per sorted scope, or one sort run per unsorted scope.
 */
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { directorySortKey, type BundleDirectoryEntry, type JobScope } from '../domain/catalog.js';
import { IntegrityError } from '../domain/errors.js';
import { MANIFEST_ENTRY_NAME, compareKeys } from '../domain/keys.js';
import type { BundleDirectoryStore } from '../domain/ports/bundle-directory-store.js';
import type { Logger } from '../domain/ports/logger.js';
import { isObjectStoreFailure, type ObjectStore } from '../domain/ports/object-store.js';
import { readManifest } from '../bundle/manifest.js';
import { sortedRows, type RunLocation, type UniqueRowsOptions } from './unique-source.js';

/** What {@link ScopeRows} needs: the stores, where to log a missing manifest, counters it adds to. */
export interface ScopeRowsDeps {
  readonly objects: ObjectStore;
  readonly directory: BundleDirectoryStore;
  readonly logger: Logger;
  /** Manifests read (GETs), added to as they are made. */
  readonly stats: { manifestsRead: number };
}

/** A committed row as compared: key and ETag (quotes stripped). */
interface Row {
  readonly key: string;
  readonly etag: string;
}

/** Rows in ascending key order with one row of look-ahead, consumed as keys are asked for. */
class RowCursor {
  private head: Row | undefined;
  private started = false;

  /** @param rows rows in ascending key order; @param where names the rows in an error */
  constructor(
    private readonly rows: AsyncIterator<Row>,
    private readonly where: string,
  ) {}

  private async advance(): Promise<void> {
    const n = await this.rows.next();
    const next = n.done ? undefined : n.value;
    if (next && this.head && compareKeys(next.key, this.head.key) < 0)
      throw new IntegrityError(`${this.where}: rows are not in key order (${next.key} after ${this.head.key}); run coldpack reindex`);
    this.head = next;
  }

  /** Whether a row holds `key` with `etag`; rows up to `key` are consumed (keys are asked in ascending order). */
  async matches(key: string, etag: string): Promise<boolean> {
    if (!this.started) {
      this.started = true;
      await this.advance();
    }
    while (this.head && compareKeys(this.head.key, key) < 0) await this.advance();
    let hit = false;
    while (this.head && this.head.key === key) {
      if (this.head.etag === etag) hit = true;
      await this.advance();
    }
    return hit;
  }

  async close(): Promise<void> {
    await this.rows.return?.(undefined);
  }
}

/** The (key, ETag) rows of a manifest; a missing manifest is logged and reads as empty (its keys are archived again). */
async function* manifestRows(deps: ScopeRowsDeps, entry: BundleDirectoryEntry, whole: boolean): AsyncGenerator<Row & { size: number }> {
  let got;
  try {
    got = await deps.objects.getObject({ bucket: entry.archive_bucket, key: entry.manifest_key });
  } catch (err) {
    if (!isObjectStoreFailure(err, 'NOT_FOUND')) throw err;
    deps.logger.warn(
      { err, bundle_key: entry.bundle_key, manifest_key: entry.manifest_key },
      'the manifest of a committed bundle is missing: its keys are not known to be archived and are archived again (coldpack reindex rebuilds it)',
    );
    return;
  } finally {
    deps.stats.manifestsRead++;
  }
  // A sorted scope's manifest is kept compressed in memory: parsed as the listing advances, never
  // holding a connection idle while the listing is read.
  const body = whole ? Readable.from([await buffer(got.body)]) : got.body;
  try {
    for await (const r of readManifest(body)) if (r.key !== MANIFEST_ENTRY_NAME) yield { key: r.key, etag: r.etag, size: r.size };
  } finally {
    body.destroy();
    got.body.destroy();
  }
}

/** Whether two keys share their directory sort key ({@link directorySortKey}): their entries may come in any order. */
function sameSortKey(a: string, b: string): boolean {
  return directorySortKey(a) === directorySortKey(b);
}

/** The committed rows of one job scope, asked key by key in ascending order. */
export interface ScopeRows {
  readonly scope: JobScope;
  /** Whether a committed bundle of the scope's job holds `key` with `etag`. */
  matches(key: string, etag: string): Promise<boolean>;
  /** Release open manifests. */
  close(): Promise<void>;
}

/**
 * A sorted scope: its directory walked in ascending max key order from the first key asked; each
 * bundle's manifest read when a key falls in its [min, max].
 */
class SortedScopeRows implements ScopeRows {
  private readonly entries: AsyncIterator<BundleDirectoryEntry>;
  /** Entries whose max key is ≥ the last key asked, in directory order, with their rows once opened. */
  private readonly open: Array<{ entry: BundleDirectoryEntry; rows?: RowCursor }> = [];
  private last: BundleDirectoryEntry | undefined;
  private done = false;

  constructor(
    readonly scope: JobScope,
    prefix: string,
    private readonly deps: ScopeRowsDeps,
  ) {
    this.entries = deps.directory.overlapping(scope, prefix)[Symbol.asyncIterator]();
  }

  async matches(key: string, etag: string): Promise<boolean> {
    // Entries come by max key cut to the sort key's length: read past every one that may still hold `key`.
    while (!this.done && (!this.last || compareKeys(this.last.max_key, key) < 0 || sameSortKey(this.last.max_key, key))) {
      const n = await this.entries.next();
      if (n.done) this.done = true;
      else this.open.push({ entry: (this.last = n.value) });
    }
    for (let i = this.open.length - 1; i >= 0; i--) {
      if (compareKeys(this.open[i]!.entry.max_key, key) >= 0) continue;
      await this.open[i]!.rows?.close();
      this.open.splice(i, 1);
    }
    const holder = this.open.find((o) => compareKeys(o.entry.min_key, key) <= 0);
    if (!holder) return false;
    holder.rows ??= new RowCursor(manifestRows(this.deps, holder.entry, true), `manifest s3://${holder.entry.archive_bucket}/${holder.entry.manifest_key}`);
    return holder.rows.matches(key, etag);
  }

  async close(): Promise<void> {
    for (const o of this.open) await o.rows?.close();
    this.open.length = 0;
    await this.entries.return?.(undefined);
  }
}

/** An unsorted scope: the rows of its bundles that can hold a listed key, sorted once (bounded external sort). */
class UnsortedScopeRows implements ScopeRows {
  private rows: RowCursor | undefined;

  constructor(
    readonly scope: JobScope,
    private readonly prefix: string,
    private readonly runs: RunLocation,
    private readonly sort: UniqueRowsOptions,
    private readonly deps: ScopeRowsDeps,
  ) {}

  private async *candidates(from: string): AsyncGenerator<{ bucket: string; key: string; size: number; etag: string }> {
    for await (const entry of this.deps.directory.overlapping(this.scope, this.prefix)) {
      if (compareKeys(entry.max_key, from) < 0) continue;
      for await (const r of manifestRows(this.deps, entry, false))
        if (r.key.startsWith(this.prefix) && compareKeys(r.key, from) >= 0) yield { bucket: this.scope.bucket, ...r };
    }
  }

  async matches(key: string, etag: string): Promise<boolean> {
    if (!this.rows) {
      const sorted = sortedRows(this.candidates(key), this.runs, this.sort);
      this.rows = new RowCursor(
        (async function* () {
          for await (const o of sorted) yield { key: o.key, etag: o.etag ?? '' };
        })(),
        `job ${this.scope.job_id}`,
      );
    }
    return this.rows.matches(key, etag);
  }

  async close(): Promise<void> {
    await this.rows?.close();
  }
}

/**
 * The committed rows of `scope`, starting at the listing's key `from`.
 * @param prefix the longest prefix shared by every listed key still to come (directory walk and row filter)
 * @param runs where an unsorted scope's sort spills runs beyond one
 */
export function scopeRows(scope: JobScope, prefix: string, runs: RunLocation, sort: UniqueRowsOptions, deps: ScopeRowsDeps): ScopeRows {
  return scope.sorted ? new SortedScopeRows(scope, prefix, deps) : new UnsortedScopeRows(scope, prefix, runs, sort, deps);
}
