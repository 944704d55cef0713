/**
 * `coldpack reindex`: rebuild the catalog from what is in the archive bucket. Every bundle under
 * `bundles/` is read through its manifest (or its own manifest entry when the manifest object is
 * gone, see {@link openBundleManifest}); its directory entry is rewritten (restore state kept), its
 * job's scope recomputed, and with `catalog: per_file` its index items rewritten. Bundles are read
 * `concurrency` at a time (default 8); memory holds per job its bundles' key ranges.
 *
 * With `bucket` or `prefix`, only bundles of that source bucket that may hold keys under the prefix
 * are rewritten, and a rebuilt scope is merged into the one already stored (never narrowed); a job
 * rebuilt in part is marked unsorted unless its stored scope says otherwise. A partial rebuild that
 * matches no bundle is refused (`SOURCE_NOT_FOUND`, nothing written), naming the bucket or prefix.
 */
import type { BundleDirectoryEntry, CatalogMode, JobScope } from '../domain/catalog.js';
import { ValidationError } from '../domain/errors.js';
import type { ArchiveStorageClass, FileIndexItem } from '../domain/model.js';
import { bundleKeys, compareKeys, rangeMayHoldPrefix } from '../domain/keys.js';
import type { BundleDirectoryStore } from '../domain/ports/bundle-directory-store.js';
import type { FileIndexStore } from '../domain/ports/file-index-store.js';
import { isObjectStoreFailure, type ObjectStore } from '../domain/ports/object-store.js';
import type { SourceObject } from '../domain/model.js';
import { systemClock, type Clock } from '../domain/ports/clock.js';
import { openBundleManifest } from './bundle-manifest-source.js';
import { indexItem } from './entry-records.js';
import { EntryStats } from './entry-stats.js';

/** What to rebuild. */
export interface ReindexOptions {
  readonly archiveBucket: string;
  /** Only bundles of this source bucket. */
  readonly bucket?: string;
  /** Only bundles that may hold keys under this prefix. */
  readonly prefix?: string;
  /** `per_file` also rewrites the per-file index. */
  readonly catalog: CatalogMode;
  /** Bundles read at once. Default 8. */
  readonly concurrency?: number;
}

/** What a reindex did. */
export interface ReindexReport {
  readonly bundles_seen: number;
  readonly bundles_indexed: number;
  /** Bundles whose rows came from the bundle itself (manifest object missing, written back). */
  readonly manifests_restored: number;
  readonly files: number;
  readonly scopes: number;
  /** Bundles that could not be read, with the reason (e.g. archived without a restored copy). */
  readonly skipped: Array<{ bundle_key: string; reason: string }>;
}

interface JobRanges {
  scope: Omit<JobScope, 'sorted' | 'files' | 'min_key' | 'max_key'>;
  bundles: Array<{ shard: number; seq: number; min: string; max: string; sorted: boolean }>;
  files: number;
}

/** Parse `bundles/<project>/<job>/<shard>/<seq>.zip`. */
export function parseBundleKey(key: string): { project: string; jobId: string; shard: number; seq: number } | undefined {
  const m = /^bundles\/(.+)\/([^/]+)\/(\d{5})\/(\d{6})\.zip$/.exec(key);
  return m ? { project: m[1]!, jobId: m[2]!, shard: Number(m[3]), seq: Number(m[4]) } : undefined;
}

/** Rebuilds directory entries, scopes and (per_file) index items from the manifests. */
export class Reindexer {
  /** @param deps object store, directory, per-file index, clock */
  constructor(private readonly deps: { objects: ObjectStore; directory: BundleDirectoryStore; index: FileIndexStore; clock?: Clock }) {}

  /**
   * Run the rebuild.
   * @throws ValidationError `SOURCE_NOT_FOUND` (nothing written) when `bucket` or `prefix` is given and
   *   no bundle matches: field `bucket` when no bundle of that source bucket exists at all, else `prefix`
   * @throws store errors (after their retries); unreadable bundles are reported, not thrown
   */
  async run(o: ReindexOptions): Promise<ReindexReport> {
    const jobs = new Map<string, JobRanges>();
    const report = {
      bundles_seen: 0,
      bundles_indexed: 0,
      manifests_restored: 0,
      files: 0,
      scopes: 0,
      skipped: [] as Array<{ bundle_key: string; reason: string }>,
      /** Bundles of `o.bucket` read (whether or not they hold keys under the prefix). */
      of_bucket: 0,
    };
    const generations = new Map<string, string>();
    let batch: SourceObject[] = [];
    const flush = async (): Promise<void> => {
      await Promise.all(batch.map((b) => this.bundle(o, b, jobs, generations, report)));
      batch = [];
    };
    for await (const obj of this.deps.objects.listObjects(o.archiveBucket, 'bundles/')) {
      if (!parseBundleKey(obj.key)) continue;
      report.bundles_seen++;
      batch.push(obj);
      if (batch.length >= (o.concurrency ?? 8)) await flush();
    }
    await flush();
    const partial = o.bucket !== undefined || o.prefix !== undefined;
    if (partial && report.bundles_indexed === 0 && report.skipped.length === 0) throw nothingMatched(o, report.bundles_seen, report.of_bucket);
    const stored = partial ? await this.deps.directory.scopes(o.bucket) : [];
    for (const j of jobs.values()) {
      await this.deps.directory.putScope(
        mergeScope(
          j,
          stored.find((s) => s.bucket === j.scope.bucket && s.job_id === j.scope.job_id),
          partial,
        ),
      );
      report.scopes++;
    }
    const { of_bucket: _ofBucket, ...out } = report;
    return out;
  }

  private async bundle(
    o: ReindexOptions,
    obj: SourceObject,
    jobs: Map<string, JobRanges>,
    generations: Map<string, string>,
    report: { bundles_indexed: number; manifests_restored: number; files: number; skipped: Array<{ bundle_key: string; reason: string }>; of_bucket: number },
  ): Promise<void> {
    const { objects, directory } = this.deps;
    const parts = parseBundleKey(obj.key)!;
    const manifestKey = bundleKeys(parts.project, parts.jobId, parts.shard, parts.seq).manifest;
    let opened;
    try {
      opened = await openBundleManifest(objects, o.archiveBucket, obj.key, manifestKey, obj.size);
    } catch (err) {
      if (!isObjectStoreFailure(err, 'INVALID_OBJECT_STATE', 'NOT_FOUND')) throw err;
      report.skipped.push({
        bundle_key: obj.key,
        reason: `manifest ${manifestKey} is missing and the bundle is not readable (${(err as Error).message}); restore the bundle, then run reindex again`,
      });
      return;
    }
    // Bundles of one job are listed together; a job archived before bundles carried their generation gets its first bundle's time.
    const generation = opened.metadata['coldpack-generation'] ?? generations.get(parts.jobId) ?? obj.last_modified ?? this.now();
    generations.set(parts.jobId, generation);
    const stats = new EntryStats();
    let sorted = true;
    let source: string | undefined;
    let items: FileIndexItem[] = [];
    const storageClass = (obj.storage_class ?? 'STANDARD') as ArchiveStorageClass;
    const ctx = { archiveBucket: o.archiveBucket, storageClass, jobId: parts.jobId, project: parts.project, generation };
    const wanted = opened.metadata['coldpack-source-bucket'];
    if (o.bucket !== undefined && wanted !== undefined && wanted !== o.bucket) return;
    let ofBucket = o.bucket !== undefined && wanted === o.bucket;
    if (ofBucket) report.of_bucket++;
    for await (const row of opened.rows) {
      if (stats.max !== undefined && compareKeys(row.key, stats.max) <= 0) sorted = false;
      source ??= row.bucket;
      if (!ofBucket && o.bucket !== undefined && row.bucket === o.bucket) {
        ofBucket = true;
        report.of_bucket++;
      }
      stats.add(row.key, row.size);
      const inScope = (o.bucket === undefined || row.bucket === o.bucket) && (o.prefix === undefined || row.key.startsWith(o.prefix));
      if (o.catalog === 'per_file' && inScope) items.push(indexItem(ctx, obj.key, row.bucket, row));
      if (items.length >= 100) {
        await this.deps.index.putMany(items);
        items = [];
      }
    }
    if (items.length > 0) await this.deps.index.putMany(items);
    if (source === undefined || stats.min === undefined || stats.max === undefined) return;
    if (o.bucket !== undefined && source !== o.bucket) return;
    if (o.prefix !== undefined && !rangeMayHoldPrefix(o.prefix, stats.min, stats.max)) return;
    const entry: BundleDirectoryEntry = {
      bundle_key: obj.key,
      archive_bucket: o.archiveBucket,
      manifest_key: manifestKey,
      source_bucket: source,
      project: parts.project,
      job_id: parts.jobId,
      shard: parts.shard,
      seq: parts.seq,
      generation,
      min_key: stats.min,
      max_key: stats.max,
      entry_count: stats.count,
      bytes: obj.size,
      source_bytes: stats.bytes,
      storage_class: storageClass,
      committed_at: this.now(),
    };
    await directory.putEntry(entry);
    report.bundles_indexed++;
    report.files += stats.count;
    if (opened.source === 'bundle') report.manifests_restored++;
    const id = `${source}#${parts.jobId}`;
    const j = jobs.get(id) ?? { scope: { bucket: source, job_id: parts.jobId, project: parts.project, generation, catalog: o.catalog }, bundles: [], files: 0 };
    j.bundles.push({ shard: parts.shard, seq: parts.seq, min: stats.min, max: stats.max, sorted });
    j.files += stats.count;
    jobs.set(id, j);
  }

  private now(): string {
    return (this.deps.clock ?? systemClock).now().toISOString();
  }
}

/** The refusal of a partial rebuild that matched no bundle: what was looked for, and how many bundles were read. */
function nothingMatched(o: ReindexOptions, seen: number, ofBucket: number): ValidationError {
  const where = `s3://${o.archiveBucket}/bundles/ (${seen} bundles read); nothing was reindexed`;
  if (o.bucket !== undefined && ofBucket === 0)
    return new ValidationError(`0 bundles found for bucket ${o.bucket} in ${where}: coldpack never archived that bucket`, 'bucket', 'SOURCE_NOT_FOUND');
  const of = o.bucket !== undefined ? ` of bucket ${o.bucket} (${ofBucket} bundles of it)` : '';
  return new ValidationError(`0 bundles found${of} that may hold keys under prefix ${JSON.stringify(o.prefix)} in ${where}`, 'prefix', 'SOURCE_NOT_FOUND');
}

/** The scope of a rebuilt job, merged with the stored one when only part of the catalog was rebuilt. */
function mergeScope(j: JobRanges, stored: JobScope | undefined, partial: boolean): JobScope {
  const bundles = [...j.bundles].sort((a, b) => a.shard - b.shard || a.seq - b.seq);
  const disjoint = bundles.every((b, i) => b.sorted && (i === 0 || compareKeys(bundles[i - 1]!.max, b.min) < 0));
  let min = bundles.reduce((m, b) => (compareKeys(b.min, m) < 0 ? b.min : m), bundles[0]!.min);
  let max = bundles.reduce((m, b) => (compareKeys(b.max, m) > 0 ? b.max : m), bundles[0]!.max);
  if (stored) {
    if (compareKeys(stored.min_key, min) < 0) min = stored.min_key;
    if (compareKeys(stored.max_key, max) > 0) max = stored.max_key;
  }
  const sorted = partial ? (stored?.sorted ?? false) && disjoint : disjoint;
  return { ...j.scope, min_key: min, max_key: max, sorted, files: partial ? Math.max(stored?.files ?? 0, j.files) : j.files };
}
