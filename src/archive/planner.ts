import type { ArchiveRequest } from '../domain/archive-request.js';
import { QcMismatchError, ValidationError } from '../domain/errors.js';
import { BundleCutter, ShardCutter } from '../domain/grouping.js';
import { alreadyArchivedKey, shardPlanKey, sortRunPrefix } from '../domain/keys.js';
import type { SourceObject } from '../domain/model.js';
import type { ShardItem } from '../domain/archive-job.js';
import type { ObjectStore } from '../domain/ports/object-store.js';
import { isFolderMarker, openSource, UNREADABLE_CLASSES } from './source-stream.js';
import { ShardPlanWriter } from './shard-plan.js';
import { dropRepeats, uniqueRows, type DuplicateCount, type UniqueRowsOptions } from './unique-source.js';
import { ScopeTracker } from './scope-tracker.js';
import type { AlreadyArchived } from './already-archived.js';

/** Counts of one pass over the source. Sizes in bytes. */
export interface ListingCounts {
  /** Objects to archive (folder markers and unreadable archive-class objects excluded). */
  files: number;
  bytes: number;
  folderMarkers: number;
  /** Objects already in GLACIER/DEEP_ARCHIVE (not readable without a restore): skipped. */
  archivedClass: number;
  /** Bundles the grouping rule would make (over the whole listing, ignoring shard cuts). */
  bundles: number;
  largestObject: number;
  /**
   * Rows of a CSV manifest or an S3 Inventory report that repeat an earlier row's bucket and key,
   * dropped (counted when the shard plans are written; a dry run counts rows as listed).
   */
  duplicates: number;
  /** Bytes those repeated rows announced. */
  duplicateBytes: number;
  /** The first 100 repeated `bucket/key`. */
  duplicateSample: string[];
  /**
   * Of `files`, objects a committed bundle of another job already holds (same bucket, key and ETag):
   * not planned, listed in `plans/<project>/<job>/already-archived.csv.gz` for the finalizer's deletes
   * (counted when the shard plans are written; a dry run does not look).
   */
  alreadyArchived: number;
  /** Bytes of those objects. */
  alreadyArchivedBytes: number;
  /**
   * True when `files` and `bytes` count a CSV manifest's or an Inventory report's rows before repeated
   * rows are dropped (the first, write-free pass): upper bounds of the distinct objects.
   */
  rowsOnly?: boolean;
}

function emptyCounts(): ListingCounts {
  return {
    files: 0,
    bytes: 0,
    folderMarkers: 0,
    archivedClass: 0,
    bundles: 0,
    largestObject: 0,
    duplicates: 0,
    duplicateBytes: 0,
    duplicateSample: [],
    alreadyArchived: 0,
    alreadyArchivedBytes: 0,
  };
}

/** Which buckets a job may read and delete from. */
export interface BucketPolicy {
  /** Never sources (coldpack's archive and restore buckets). */
  readonly reserved: readonly string[];
  /** When non-empty, the only allowed source buckets. */
  readonly allowed: readonly string[];
}

/**
 * Refuse an object whose bucket the policy does not allow (a CSV manifest or an inventory can name
 * any bucket; archiving coldpack's own bundles, or deleting from a bucket outside the deployment's
 * list, must never happen).
 * @throws ValidationError `SOURCE_NOT_ALLOWED`
 */
export function checkBucket(policy: BucketPolicy | undefined, bucket: string): void {
  if (!policy) return;
  if (policy.reserved.includes(bucket))
    throw new ValidationError(`the source names bucket ${bucket}, one of coldpack's own buckets; nothing was written`, 'bucket_name', 'SOURCE_NOT_ALLOWED');
  if (policy.allowed.length > 0 && !policy.allowed.includes(bucket)) {
    throw new ValidationError(
      `the source names bucket ${bucket}, which is not a source bucket of this deployment (${policy.allowed.join(', ')}); nothing was written`,
      'bucket_name',
      'SOURCE_NOT_ALLOWED',
    );
  }
}

/**
 * Count the source in one streamed pass (no writes) and simulate the bundle grouping.
 * Memory is constant: one listing page at a time.
 */
export async function countSource(objects: ObjectStore, req: ArchiveRequest, policy?: BucketPolicy): Promise<ListingCounts> {
  const counts = emptyCounts();
  const cutter = new BundleCutter(req.max_bundle_bytes, req.max_files_per_bundle);
  let lastBucket = '';
  for await (const o of openSource(objects, req.source)) {
    if (o.bucket !== lastBucket) {
      checkBucket(policy, o.bucket);
      lastBucket = o.bucket;
    }
    if (isFolderMarker(o)) counts.folderMarkers++;
    else if (o.storage_class && UNREADABLE_CLASSES.has(o.storage_class)) counts.archivedClass++;
    else {
      counts.files++;
      counts.bytes += o.size;
      counts.largestObject = Math.max(counts.largestObject, o.size);
      cutter.assign(o.size, o.bucket);
    }
  }
  counts.bundles = cutter.bundleCount;
  // A manifest's repeated rows are only found by the sorting pass (which writes): here they are counted as rows.
  if (req.source.kind !== 'list') counts.rowsOnly = true;
  return counts;
}

/**
 * The quality-check guard: compare the objects to archive with what the source application
 * announced. Repeated rows of a manifest are dropped at plan time, so the comparison is with the
 * distinct objects, and the message says how many rows were dropped. Counts of the write-free first
 * pass over a manifest (`rowsOnly`) are upper bounds: only an announcement above them is refused
 * there; the exact check follows once the plan has dropped the repeats. A listing has no repeats.
 * @param plansWritten whether the job's shard plans are already written (the caller deletes them and
 *   says so): the message then claims only that no object was archived or deleted. Default false.
 * @throws QcMismatchError giving both numbers, unless `allow_mismatch` is set
 */
export function checkQc(
  req: ArchiveRequest,
  counts: Pick<ListingCounts, 'files' | 'bytes' | 'duplicates' | 'duplicateBytes' | 'rowsOnly'>,
  plansWritten = false,
): void {
  if (req.allow_mismatch) return;
  const problems: string[] = [];
  const bound = counts.rowsOnly === true;
  const distinct = counts.duplicates > 0 ? ` distinct objects (${counts.duplicates} repeated manifest row${counts.duplicates === 1 ? '' : 's'} dropped)` : '';
  const off = (expected: number, got: number): boolean => (bound ? expected > got : expected !== got);
  if (req.expected_file_count !== undefined && off(req.expected_file_count, counts.files)) {
    problems.push(
      bound
        ? `file_count: expected ${req.expected_file_count}, the manifest has only ${counts.files} rows`
        : `file_count: expected ${req.expected_file_count}, listed ${counts.files}${distinct}`,
    );
  }
  if (req.expected_total_bytes !== undefined && off(req.expected_total_bytes, counts.bytes)) {
    problems.push(
      bound
        ? `total_size: expected ${req.expected_total_bytes} bytes, the manifest's rows hold only ${counts.bytes}`
        : `total_size: expected ${req.expected_total_bytes} bytes, listed ${counts.bytes}${distinct}`,
    );
  }
  if (problems.length > 0) {
    const done = plansWritten ? 'no object was archived or deleted' : 'nothing was written or deleted';
    throw new QcMismatchError(`listing does not match the request (${problems.join('; ')}); ${done}. Set allow_mismatch to override.`);
  }
}

/**
 * Stream the source a second time and write one plan object per shard (contiguous keys, cut by
 * `shard_max_files` and `shard_max_bytes`) to the archive bucket, and note the job's key range per
 * source bucket (its scopes). Every object is planned once: a manifest source (CSV, Inventory) is
 * sorted by key (UTF-8 byte order, so its scopes are sorted too) and its repeated rows dropped and
 * counted ({@link uniqueRows}); a listing is sorted and unique already. With `archived`, an object a
 * committed bundle of another job holds is not planned but written to the already-archived list
 * (created only when there is one) and counted; the scopes cover the planned objects only.
 * @returns the shard items (counts and key range per shard) in order, the counts, and the scope tracker
 */
export async function writeShardPlans(
  objects: ObjectStore,
  archiveBucket: string,
  jobId: string,
  req: ArchiveRequest,
  policy?: BucketPolicy,
  sort?: UniqueRowsOptions,
  archived?: AlreadyArchived,
): Promise<{ shards: ShardItem[]; counts: ListingCounts; scopes: ScopeTracker }> {
  const cutter = new ShardCutter(req.shard_max_bytes, req.shard_max_files);
  const bundles = new BundleCutter(req.max_bundle_bytes, req.max_files_per_bundle);
  const shards: ShardItem[] = [];
  const scopes = new ScopeTracker();
  const counts = emptyCounts();
  const dropped: DuplicateCount = { count: 0, bytes: 0, sample: counts.duplicateSample };
  const runs = { objects, bucket: archiveBucket, prefix: sortRunPrefix(req.project, jobId) };
  const listed =
    req.source.kind === 'list'
      ? dropRepeats(openSource(objects, req.source), dropped)
      : uniqueRows(checkedBuckets(openSource(objects, req.source), policy), runs, dropped, sort);
  let writer: ShardPlanWriter | undefined;
  let archivedList: ShardPlanWriter | undefined;
  let current: { shard: number; files: number; bytes: number; first_key?: string; last_key?: string } | undefined;
  const closeShard = async (): Promise<void> => {
    if (!writer || !current) return;
    await writer.close();
    shards.push({ ...current, status: 'PLANNED' });
  };
  try {
    for await (const o of checkedBuckets(listed, policy)) {
      if (isFolderMarker(o)) {
        counts.folderMarkers++;
        continue;
      }
      if (o.storage_class && UNREADABLE_CLASSES.has(o.storage_class)) {
        counts.archivedClass++;
        continue;
      }
      counts.files++;
      counts.bytes += o.size;
      counts.largestObject = Math.max(counts.largestObject, o.size);
      if (archived && (await archived.holds(o))) {
        archivedList ??= new ShardPlanWriter(objects, archiveBucket, alreadyArchivedKey(req.project, jobId));
        await archivedList.add(o);
        counts.alreadyArchived++;
        counts.alreadyArchivedBytes += o.size;
        continue;
      }
      const shard = cutter.assign(o.size);
      if (!current || shard !== current.shard) {
        await closeShard();
        writer = new ShardPlanWriter(objects, archiveBucket, shardPlanKey(req.project, jobId, shard));
        current = { shard, files: 0, bytes: 0, first_key: o.key };
      }
      await writer!.add(o);
      current.files++;
      current.bytes += o.size;
      current.last_key = o.key;
      bundles.assign(o.size, o.bucket);
      scopes.add(o.bucket, o.key);
    }
  } finally {
    await archived?.close(); // its open manifests and directory walks
  }
  await closeShard();
  await archivedList?.close();
  counts.bundles = bundles.bundleCount;
  counts.duplicates = dropped.count;
  counts.duplicateBytes = dropped.bytes;
  return { shards, counts, scopes };
}

/** Pass the rows through, refusing (before anything is written for it) a bucket the policy does not allow. */
async function* checkedBuckets(rows: AsyncIterable<SourceObject>, policy: BucketPolicy | undefined): AsyncGenerator<SourceObject> {
  let lastBucket = '';
  for await (const o of rows) {
    if (o.bucket !== lastBucket) {
      checkBucket(policy, o.bucket);
      lastBucket = o.bucket;
    }
    yield o;
  }
}
