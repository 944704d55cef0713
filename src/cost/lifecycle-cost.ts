import type { PriceTable } from './price-table.js';
import { classKeyPrefix, classPrices, type TargetStorageClass } from './storage-class-prices.js';
import { bucketIsBelow, type Population } from './population.js';
import { breakdown, costItem, type CostBreakdown, type CostItem } from './cost-items.js';
import { AWS_KB_BYTES, BILLED_GB_BYTES } from './units.js';

/**
 * S3's default minimum object size for lifecycle transitions since September 2024
 * (`TransitionDefaultMinimumObjectSize` = `all_storage_classes_128K`, for every storage class): 128 KB =
 * 131,072 bytes; smaller objects stay where they are. A rule's own `ObjectSizeGreaterThan`/`ObjectSizeLessThan`
 * filter decides instead ("Custom filters always take precedence over the default transition behavior"), for
 * every class, STANDARD_IA and GLACIER_IR included (where objects under 128 KB are then billed as 128 KB).
 * Source: https://docs.aws.amazon.com/boto3/latest/reference/services/s3/bucketlifecycleconfiguration/transition_default_minimum_object_size.html
 */
export const DEFAULT_MIN_TRANSITION_BYTES = 128 * AWS_KB_BYTES;

/** Inputs of {@link lifecycleCost}. */
export interface LifecycleCostInput {
  /** Objects the rule applies to (all in STANDARD before). */
  readonly population: Population;
  /** Target class of the transition. */
  readonly storageClass: TargetStorageClass;
  /** Horizon in months for `total_usd`. */
  readonly months: number;
  /**
   * Objects smaller than this many bytes are not transitioned and stay in STANDARD. 0 = every object is
   * transitioned (a rule with its own size filter, e.g. `ObjectSizeGreaterThan` 0, for any class; or
   * `varies_by_storage_class` for GLACIER/DEEP_ARCHIVE); {@link DEFAULT_MIN_TRANSITION_BYTES} = S3's default since
   * 2024 for a rule without a size filter. Default 0.
   */
  readonly minTransitionBytes?: number;
}

/**
 * Cost of archiving a population with an S3 lifecycle transition rule.
 * - one time: one transition request per transitioned object (`s3.<class>.lifecycle_transition_per_1000`);
 * - monthly: the transitioned bytes at the class rate (each object billed at least the class's minimum
 *   billable size, 128 KB for STANDARD_IA and GLACIER_IR), the per-object archive overhead for GLACIER and
 *   DEEP_ARCHIVE (8 KB at STANDARD + 32 KB at the class rate, http://docs.aws.amazon.com/AmazonS3/latest/dev/object-archival.html),
 *   and the bytes of objects below `minTransitionBytes`, which stay in STANDARD.
 * Storage GB = 2^30 bytes; KB = 1,024 bytes.
 * @param input population, target class, horizon, minimum transition size
 * @param table price table
 * @returns the itemised {@link CostBreakdown}
 * @throws ValidationError when the table lacks a needed price
 */
export function lifecycleCost(input: LifecycleCostInput, table: PriceTable): CostBreakdown {
  const cls = classPrices(table, input.storageClass);
  const standard = classPrices(table, 'STANDARD');
  const p = classKeyPrefix(input.storageClass);
  const threshold = input.minTransitionBytes ?? 0;
  const minBillable = cls.minBillableKb * AWS_KB_BYTES;
  let objects = 0;
  let billedBytes = 0;
  let leftObjects = 0;
  let leftBytes = 0;
  for (const b of input.population.buckets) {
    if (threshold > 0 && bucketIsBelow(b, threshold)) {
      leftObjects += b.objects;
      leftBytes += b.bytes;
      continue;
    }
    objects += b.objects;
    const avg = b.objects === 0 ? 0 : b.bytes / b.objects;
    billedBytes += avg >= minBillable ? b.bytes : b.objects * minBillable;
  }
  const oneTime: CostItem[] = [
    costItem(
      'transition_requests',
      objects,
      'requests',
      (cls.transitionPer1000 ?? 0) / 1000,
      `${p}.lifecycle_transition_per_1000`,
      `one lifecycle transition request per transitioned object`,
    ),
  ];
  const monthly: CostItem[] = [
    costItem(
      'archive_storage',
      billedBytes / BILLED_GB_BYTES,
      'GiB-month',
      cls.storagePerGbMonth,
      `${p}.storage`,
      minBillable > 0 ? `objects billed at least ${cls.minBillableKb} KB each` : 'transitioned bytes',
    ),
  ];
  if (cls.overheadStandardKb > 0 || cls.overheadArchiveKb > 0) {
    monthly.push(
      costItem(
        'overhead_at_standard',
        (objects * cls.overheadStandardKb * AWS_KB_BYTES) / BILLED_GB_BYTES,
        'GiB-month',
        standard.storagePerGbMonth,
        `${p}.per_object_overhead_standard, s3.standard.storage_first_50tb`,
        `${cls.overheadStandardKb} KB per archived object at the STANDARD rate`,
      ),
      costItem(
        'overhead_at_archive_rate',
        (objects * cls.overheadArchiveKb * AWS_KB_BYTES) / BILLED_GB_BYTES,
        'GiB-month',
        cls.storagePerGbMonth,
        `${p}.per_object_overhead_archive, ${p}.storage`,
        `${cls.overheadArchiveKb} KB per archived object at the ${input.storageClass} rate`,
      ),
    );
  }
  if (leftObjects > 0) {
    monthly.push(
      costItem(
        'left_in_standard',
        leftBytes / BILLED_GB_BYTES,
        'GiB-month',
        standard.storagePerGbMonth,
        's3.standard.storage_first_50tb, s3.lifecycle.default_min_transition_object_size',
        `${leftObjects} objects below ${threshold} bytes are not transitioned (S3's default minimum; a size filter in the rule would decide instead)`,
      ),
    );
  }
  return breakdown(oneTime, monthly, input.months);
}
