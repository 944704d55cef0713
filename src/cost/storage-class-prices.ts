import type { ArchiveStorageClass } from '../domain/model.js';
import { ValidationError } from '../domain/errors.js';
import { priceOf, type PriceTable } from './price-table.js';

/** Restore tiers of S3 RestoreObject. */
export type RestoreTier = 'Standard' | 'Bulk' | 'Expedited';

/** Storage classes a lifecycle rule can transition objects into and coldpack can write bundles in (not STANDARD). */
export type TargetStorageClass = Exclude<ArchiveStorageClass, 'STANDARD'>;

/**
 * Unit prices of one S3 storage class, read from the price table. All request prices are USD per 1,000
 * requests, storage USD per GB-month (GB = 2^30 bytes), retrieval USD per GB.
 */
export interface ClassPrices {
  /** USD per GB-month. */
  readonly storagePerGbMonth: number;
  /** PUT, COPY, POST, LIST (incl. CreateMultipartUpload, UploadPart, CompleteMultipartUpload), USD per 1,000. */
  readonly putPer1000: number;
  /** GET, HEAD and other requests, USD per 1,000. */
  readonly getPer1000: number;
  /** Lifecycle transition into this class, USD per 1,000 objects; undefined for STANDARD. */
  readonly transitionPer1000?: number;
  /** Per archived object: KB (1,024 bytes) billed at STANDARD (GLACIER, DEEP_ARCHIVE only, else 0). */
  readonly overheadStandardKb: number;
  /** Per archived object: KB billed at this class's rate (GLACIER, DEEP_ARCHIVE only, else 0). */
  readonly overheadArchiveKb: number;
  /** Minimum billable object size in KB (STANDARD_IA, GLACIER_IR: 128), else 0. */
  readonly minBillableKb: number;
  /** Whether objects must be restored (RestoreObject) before a GET. */
  readonly needsRestore: boolean;
}

const PREFIX: Readonly<Record<ArchiveStorageClass, string>> = {
  STANDARD: 's3.standard',
  STANDARD_IA: 's3.standard_ia',
  GLACIER_IR: 's3.glacier_ir',
  GLACIER: 's3.glacier_fr',
  DEEP_ARCHIVE: 's3.deep_archive',
};

/**
 * Price-table key prefix of a storage class, e.g. `s3.deep_archive` for DEEP_ARCHIVE, `s3.glacier_fr` for GLACIER.
 */
export function classKeyPrefix(storageClass: ArchiveStorageClass): string {
  return PREFIX[storageClass];
}

function first(table: PriceTable, keys: readonly string[]): number {
  const key = keys.find((k) => table.prices[k] !== undefined) ?? keys[0] ?? '';
  return priceOf(table, key);
}

function optional(table: PriceTable, key: string): number {
  return table.prices[key] === undefined ? 0 : priceOf(table, key);
}

/**
 * The unit prices of a storage class (key names differ by class in the table, e.g. `put_per_1000` for
 * Glacier classes and `put_copy_post_list_per_1000` for Standard).
 * Sources: the entries of the table (each has its `source`).
 * @throws ValidationError when a needed key is missing from the table
 */
export function classPrices(table: PriceTable, storageClass: ArchiveStorageClass): ClassPrices {
  const p = PREFIX[storageClass];
  return {
    storagePerGbMonth: first(table, [`${p}.storage`, `${p}.storage_first_50tb`]),
    putPer1000: first(table, [`${p}.put_per_1000`, `${p}.put_copy_post_per_1000`, `${p}.put_copy_post_list_per_1000`]),
    getPer1000: first(table, [`${p}.get_per_1000`, `${p}.get_select_per_1000`]),
    ...(storageClass === 'STANDARD' ? {} : { transitionPer1000: priceOf(table, `${p}.lifecycle_transition_per_1000`) }),
    overheadStandardKb: optional(table, `${p}.per_object_overhead_standard`),
    overheadArchiveKb: optional(table, `${p}.per_object_overhead_archive`),
    minBillableKb: optional(table, `${p}.min_billable_object_size`),
    needsRestore: storageClass === 'GLACIER' || storageClass === 'DEEP_ARCHIVE',
  };
}

/** Retrieval prices for reading archived bytes back: per 1,000 restore requests and per GB. */
export interface RetrievalPrices {
  /** USD per 1,000 RestoreObject requests (0 for classes without restore). */
  readonly requestPer1000: number;
  /** USD per GB retrieved. */
  readonly perGb: number;
}

/**
 * Retrieval prices of a class and tier. GLACIER_IR and STANDARD_IA have a per-GB retrieval fee and no
 * RestoreObject; STANDARD has neither.
 * Source: https://docs.aws.amazon.com/AmazonS3/latest/userguide/restoring-objects-retrieval-options.html
 * (Expedited is not offered for DEEP_ARCHIVE).
 * @throws ValidationError (field `retrieval_tier`) for Expedited on DEEP_ARCHIVE
 */
export function retrievalPrices(table: PriceTable, storageClass: ArchiveStorageClass, tier: RestoreTier): RetrievalPrices {
  const p = PREFIX[storageClass];
  if (storageClass === 'STANDARD') return { requestPer1000: 0, perGb: 0 };
  if (storageClass === 'STANDARD_IA' || storageClass === 'GLACIER_IR') {
    return { requestPer1000: 0, perGb: priceOf(table, `${p}.retrieval_per_gb`) };
  }
  const t = tier.toLowerCase();
  if (table.prices[`${p}.retrieval.${t}.per_gb`] === undefined) {
    throw new ValidationError(`retrieval tier ${tier} is not offered for ${storageClass}`, 'retrieval_tier');
  }
  return {
    requestPer1000: priceOf(table, `${p}.retrieval.${t}.requests_per_1000`),
    perGb: priceOf(table, `${p}.retrieval.${t}.per_gb`),
  };
}
