/**
 * Which listed objects a committed bundle already holds. A run that meets a key whose ETag is in a
 * COMMITTED bundle of another job of the same source bucket (a job that crashed or whose deletes
 * failed before removing its sources, or a schedule re-running a prefix) does not pack it again: it
 * only deletes it (with `delete_source`, If-Match on that ETag) and counts it `already_archived`.
 * A re-generated file (same key, new ETag) is a new generation and is archived.
 *
 * How (bounded memory, the compact catalog's own data, both catalog modes): the planner's stream is
 * sorted by (bucket, key) in UTF-8 byte order (a listing is; a CSV or Inventory source is sorted
 * at plan time), so it is merge-joined with the committed rows of the jobs whose scope overlaps it:
 * per source bucket one `scopes(bucket)` Query; a scope joins when the listing reaches its min key
 * (one `overlapping` directory walk, read page by page as the listing advances) and leaves past its
 * max key; a bundle's manifest is read only when a listed key falls in its [min, max]
 * ({@link scopeRows}). A first run over a never-archived prefix reads no manifest. The per-file
 * index (`per_file`) could answer per key, but one Query per listed object costs more than one GET
 * per bundle of up to 100,000 rows, and jobs of the compact catalog have no index items.
 * Objects listed without an ETag (a CSV manifest without its fourth column) cannot be proven
 * identical without a request and are archived as before.
 */
import type { JobScope } from '../domain/catalog.js';
import { catalogSortPrefix, compareKeys, rangeMayHoldPrefix } from '../domain/keys.js';
import type { SourceObject } from '../domain/model.js';
import type { BundleDirectoryStore } from '../domain/ports/bundle-directory-store.js';
import { silentLogger, type Logger } from '../domain/ports/logger.js';
import type { ObjectStore } from '../domain/ports/object-store.js';
import { scopeRows, type ScopeRows } from './scope-rows.js';
import type { UniqueRowsOptions } from './unique-source.js';

/** Requests the check made, for the job's counters. */
export interface AlreadyArchivedStats {
  /** `scopes(bucket)` Queries (one per source bucket). */
  scopeQueries: number;
  /** Directory walks opened (`overlapping`, one per overlapping job scope reached). */
  directoryWalks: number;
  /** Manifests read (one GET per committed bundle reached). */
  manifestsRead: number;
}

/** The job that checks, and where its sorts may spill. */
export interface AlreadyArchivedJob {
  readonly jobId: string;
  readonly project: string;
  readonly archiveBucket: string;
  /** Prefix every listed key starts with ('' for a CSV manifest). */
  readonly prefix: string;
  /** Run sizes of an unsorted scope's sort (defaults of `sortedRows`). */
  readonly sort?: UniqueRowsOptions;
}

/** The longest common prefix of two strings, cut at a whole character. */
function commonPrefix(a: string, b: string): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (i > 0 && /[\uD800-\uDBFF]/.test(a[i - 1]!)) i--;
  return a.slice(0, i);
}

/** The merge-join of one source bucket's listing with the committed rows of the other jobs. */
interface BucketSession {
  readonly bucket: string;
  /** Scopes not reached yet, by ascending min key. */
  readonly pending: JobScope[];
  readonly active: ScopeRows[];
  last?: string;
}

/** Asked object by object, in the planner's order (see the module comment). */
export class AlreadyArchived {
  readonly stats: AlreadyArchivedStats = { scopeQueries: 0, directoryWalks: 0, manifestsRead: 0 };
  private readonly scopes = new Map<string, JobScope[]>();
  private session: BucketSession | undefined;
  private sorts = 0;
  private readonly logger: Logger;

  /** @param deps object store (manifests), bundle directory, logger; @param job the job planning */
  constructor(
    private readonly deps: { readonly objects: ObjectStore; readonly directory: BundleDirectoryStore; readonly logger?: Logger },
    private readonly job: AlreadyArchivedJob,
  ) {
    this.logger = deps.logger ?? silentLogger;
  }

  /**
   * Whether a committed bundle of another job holds `o` (same bucket, key and ETag). Objects come in
   * ascending (bucket, key) order; one out of order restarts the bucket's join (correct, slower).
   * @throws IntegrityError when a sorted job's manifest is not in key order; store errors
   */
  async holds(o: SourceObject): Promise<boolean> {
    if (o.etag === undefined || o.etag === '') return false;
    let s = this.session;
    if (!s || s.bucket !== o.bucket || (s.last !== undefined && compareKeys(o.key, s.last) <= 0)) {
      if (s && s.bucket === o.bucket)
        this.logger.warn({ bucket: o.bucket, key: o.key, after: s.last }, 'listing out of key order: the already-archived check starts over for this bucket');
      s = await this.open(o.bucket, o.key);
    }
    s.last = o.key;
    const key = o.key;
    while (s.pending.length > 0 && compareKeys(s.pending[0]!.min_key, key) <= 0) {
      const scope = s.pending.shift()!;
      if (compareKeys(scope.max_key, key) < 0) continue;
      const prefix = commonPrefix(key, scope.max_key);
      this.stats.directoryWalks++;
      s.active.push(
        scopeRows(
          scope,
          prefix.length > this.job.prefix.length ? prefix : this.job.prefix,
          { objects: this.deps.objects, bucket: this.job.archiveBucket, prefix: catalogSortPrefix(this.job.project, this.job.jobId, this.sorts++) },
          this.job.sort ?? {},
          { ...this.deps, logger: this.logger, stats: this.stats },
        ),
      );
    }
    let hit = false;
    for (let i = s.active.length - 1; i >= 0; i--) {
      const rows = s.active[i]!;
      if (compareKeys(rows.scope.max_key, key) < 0) {
        await rows.close();
        s.active.splice(i, 1);
      } else if (!hit && (await rows.matches(key, o.etag))) hit = true;
    }
    return hit;
  }

  /** Start the join of `bucket` at `first`: the scopes of the other jobs that may hold a key from there on. */
  private async open(bucket: string, first: string): Promise<BucketSession> {
    await this.close();
    let all = this.scopes.get(bucket);
    if (!all) {
      this.stats.scopeQueries++;
      all = await this.deps.directory.scopes(bucket);
      this.scopes.set(bucket, all);
    }
    const pending = all
      .filter((s) => s.job_id !== this.job.jobId && rangeMayHoldPrefix(this.job.prefix, s.min_key, s.max_key) && compareKeys(s.max_key, first) >= 0)
      .sort((a, b) => compareKeys(a.min_key, b.min_key));
    this.session = { bucket, pending, active: [] };
    return this.session;
  }

  /** Release every open manifest and directory walk. */
  async close(): Promise<void> {
    const s = this.session;
    this.session = undefined;
    for (const rows of s?.active ?? []) await rows.close();
  }
}
