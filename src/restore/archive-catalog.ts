/**
 * What has been archived, found without scanning the file index: the manifests in the archive bucket
 * (`manifests/<project>/<job>/<shard>/<seq>.csv.gz`, one per bundle), the bundle items (first and
 * last key of each bundle) and the archive job items (source bucket).
 *
 * Prefix lookups use it: DynamoDB cannot Query a prefix of a partition key, and a Scan with
 * `begins_with` reads the whole index (billions of items) for every request. Bundles hold
 * contiguous runs of the sorted listing, so [first_key, last_key] of each bundle tells which
 * bundles can hold keys under a prefix; only those manifests are read. Cost per prefix lookup: one
 * LIST per 1,000 bundles, one BatchGetItem per 100 bundles, one GET per overlapping manifest.
 * A catalog read that cannot complete (throttled past the retries) throws: a prefix restore never
 * proceeds with part of the bundles.
 */
import type { BundleItem } from '../domain/model.js';
import { MANIFEST_ENTRY_NAME } from '../domain/keys.js';
import type { ArchiveCatalogStore } from '../domain/ports/archive-catalog-store.js';
import type { Clock } from '../domain/ports/clock.js';
import type { ObjectStore } from '../domain/ports/object-store.js';
import { readManifest } from '../bundle/manifest.js';

/** An archive job seen through its manifests. */
export interface ArchivedJob {
  readonly project: string;
  readonly job_id: string;
  /** Source bucket of the job (from the job item), undefined when the item does not say. */
  readonly bucket?: string;
}

/** Options of {@link ArchiveCatalog}. */
export interface ArchiveCatalogOptions {
  /** Bucket holding bundles and manifests. */
  readonly archiveBucket: string;
  /** How long the job list is cached, in ms. Default 60,000. */
  readonly cacheTtlMs?: number;
}

/** Compare two keys in S3 listing order (UTF-8 bytes), not UTF-16 code units. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * Whether a bundle whose keys lie in [first, last] (listing order) can hold a key under `prefix`.
 * Missing bounds count as "maybe".
 */
export function rangeMayHoldPrefix(prefix: string, first: string | undefined, last: string | undefined): boolean {
  if (last !== undefined && compareKeys(last, prefix) < 0) return false;
  if (first !== undefined && !first.startsWith(prefix) && compareKeys(first, prefix) > 0) return false;
  return true;
}

/** Catalog of archived jobs, buckets and bundles. See the module comment for the costs. */
export class ArchiveCatalog {
  private cache: { at: number; project: string | undefined; jobs: ArchivedJob[] } | undefined;

  /** @param objects S3 (manifest listings and manifests); @param store jobs and bundles; @param clock cache age; @param options archive bucket, cache */
  constructor(
    private readonly objects: ObjectStore,
    private readonly store: ArchiveCatalogStore,
    private readonly clock: Clock,
    private readonly options: ArchiveCatalogOptions,
  ) {}

  private async listPrefixes(prefix: string): Promise<string[]> {
    const out: string[] = [];
    for await (const p of this.objects.listCommonPrefixes(this.options.archiveBucket, prefix)) out.push(p);
    return out;
  }

  /**
   * Archive jobs that wrote at least one manifest, optionally of one project (cached for
   * `cacheTtlMs`).
   * @throws ColdpackError `UNPROCESSED_ITEMS` when the job items cannot all be read (never a partial list)
   */
  async jobs(project?: string): Promise<ArchivedJob[]> {
    const ttl = this.options.cacheTtlMs ?? 60_000;
    const now = this.clock.now().getTime();
    if (this.cache && this.cache.project === project && now - this.cache.at < ttl) return this.cache.jobs;
    const projects = project === undefined ? await this.listPrefixes('manifests/') : [`manifests/${project}/`];
    const refs: { project: string; job_id: string }[] = [];
    for (const p of projects) {
      const name = p.slice('manifests/'.length, -1);
      for (const j of await this.listPrefixes(p)) refs.push({ project: name, job_id: j.slice(p.length, -1) });
    }
    const buckets = await this.store.jobSourceBuckets(refs.map((r) => r.job_id));
    const jobs = refs.map((r) => {
      const bucket = buckets.get(r.job_id);
      return { ...r, ...(bucket === undefined ? {} : { bucket }) };
    });
    this.cache = { at: now, project, jobs };
    return jobs;
  }

  /** Distinct source buckets archived (optionally by one project), sorted. */
  async buckets(project?: string): Promise<string[]> {
    const set = new Set<string>();
    for (const j of await this.jobs(project)) if (j.bucket) set.add(j.bucket);
    return [...set].sort();
  }

  /**
   * COMMITTED bundles of one job whose key range may hold keys under `prefix`.
   * @throws ColdpackError `UNPROCESSED_ITEMS` when the bundle items cannot all be read (never a partial list)
   */
  async bundlesForPrefix(job: ArchivedJob, prefix: string): Promise<BundleItem[]> {
    const bundleKeys: string[] = [];
    for await (const o of this.objects.listObjects(this.options.archiveBucket, `manifests/${job.project}/${job.job_id}/`)) {
      if (o.key.endsWith('.csv.gz')) bundleKeys.push(`bundles/${o.key.slice('manifests/'.length, -'.csv.gz'.length)}.zip`);
    }
    const items = await this.store.bundles(bundleKeys);
    return items
      .filter((b) => b.state === 'COMMITTED' && rangeMayHoldPrefix(prefix, b.first_key, b.last_key))
      .sort((a, b) => compareKeys(a.bundle_key, b.bundle_key));
  }

  /**
   * Keys under `prefix` in the manifests of the bundles that may hold them, with their source bucket.
   * @param filter `project`, `bucket` (source) and `jobId` narrow the jobs read
   */
  async *keysUnderPrefix(prefix: string, filter: { project?: string; bucket?: string; jobId?: string } = {}): AsyncGenerator<{ bucket: string; key: string }> {
    for (const job of await this.jobs(filter.project)) {
      if (job.bucket !== undefined && filter.bucket !== undefined && job.bucket !== filter.bucket) continue;
      if (filter.jobId !== undefined && job.job_id !== filter.jobId) continue;
      for (const bundle of await this.bundlesForPrefix(job, prefix)) {
        const manifestKey = bundle.manifest_key ?? `manifests/${bundle.bundle_key.slice('bundles/'.length, -'.zip'.length)}.csv.gz`;
        const got = await this.objects.getObject({ bucket: this.options.archiveBucket, key: manifestKey });
        for await (const entry of readManifest(got.body)) {
          if (!entry.key.startsWith(prefix) || entry.key === MANIFEST_ENTRY_NAME) continue;
          // Manifests carry the source bucket per row (newer format); else the job's bucket.
          const bucket = entry.bucket || job.bucket;
          if (bucket && (filter.bucket === undefined || bucket === filter.bucket)) yield { bucket, key: entry.key };
        }
      }
    }
  }
}
