import type { ArchiveStorageClass } from '../domain/model.js';
import { ValidationError } from '../domain/errors.js';
import { bundleUploadRequests, multipartPartSize, MIN_PART_BYTES, type BundleGroup } from './bundle-plan.js';
import type { CatalogMode } from './catalog-cost.js';

/**
 * Request counts keyed `<Service>:<Operation>[:<qualifier>]`, e.g. `S3:GetObject:STANDARD`,
 * `S3:UploadPart:DEEP_ARCHIVE`, `S3:RestoreObject:Bulk`, `DynamoDB:BatchWriteItem`. The qualifier is the
 * storage class for S3 object and bucket operations and the tier for RestoreObject. The request meter
 * (`src/adapters/request-meter.ts`) produces the same keys, so a prediction and a measurement compare
 * with `assert.deepEqual`.
 */
export type RequestCounts = Readonly<Record<string, number>>;

/**
 * Build a request-count key.
 * @param service `S3` or `DynamoDB` (SDK client name without `Client`)
 * @param operation SDK command name without `Command`, e.g. `GetObject`
 * @param qualifier storage class or restore tier; omitted for DynamoDB
 */
export function requestKey(service: string, operation: string, qualifier?: string): string {
  return qualifier === undefined ? `${service}:${operation}` : `${service}:${operation}:${qualifier}`;
}

/** DynamoDB index items per BatchWriteItem call (the API maximum, 25). */
export const INDEX_BATCH_SIZE = 25;
/** Keys per ListObjectsV2 page and per DeleteObjects call (the API maximum, 1,000). */
export const KEYS_PER_PAGE = 1_000;
/** Bytes a bundle's expected size adds per entry when the engine picks its part size (src/archive/bundle-packer.ts). */
export const PART_SIZE_ENTRY_ALLOWANCE = 200;
/** Estimated shard-plan row (gzip CSV bucket,key,size,etag,last_modified,storage_class) without the key: 110 bytes. */
const SHARD_PLAN_ROW_FIXED_BYTES = 110;
/** Assumed gzip ratio of shard plans. */
const SHARD_PLAN_GZIP_RATIO = 0.25;

/** What one archive run does, as far as its request count depends on it. */
export interface RequestPredictionInput {
  /** Source objects archived. */
  readonly objects: number;
  /**
   * The bundles written: predicted by `planBundles`, or a finished run's actual bundles
   * (`{count: 1, entries: entry_count, bytes, sourceBytes: source_bytes}` per bundle item).
   */
  readonly bundles: readonly BundleGroup[];
  /** Storage class of the bundles. Default DEEP_ARCHIVE. */
  readonly storageClass?: ArchiveStorageClass;
  /** Shards of the job. Default 1. */
  readonly shards?: number;
  /**
   * Compressed size of each shard plan in bytes (decides PutObject or multipart); default: estimated as
   * objects per shard × (110 + key bytes) × 0.25.
   */
  readonly shardPlanBytes?: readonly number[];
  /** Average key length in bytes, for the shard-plan estimate. Default 60. */
  readonly avgKeyBytes?: number;
  /** `list` = ListObjectsV2 pages of 1,000; `manifest` = a CSV or Inventory file read with `manifestGets` GETs per pass. Default `list`. */
  readonly listing?: 'list' | 'manifest';
  /** GETs to read the CSV/Inventory source once (listing `manifest`): 1 for a CSV, 1 + data files for an Inventory. Default 1. */
  readonly manifestGets?: number;
  /** Passes over the source: the planner counts it (QC guard), then writes shard plans. Default 2. */
  readonly listingPasses?: number;
  /** The service's source check before a job (ListObjectsV2 MaxKeys 1, or HeadObject of the manifest). Default true. */
  readonly preflight?: boolean;
  /** Whether sources are deleted (each bundle's manifest read back, DeleteObjects of 1,000 keys). Default true. */
  readonly deleteSource?: boolean;
  /** Whether the job records object tags (`archive_tags`): one `S3:GetObjectTagging:STANDARD` per object. Default false. */
  readonly readTags?: boolean;
  /**
   * Catalog mode (see `CatalogMode` in catalog-cost.ts): `per_file` writes the file index in BatchWriteItem calls of
   * 25; `compact` writes no per-file rows. The bundle-directory item (one write when a bundle commits) is a
   * bookkeeping write like the job and bundle items and is not predicted. Default `compact`.
   */
  readonly catalog?: CatalogMode;
  /**
   * What the run found already archived (src/archive/already-archived.ts): `objects` listed objects a
   * committed bundle of another job held (listed and deleted, not archived: not part of `objects`),
   * found by reading `manifests` manifests of committed bundles (one `S3:GetObject:STANDARD` each; a
   * first run over a never-archived prefix reads none). When `objects` > 0 their list is uploaded once
   * (`listBytes` compressed, default estimated like a shard plan) and read back before deleting.
   * Default none.
   */
  readonly alreadyArchived?: { readonly objects: number; readonly manifests: number; readonly listBytes?: number };
}

function add(counts: Record<string, number>, key: string, n: number): void {
  if (n > 0) counts[key] = (counts[key] ?? 0) + n;
}

function addUpload(counts: Record<string, number>, storageClass: string, count: number, bytes: number, partBytes: number): void {
  const up = bundleUploadRequests(bytes, partBytes);
  add(counts, requestKey('S3', 'PutObject', storageClass), count * up.putObject);
  add(counts, requestKey('S3', 'CreateMultipartUpload', storageClass), count * up.createMultipartUpload);
  add(counts, requestKey('S3', 'UploadPart', storageClass), count * up.uploadPart);
  add(counts, requestKey('S3', 'CompleteMultipartUpload', storageClass), count * up.completeMultipartUpload);
}

/**
 * Predict the S3 and DynamoDB requests of one archive run, mirroring the engine (src/archive):
 * - preflight: `S3:ListObjectsV2:STANDARD` (MaxKeys 1), or `S3:HeadObject:STANDARD` (the manifest object) for a manifest source;
 * - listing, twice (count for the QC guard, then shard plans): max(1, ceil(objects / 1,000)) ListObjectsV2
 *   per pass, or `manifestGets` GETs per pass;
 * - per shard: its plan uploaded in STANDARD (one PutObject below 16 MiB, else multipart) and read back (GET);
 * - per object: one `S3:GetObject:STANDARD` (and one `S3:GetObjectTagging:STANDARD` with `readTags`);
 * - per bundle: one PutObject at `<class>` when smaller than its part size, else CreateMultipartUpload +
 *   ceil(bytes / part) UploadPart + CompleteMultipartUpload; `S3:HeadObject:<class>` to verify size and
 *   CRC-32; the gzip manifest `S3:PutObject:STANDARD`; with the `per_file` catalog ceil(entries / 25)
 *   `DynamoDB:BatchWriteItem` (none with the default `compact` catalog);
 * - already archived (`alreadyArchived`): one GET per committed manifest read at plan time; their list
 *   uploaded in STANDARD (when any) and read back (GET) before deleting; they count in the listing pages
 *   and the DeleteObjects calls;
 * - finalize, when deleting: each manifest read back (GET) and ceil((objects + already archived) / 1,000)
 *   DeleteObjects; one report `S3:PutObject:STANDARD`.
 * Part size per bundle = `multipartPartSize(sourceBytes + 200 × entries)` when `sourceBytes` is known, else
 * `multipartPartSize(bytes)`. Not predicted: bookkeeping PutItem/UpdateItem/GetItem/Query calls on the
 * jobs and bundles tables, retries, and GETs of objects that are skipped.
 * @throws ValidationError when `objects` is negative or not an integer
 */
export function predictRequests(input: RequestPredictionInput): RequestCounts {
  if (!Number.isSafeInteger(input.objects) || input.objects < 0) {
    throw new ValidationError(`objects: expected a whole number ≥ 0, got ${input.objects}`, 'objects');
  }
  const storageClass = input.storageClass ?? 'DEEP_ARCHIVE';
  const shards = input.shards ?? 1;
  const passes = input.listingPasses ?? 2;
  const counts: Record<string, number> = {};
  const list = (input.listing ?? 'list') === 'list';
  if (input.preflight ?? true) add(counts, requestKey('S3', list ? 'ListObjectsV2' : 'HeadObject', 'STANDARD'), 1);
  const already = input.alreadyArchived ?? { objects: 0, manifests: 0 };
  const listed = input.objects + already.objects;
  if (list) add(counts, requestKey('S3', 'ListObjectsV2', 'STANDARD'), passes * Math.max(1, Math.ceil(listed / KEYS_PER_PAGE)));
  else add(counts, requestKey('S3', 'GetObject', 'STANDARD'), passes * (input.manifestGets ?? 1));
  // Shard plans: the measured sizes given, then every other shard at the estimated size, in one step
  // (closed form: the loop is bounded by the measured plans, never by a hypothetical shard count).
  const measured = (input.shardPlanBytes ?? []).slice(0, shards);
  for (const planBytes of measured) addUpload(counts, 'STANDARD', 1, planBytes, MIN_PART_BYTES);
  const estimatedPlanBytes = (input.objects / shards) * (SHARD_PLAN_ROW_FIXED_BYTES + (input.avgKeyBytes ?? 60)) * SHARD_PLAN_GZIP_RATIO;
  if (shards > measured.length) addUpload(counts, 'STANDARD', shards - measured.length, estimatedPlanBytes, MIN_PART_BYTES);
  add(counts, requestKey('S3', 'GetObject', 'STANDARD'), input.objects + shards);
  add(counts, requestKey('S3', 'GetObject', 'STANDARD'), already.manifests);
  if (already.objects > 0) {
    const listBytes = already.listBytes ?? already.objects * (SHARD_PLAN_ROW_FIXED_BYTES + (input.avgKeyBytes ?? 60)) * SHARD_PLAN_GZIP_RATIO;
    addUpload(counts, 'STANDARD', 1, listBytes, MIN_PART_BYTES);
    if (input.deleteSource ?? true) add(counts, requestKey('S3', 'GetObject', 'STANDARD'), 1);
  }
  if (input.readTags) add(counts, requestKey('S3', 'GetObjectTagging', 'STANDARD'), input.objects);
  let bundles = 0;
  let batches = 0;
  for (const group of input.bundles) {
    const expected = group.sourceBytes === undefined ? group.bytes : group.sourceBytes + PART_SIZE_ENTRY_ALLOWANCE * group.entries;
    addUpload(counts, storageClass, group.count, group.bytes, multipartPartSize(expected));
    add(counts, requestKey('S3', 'HeadObject', storageClass), group.count);
    bundles += group.count;
    if (input.catalog === 'per_file') batches += group.count * Math.ceil(group.entries / INDEX_BATCH_SIZE);
  }
  add(counts, requestKey('S3', 'PutObject', 'STANDARD'), bundles + 1);
  if (input.deleteSource ?? true) {
    add(counts, requestKey('S3', 'GetObject', 'STANDARD'), bundles);
    add(counts, requestKey('S3', 'DeleteObjects', 'STANDARD'), Math.ceil(listed / KEYS_PER_PAGE));
  }
  add(counts, requestKey('DynamoDB', 'BatchWriteItem'), batches);
  return counts;
}
