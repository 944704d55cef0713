/**
 * Finds archived files through the catalog. Compact catalog (default), keys of a named bucket: one
 * read of the bucket's directory (every job: {@link BundleDirectoryStore.holdingInBucket}) names
 * every bundle whose key range holds a key, then their manifests give the rows, newest generation
 * first. When the bucket's directory is too large for one read, or no bucket is named: the job
 * scopes (cached, see {@link ScopeCache}) name the jobs whose key range can hold a key, and the
 * directory names the bundle of each such job. Per-file index (`per_file` deployments): one Query
 * of the file index gives every generation of a key directly.
 *
 * Requests for one key in one bucket, common case: one directory Query and one manifest GET (two in
 * all, in a fresh process too; a restore reads only the newest generation's manifest). Large
 * directory: the scope Query (once per 60 s per process), one directory Query per job that can hold
 * the key, one manifest GET. Many keys: the same, or per job one walk of the directory over their
 * common prefix, and one GET per manifest that holds any of them.
 */
import { archivedFile, compareGenerations, type ArchivedFile, type BundleDirectoryEntry, type JobScope } from '../domain/catalog.js';
import { compareKeys, rangeMayHoldPrefix } from '../domain/keys.js';
import type { FileIndexItem } from '../domain/model.js';
import type { BundleDirectoryStore } from '../domain/ports/bundle-directory-store.js';
import type { FileIndexStore } from '../domain/ports/file-index-store.js';
import type { ObjectStore } from '../domain/ports/object-store.js';
import { manifestRows } from './manifest-rows.js';
import { groupBy } from './group-by.js';
import { mapLimit } from './map-limit.js';
import type { ScopeCache } from './scope-cache.js';

/** Which jobs a lookup may use. */
export interface LookupFilter {
  readonly project?: string;
  /** A job id or a generation time: only that job's files. */
  readonly generation?: string;
}

/** Options of {@link CatalogLookup}. */
export interface CatalogLookupOptions {
  /** Manifests read at once. Default 8. */
  readonly manifestConcurrency?: number;
  /** Up to this many keys are looked up one by one; more are grouped by bundle. Default 16. */
  readonly perKeyLimit?: number;
}

/** Whether a job (its scope or one of its directory entries) passes `filter`. */
export function scopeMatches(s: Pick<JobScope, 'project' | 'job_id' | 'generation'>, filter: LookupFilter): boolean {
  if (filter.project !== undefined && s.project !== filter.project) return false;
  if (filter.generation !== undefined && s.job_id !== filter.generation && s.generation !== filter.generation) return false;
  return true;
}

/** An index item as an archived file (the index keys dropped). */
function fromIndex(i: FileIndexItem): ArchivedFile {
  const { pk: _pk, sk: _sk, name_key: _n, ...file } = i;
  return file;
}

/** The longest common prefix of two strings (a prefix of both, cut at a whole character). */
function commonPrefix(a: string, b: string): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (i > 0 && /[\uD800-\uDBFF]/.test(a[i - 1]!)) i--;
  return a.slice(0, i);
}

/** Lookups by key, by keys and by prefix. See the module comment for their requests. */
export class CatalogLookup {
  /**
   * @param objects manifests; @param directory bundle directory; @param scopes cached job scopes
   * @param index per-file index, when the deployment has one (used for `per_file` jobs only)
   */
  constructor(
    private readonly objects: ObjectStore,
    private readonly directory: BundleDirectoryStore,
    readonly scopes: ScopeCache,
    private readonly index: FileIndexStore | undefined,
    private readonly options: CatalogLookupOptions = {},
  ) {}

  private get concurrency(): number {
    return this.options.manifestConcurrency ?? 8;
  }

  /** Scopes of `bucket` (every archived bucket when undefined) that pass `filter` and `holds`; `fresh` bypasses the cache. */
  async candidates(bucket: string | undefined, filter: LookupFilter, holds: (s: JobScope) => boolean, fresh = false): Promise<JobScope[]> {
    return (await this.scopes.get(bucket, fresh)).filter((s) => scopeMatches(s, filter) && holds(s));
  }

  /** Every generation of `key` (in `bucket`, or in every archived bucket), any order. */
  async byKey(bucket: string | undefined, key: string, filter: LookupFilter = {}): Promise<ArchivedFile[]> {
    return (await this.byKeys(bucket, [key], filter)).get(key) ?? [];
  }

  /**
   * Each of `keys` by key (keys not archived are absent): every generation, or with `newest` per
   * bucket only the newest generation found (jobs are read newest first and an older one is not read
   * for a key already found: the restore path). Keys not found in cached scopes are looked up once
   * more with fresh ones (a job planned since may hold them).
   */
  async byKeys(bucket: string | undefined, keys: readonly string[], filter: LookupFilter = {}, newest = false): Promise<Map<string, ArchivedFile[]>> {
    const few = keys.length <= (this.options.perKeyLimit ?? 16);
    if (bucket !== undefined && !(few && this.index)) {
      const direct = await this.fromBucketDirectory(bucket, keys, filter, newest);
      if (direct) return direct;
    }
    const wasCached = this.scopes.cached(bucket);
    const out = await this.lookupKeys(bucket, keys, filter, newest, false);
    const missing = keys.filter((k) => !out.has(k));
    if (wasCached && missing.length > 0) for (const [k, v] of await this.lookupKeys(bucket, missing, filter, newest, true)) out.set(k, v);
    return out;
  }

  private async lookupKeys(
    bucket: string | undefined,
    keys: readonly string[],
    filter: LookupFilter,
    newest: boolean,
    fresh: boolean,
  ): Promise<Map<string, ArchivedFile[]>> {
    const out = new Map<string, ArchivedFile[]>();
    const found = new Set<string>();
    const add = (f: ArchivedFile): void => {
      const list = out.get(f.key) ?? [];
      list.push(f);
      out.set(f.key, list);
      found.add(`${f.bucket}/${f.key}`);
    };
    const sorted = [...new Set(keys)].sort(compareKeys);
    if (sorted.length === 0) return out;
    const scopes = await this.candidates(bucket, filter, (s) => compareKeys(s.min_key, sorted.at(-1)!) <= 0 && compareKeys(sorted[0]!, s.max_key) <= 0, fresh);
    const few = sorted.length <= (this.options.perKeyLimit ?? 16);
    const byBucket = groupBy(
      [...scopes].sort((a, b) => -compareGenerations({ archived_at: a.generation, job_id: a.job_id }, { archived_at: b.generation, job_id: b.job_id })),
      (s) => s.bucket,
    );
    await mapLimit([...byBucket.values()], 4, async (bucketScopes) => {
      for (const scope of bucketScopes) {
        const todo = sorted.filter(
          (k) => compareKeys(scope.min_key, k) <= 0 && compareKeys(k, scope.max_key) <= 0 && !(newest && found.has(`${scope.bucket}/${k}`)),
        );
        if (todo.length === 0) continue;
        if (few && this.index && scope.catalog === 'per_file') await this.fromIndex(scope, todo, add);
        else await this.fromDirectory(scope, todo, few, add);
      }
    });
    return out;
  }

  /**
   * `keys` of `bucket` from one read of the bucket's directory, jobs newest first (with `newest`, a
   * key found in a newer job is not looked for in older ones); `undefined` when the directory does not
   * answer in one read.
   */
  private async fromBucketDirectory(
    bucket: string,
    keys: readonly string[],
    filter: LookupFilter,
    newest: boolean,
  ): Promise<Map<string, ArchivedFile[]> | undefined> {
    const unique = [...new Set(keys)];
    const entries = await this.directory.holdingInBucket(bucket, unique);
    if (entries === undefined) return undefined;
    const out = new Map<string, ArchivedFile[]>();
    const newestFirst = entries
      .filter((e) => scopeMatches(e, filter))
      .sort((a, b) => -compareGenerations({ archived_at: a.generation, job_id: a.job_id }, { archived_at: b.generation, job_id: b.job_id }));
    for (const jobEntries of groupBy(newestFirst, (e) => e.job_id).values()) {
      const found: ArchivedFile[] = [];
      await mapLimit(jobEntries, this.concurrency, async (entry) => {
        const wanted = new Set(unique.filter((k) => compareKeys(entry.min_key, k) <= 0 && compareKeys(k, entry.max_key) <= 0 && !(newest && out.has(k))));
        if (wanted.size === 0) return;
        for await (const row of manifestRows(this.objects, entry)) if (wanted.has(row.key)) found.push(archivedFile(entry, row));
      });
      for (const f of found) out.set(f.key, [...(out.get(f.key) ?? []), f]);
    }
    return out;
  }

  /** The rows of `keys` in the job of `scope`: its bundles that may hold them, then their manifests. */
  private async fromDirectory(scope: JobScope, keys: readonly string[], few: boolean, add: (f: ArchivedFile) => void): Promise<void> {
    const bundles = new Map<string, { entry: BundleDirectoryEntry; keys: Set<string> }>();
    const assign = (entry: BundleDirectoryEntry, k: string): void => {
      const b = bundles.get(entry.bundle_key) ?? { entry, keys: new Set<string>() };
      b.keys.add(k);
      bundles.set(entry.bundle_key, b);
    };
    if (few) {
      for (const k of keys) for (const entry of await this.directory.containing(scope, k)) assign(entry, k);
    } else {
      for await (const entry of this.directory.overlapping(scope, commonPrefix(keys[0]!, keys.at(-1)!))) {
        for (const k of keys) if (compareKeys(entry.min_key, k) <= 0 && compareKeys(k, entry.max_key) <= 0) assign(entry, k);
      }
    }
    await mapLimit([...bundles.values()], this.concurrency, async ({ entry, keys: wanted }) => {
      for await (const row of manifestRows(this.objects, entry)) if (wanted.has(row.key)) add(archivedFile(entry, row));
    });
  }

  /** The index items of `keys` in the (per_file) job of `scope`: one Query per key. */
  private async fromIndex(scope: JobScope, keys: readonly string[], add: (f: ArchivedFile) => void): Promise<void> {
    for (const k of keys) for (const item of await this.index!.generations(scope.bucket, k)) if (item.job_id === scope.job_id) add(fromIndex(item));
  }

  /** Every archived file under `prefix` (every generation), bundle by bundle, as the manifests stream (fresh scopes: a prefix restore runs once). */
  async *byPrefix(bucket: string | undefined, prefix: string, filter: LookupFilter = {}): AsyncGenerator<ArchivedFile> {
    for (const scope of await this.candidates(bucket, filter, (s) => rangeMayHoldPrefix(prefix, s.min_key, s.max_key), true)) {
      for await (const entry of this.directory.overlapping(scope, prefix)) {
        for await (const row of manifestRows(this.objects, entry)) if (row.key.startsWith(prefix)) yield archivedFile(entry, row);
      }
    }
  }
}
