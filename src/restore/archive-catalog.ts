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
 */
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Readable } from 'node:stream';
import type { BundleItem } from '../domain/model.js';
import { readManifest } from '../bundle/manifest.js';
import { MANIFEST_ENTRY_NAME } from '../domain/keys.js';

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
  /** Jobs table (archive job items `ARCHIVE#<id>` / `JOB`). */
  readonly jobsTable: string;
  /** Bundles table (pk `bundle_key`). */
  readonly bundlesTable: string;
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

/** Source bucket recorded on an archive job item (the stored ArchiveRequest, or a flat attribute). */
function jobBucket(item: Record<string, unknown> | undefined): string | undefined {
  const req = item?.request as { source?: { bucket?: unknown } } | undefined;
  const b = req?.source?.bucket ?? item?.source_bucket ?? item?.bucket;
  return typeof b === 'string' ? b : undefined;
}

/** Catalog of archived jobs, buckets and bundles. See the module comment for the costs. */
export class ArchiveCatalog {
  private cache: { at: number; project: string | undefined; jobs: ArchivedJob[] } | undefined;

  /** @param s3 S3 client; @param dynamo document client; @param options buckets and tables */
  constructor(
    private readonly s3: S3Client,
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly options: ArchiveCatalogOptions,
  ) {}

  private async listPrefixes(prefix: string): Promise<string[]> {
    const out: string[] = [];
    let token: string | undefined;
    do {
      const res = await this.s3.send(
        new ListObjectsV2Command({ Bucket: this.options.archiveBucket, Prefix: prefix, Delimiter: '/', ContinuationToken: token }),
      );
      for (const p of res.CommonPrefixes ?? []) if (p.Prefix) out.push(p.Prefix);
      token = res.IsTruncated ? res.NextContinuationToken : undefined;
    } while (token);
    return out;
  }

  private async batchGet(table: string, keys: Record<string, unknown>[]): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    for (let i = 0; i < keys.length; i += 100) {
      let pending: Record<string, unknown>[] = keys.slice(i, i + 100);
      for (let round = 0; pending.length > 0 && round < 10; round++) {
        if (round > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** round));
        const res = await this.dynamo.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true } } }));
        out.push(...((res.Responses?.[table] ?? []) as Record<string, unknown>[]));
        pending = (res.UnprocessedKeys?.[table]?.Keys ?? []) as Record<string, unknown>[];
      }
    }
    return out;
  }

  /**
   * Archive jobs that wrote at least one manifest, optionally of one project (cached for
   * `cacheTtlMs`).
   */
  async jobs(project?: string): Promise<ArchivedJob[]> {
    const ttl = this.options.cacheTtlMs ?? 60_000;
    if (this.cache && this.cache.project === project && Date.now() - this.cache.at < ttl) return this.cache.jobs;
    const projects = project === undefined ? await this.listPrefixes('manifests/') : [`manifests/${project}/`];
    const refs: { project: string; job_id: string }[] = [];
    for (const p of projects) {
      const name = p.slice('manifests/'.length, -1);
      for (const j of await this.listPrefixes(p)) refs.push({ project: name, job_id: j.slice(p.length, -1) });
    }
    const items = await this.batchGet(
      this.options.jobsTable,
      refs.map((r) => ({ pk: `ARCHIVE#${r.job_id}`, sk: 'JOB' })),
    );
    const byId = new Map(items.map((it) => [String(it.pk).slice('ARCHIVE#'.length), it]));
    const jobs = refs.map((r) => {
      const bucket = jobBucket(byId.get(r.job_id));
      return { ...r, ...(bucket === undefined ? {} : { bucket }) };
    });
    this.cache = { at: Date.now(), project, jobs };
    return jobs;
  }

  /** Distinct source buckets archived (optionally by one project), sorted. */
  async buckets(project?: string): Promise<string[]> {
    const set = new Set<string>();
    for (const j of await this.jobs(project)) if (j.bucket) set.add(j.bucket);
    return [...set].sort();
  }

  /** COMMITTED bundles of one job whose key range may hold keys under `prefix`. */
  async bundlesForPrefix(job: ArchivedJob, prefix: string): Promise<BundleItem[]> {
    const manifestPrefix = `manifests/${job.project}/${job.job_id}/`;
    const bundleKeys: string[] = [];
    let token: string | undefined;
    do {
      const res = await this.s3.send(new ListObjectsV2Command({ Bucket: this.options.archiveBucket, Prefix: manifestPrefix, ContinuationToken: token }));
      for (const o of res.Contents ?? []) {
        if (o.Key?.endsWith('.csv.gz')) bundleKeys.push(`bundles/${o.Key.slice('manifests/'.length, -'.csv.gz'.length)}.zip`);
      }
      token = res.IsTruncated ? res.NextContinuationToken : undefined;
    } while (token);
    const items = (await this.batchGet(this.options.bundlesTable, bundleKeys.map((bundle_key) => ({ bundle_key })))) as unknown as BundleItem[];
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
        const res = await this.s3.send(new GetObjectCommand({ Bucket: this.options.archiveBucket, Key: manifestKey }));
        for await (const entry of readManifest(res.Body as Readable)) {
          if (!entry.key.startsWith(prefix) || entry.key === MANIFEST_ENTRY_NAME) continue;
          // Manifests carry the source bucket per row (newer format); else the job's bucket.
          const bucket = (entry as { bucket?: string }).bucket || job.bucket;
          if (bucket && (filter.bucket === undefined || bucket === filter.bucket)) yield { bucket, key: entry.key };
        }
      }
    }
  }
}
