import type { ArchiveStorageClass } from '../domain/model.js';
import { ValidationError } from '../domain/errors.js';
import { bundleUploadRequests, multipartPartSize, DEFAULT_MAX_BUNDLE_BYTES, type BundleGroup } from './bundle-plan.js';

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
 * @param service `S3` or `DynamoDB` (SDK service id)
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

/** What one archive run does, as far as its request count depends on it. */
export interface RequestPredictionInput {
  /** Source objects archived. */
  readonly objects: number;
  /** The bundles written (predicted by `planBundles`, or the actual ones of a run: `{count: 1, entries, bytes}` each). */
  readonly bundles: readonly BundleGroup[];
  /** Storage class of the bundles. Default DEEP_ARCHIVE. */
  readonly storageClass?: ArchiveStorageClass;
  /** Bundle cap in bytes, which sets the part size. Default 512,000,000. */
  readonly maxBundleBytes?: number;
  /** Shards of the job (each writes one shard manifest and reads it back). Default 1. */
  readonly shards?: number;
  /** How the source is listed: `list` = ListObjectsV2 pages of 1,000; `manifest` = a CSV or Inventory file read with `manifestGets` GETs. Default `list`. */
  readonly listing?: 'list' | 'manifest';
  /** GETs to read the CSV/Inventory manifest files (listing `manifest`). Default 1. */
  readonly manifestGets?: number;
  /** Whether sources are deleted after archiving (DeleteObjects, 1,000 keys per call). Default true. */
  readonly deleteSource?: boolean;
  /** Report objects written per job (JSON beside the manifests). Default 1. */
  readonly reports?: number;
}

function add(counts: Record<string, number>, key: string, n: number): void {
  if (n > 0) counts[key] = (counts[key] ?? 0) + n;
}

/**
 * Predict the S3 and DynamoDB requests of one archive run:
 * - `S3:ListObjectsV2:STANDARD` = max(1, ceil(objects / 1,000)) for a listed source;
 * - `S3:GetObject:STANDARD` = objects + shards (shard manifest reads) [+ manifest GETs];
 * - per bundle: one `S3:PutObject:<class>` when smaller than the part size, else
 *   `CreateMultipartUpload` + ceil(bytes / part) `UploadPart` + `CompleteMultipartUpload` at `<class>`;
 * - `S3:PutObject:STANDARD` = bundles (manifests) + shards (shard manifests) + reports;
 * - `S3:DeleteObjects:STANDARD` = ceil(objects / 1,000) when deleting;
 * - `DynamoDB:BatchWriteItem` = Σ per bundle ceil(entries / 25) (file index items).
 * Job, shard and bundle bookkeeping items (a few writes each) are not predicted here.
 * @throws ValidationError when `objects` is negative or not an integer
 */
export function predictRequests(input: RequestPredictionInput): RequestCounts {
  if (!Number.isSafeInteger(input.objects) || input.objects < 0) {
    throw new ValidationError(`objects: expected a whole number ≥ 0, got ${input.objects}`, 'objects');
  }
  const storageClass = input.storageClass ?? 'DEEP_ARCHIVE';
  const shards = input.shards ?? 1;
  const partBytes = multipartPartSize(input.maxBundleBytes ?? DEFAULT_MAX_BUNDLE_BYTES);
  const counts: Record<string, number> = {};
  if ((input.listing ?? 'list') === 'list') {
    add(counts, requestKey('S3', 'ListObjectsV2', 'STANDARD'), Math.max(1, Math.ceil(input.objects / KEYS_PER_PAGE)));
  } else {
    add(counts, requestKey('S3', 'GetObject', 'STANDARD'), input.manifestGets ?? 1);
  }
  add(counts, requestKey('S3', 'GetObject', 'STANDARD'), input.objects + shards);
  let bundles = 0;
  let batches = 0;
  for (const group of input.bundles) {
    const up = bundleUploadRequests(group.bytes, partBytes);
    add(counts, requestKey('S3', 'PutObject', storageClass), group.count * up.putObject);
    add(counts, requestKey('S3', 'CreateMultipartUpload', storageClass), group.count * up.createMultipartUpload);
    add(counts, requestKey('S3', 'UploadPart', storageClass), group.count * up.uploadPart);
    add(counts, requestKey('S3', 'CompleteMultipartUpload', storageClass), group.count * up.completeMultipartUpload);
    bundles += group.count;
    batches += group.count * Math.ceil(group.entries / INDEX_BATCH_SIZE);
  }
  add(counts, requestKey('S3', 'PutObject', 'STANDARD'), bundles + shards + (input.reports ?? 1));
  if (input.deleteSource ?? true) add(counts, requestKey('S3', 'DeleteObjects', 'STANDARD'), Math.ceil(input.objects / KEYS_PER_PAGE));
  add(counts, requestKey('DynamoDB', 'BatchWriteItem'), batches);
  return counts;
}
