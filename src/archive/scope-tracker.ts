/**
 * Job scopes seen while the planner streams the listing: per source bucket, the smallest and largest
 * key in UTF-8 byte order and whether the keys came strictly ascending. Memory: one record per
 * bucket (a listing names one; a CSV manifest or an S3 Inventory report may name several). Pure.
 */
import type { CatalogMode, JobScope } from '../domain/catalog.js';
import { compareKeys } from '../domain/keys.js';

interface BucketRange {
  min: string;
  max: string;
  last: string;
  sorted: boolean;
  files: number;
}

/** Collects the {@link JobScope}s of one job. */
export class ScopeTracker {
  private readonly ranges = new Map<string, BucketRange>();

  /** Add the next listed object (in listing order). */
  add(bucket: string, key: string): void {
    const r = this.ranges.get(bucket);
    if (!r) {
      this.ranges.set(bucket, { min: key, max: key, last: key, sorted: true, files: 1 });
      return;
    }
    const vsLast = compareKeys(key, r.last);
    if (vsLast <= 0) r.sorted = false;
    if (compareKeys(key, r.min) < 0) r.min = key;
    if (compareKeys(key, r.max) > 0) r.max = key;
    r.last = key;
    r.files++;
  }

  /** The scopes, one per bucket seen, for the job described by `job`. */
  scopes(job: { job_id: string; project: string; generation: string; catalog: CatalogMode }): JobScope[] {
    return [...this.ranges].map(([bucket, r]) => ({
      bucket,
      job_id: job.job_id,
      project: job.project,
      generation: job.generation,
      min_key: r.min,
      max_key: r.max,
      sorted: r.sorted,
      files: r.files,
      catalog: job.catalog,
    }));
  }
}
