import { ARCHIVE_STORAGE_CLASSES, type ArchiveStorageClass } from '../domain/model.js';
import type { PriceTable } from './price-table.js';
import { priceOf } from './price-table.js';
import { classPrices, retrievalPrices, type RestoreTier } from './storage-class-prices.js';
import type { RequestCounts } from './requests.js';

/** S3 operations billed at the class's "PUT, COPY, POST, LIST" price. */
const PUT_TIER_OPERATIONS = new Set([
  'PutObject',
  'CopyObject',
  'CreateMultipartUpload',
  'UploadPart',
  'UploadPartCopy',
  'CompleteMultipartUpload',
  'ListObjectsV2',
  'ListObjects',
  'ListObjectVersions',
  'ListParts',
  'ListMultipartUploads',
  'ListBuckets',
  'CreateBucket',
]);

/**
 * Multipart requests billed at the S3 Standard PUT rate when they write to GLACIER or DEEP_ARCHIVE: AWS bills
 * CreateMultipartUpload, UploadPart and UploadPartCopy to these classes at Standard request rates and only the
 * CompleteMultipartUpload (like a PutObject) at the class's PUT rate.
 * Source: note 7 of https://docs.aws.amazon.com/AmazonS3/latest/userguide/aws-usage-report-understand.html
 * (table entry `s3.multipart.archive_class_parts_at_standard_rate`).
 */
export const STANDARD_RATE_MULTIPART_OPERATIONS: ReadonlySet<string> = new Set(['CreateMultipartUpload', 'UploadPart', 'UploadPartCopy']);

/** Classes whose multipart part requests are billed at the S3 Standard rate (see {@link STANDARD_RATE_MULTIPART_OPERATIONS}). */
export const STANDARD_RATE_PART_CLASSES: ReadonlySet<ArchiveStorageClass> = new Set<ArchiveStorageClass>(['GLACIER', 'DEEP_ARCHIVE']);

/**
 * The storage class whose price applies to an S3 request on objects of `storageClass`: STANDARD for the
 * multipart part requests to GLACIER and DEEP_ARCHIVE, else the class itself.
 * @param operation SDK command name without `Command`, e.g. `UploadPart`
 * @param storageClass class of the object written or read
 */
export function billedRequestClass(operation: string, storageClass: ArchiveStorageClass): ArchiveStorageClass {
  return STANDARD_RATE_MULTIPART_OPERATIONS.has(operation) && STANDARD_RATE_PART_CLASSES.has(storageClass) ? 'STANDARD' : storageClass;
}

/** S3 operations that are free ("DELETE and CANCEL requests are free", see `s3.delete_requests_per_1000`). */
const FREE_OPERATIONS = new Set(['DeleteObject', 'DeleteObjects', 'AbortMultipartUpload']);

const RESTORE_TIERS: readonly RestoreTier[] = ['Standard', 'Bulk', 'Expedited'];

/** One priced line of a request-count snapshot. */
export interface PricedRequestLine {
  /** The request key, e.g. `S3:UploadPart:DEEP_ARCHIVE`. */
  readonly key: string;
  /** Number of requests. */
  readonly requests: number;
  /** USD per 1,000 requests applied (0 for free or unpriced requests). */
  readonly usd_per_1000: number;
  /** requests × usd_per_1000 / 1,000. */
  readonly usd: number;
  /** Why a line is priced 0 when it is not a free request type (e.g. DynamoDB: billed per write unit). */
  readonly note?: string;
}

/**
 * Price S3 request counts with a price table. PUT/COPY/POST/LIST operations use the class's PUT price, except
 * CreateMultipartUpload/UploadPart/UploadPartCopy to GLACIER and DEEP_ARCHIVE, which are billed at the STANDARD
 * PUT price ({@link billedRequestClass}); DELETE-type requests are free, RestoreObject uses the archive
 * class's retrieval-request price for the tier (`S3:RestoreObject:<tier>`), every other S3 operation
 * uses the class's GET price. DynamoDB requests are priced per write/read unit elsewhere and appear here at
 * $0 with a note. Unknown qualifiers default to STANDARD.
 * Sources: the table entries (`s3.<class>.put*`, `get*`, `retrieval.*`, `s3.delete_requests_per_1000`).
 *
 * @param table price table
 * @param counts request counts (from `predictRequests` or a meter snapshot)
 * @param restoreClass class of restored objects for `RestoreObject` keys. Default DEEP_ARCHIVE.
 * @returns the lines (sorted by key) and their total in USD
 */
export function priceRequestCounts(
  table: PriceTable,
  counts: RequestCounts,
  restoreClass: ArchiveStorageClass = 'DEEP_ARCHIVE',
): { lines: PricedRequestLine[]; total_usd: number } {
  const lines: PricedRequestLine[] = [];
  for (const key of Object.keys(counts).sort()) {
    const requests = counts[key] ?? 0;
    const [service, operation = '', qualifier] = key.split(':');
    let per1000 = 0;
    let note: string | undefined;
    if (service !== 'S3') {
      note = 'billed per capacity unit, not per request';
    } else if (FREE_OPERATIONS.has(operation)) {
      per1000 = priceOf(table, 's3.delete_requests_per_1000');
    } else if (operation === 'RestoreObject') {
      const tier = RESTORE_TIERS.find((t) => t === qualifier) ?? 'Standard';
      per1000 = retrievalPrices(table, restoreClass, tier).requestPer1000;
    } else {
      const cls = ARCHIVE_STORAGE_CLASSES.find((c) => c === qualifier) ?? 'STANDARD';
      const prices = classPrices(table, billedRequestClass(operation, cls));
      per1000 = PUT_TIER_OPERATIONS.has(operation) ? prices.putPer1000 : prices.getPer1000;
    }
    lines.push({ key, requests, usd_per_1000: per1000, usd: (requests * per1000) / 1000, ...(note ? { note } : {}) });
  }
  return { lines, total_usd: lines.reduce((sum, l) => sum + l.usd, 0) };
}
