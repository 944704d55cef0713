/**
 * Keys of the bundle directory in DynamoDB (one place, shared by the bundle store that writes the
 * entry at commit and the directory store that queries and rewrites it):
 * - bundles table, sparse GSI `by_range`: `dir_pk` = `<source bucket>#<job_id>` and `dir_sk` = the
 *   bundle's max key cut to its first 250 code points (≤ 1,000 bytes, order kept), set only on COMMITTED items with entries (one
 *   job's bundles in key order);
 * - bundles table, sparse GSI `by_bucket`: `source_bucket` and the same `dir_sk` (every job's bundles
 *   of a source bucket in key order: a lookup by key finds every generation with one Query). Items
 *   without `dir_sk` (not committed) are not in it, so DynamoDB backfills it from the existing
 *   directory entries when the index is added to a table;
 * - jobs table: scopes pk `SCOPE#<bucket>` / sk `<job_id>`; archived buckets pk `ARCHIVED_BUCKETS` / sk `<bucket>`.
 */
import { directorySortKey } from '../../domain/catalog.js';

/** Name of the bundles-table GSI of the directory. */
export const BUNDLES_BY_RANGE_INDEX = 'by_range';

/** Name of the bundles-table GSI of a source bucket's directory (partition key `source_bucket`, sort key `dir_sk`). */
export const BUNDLES_BY_BUCKET_INDEX = 'by_bucket';

/**
 * Attributes of a directory entry besides the keys: what `by_bucket` projects (INCLUDE) and what a
 * read of the directory returns.
 */
export const DIRECTORY_ENTRY_ATTRIBUTES = [
  'archive_bucket',
  'manifest_key',
  'project',
  'job_id',
  'shard',
  'seq',
  'generation',
  'min_key',
  'max_key',
  'entry_count',
  'bytes',
  'source_bytes',
  'storage_class',
  'checksum_crc32',
  'committed_at',
] as const;

/** GSI partition key of a job's directory entries in one source bucket. */
export function directoryPk(bucket: string, jobId: string): string {
  return `${bucket}#${jobId}`;
}

/** GSI sort key of a directory entry (or of a lookup key): the key cut to 250 code points ({@link directorySortKey}). */
export function directorySk(key: string): string {
  return directorySortKey(key);
}

/** Jobs-table partition of a bucket's scopes. */
export function scopePk(bucket: string): string {
  return `SCOPE#${bucket}`;
}

/** Jobs-table partition listing every archived source bucket. */
export const ARCHIVED_BUCKETS_PK = 'ARCHIVED_BUCKETS';

/** The GSI key attributes of a bundle item, or none when it is not a directory entry (not COMMITTED, or empty). */
export function directoryAttributes(item: {
  state?: string;
  source_bucket?: string;
  job_id: string;
  max_key?: string;
  entry_count?: number;
}): { dir_pk: string; dir_sk: string } | Record<string, never> {
  if (item.state !== 'COMMITTED' || item.source_bucket === undefined || item.max_key === undefined || !item.entry_count) return {};
  return { dir_pk: directoryPk(item.source_bucket, item.job_id), dir_sk: directorySk(item.max_key) };
}
