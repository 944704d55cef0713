import { ValidationError } from '../domain/errors.js';
import type { PriceTable } from './price-table.js';
import { priceOf } from './price-table.js';
import { classKeyPrefix, classPrices, retrievalPrices, type RestoreTier, type TargetStorageClass } from './storage-class-prices.js';
import type { BundlePlan } from './bundle-plan.js';
import { costItem, type CostItem } from './cost-items.js';
import { BILLED_GB_BYTES } from './units.js';

/** Inputs of {@link restoreCosts}. */
export interface RestoreCostInput {
  /** Files to restore (N ≥ 1). */
  readonly files: number;
  /** Average size of a restored file in bytes. */
  readonly avgFileBytes: number;
  /** Storage class the files (or their bundles) are archived in. */
  readonly storageClass: TargetStorageClass;
  /** Restore tier (GLACIER/DEEP_ARCHIVE). Default `Standard`, like `coldpack restore`. */
  readonly tier?: RestoreTier;
  /** Days the restored bundle copy is kept (RestoreObject `Days`). Default 3, like `coldpack restore`. */
  readonly days?: number;
  /** Days extracted files stay in the restore bucket (the stack's `RestoreExpiryDays`). Default 7. */
  readonly bucketDays?: number;
  /** The coldpack bundles the files live in. */
  readonly plan: BundlePlan;
}

/** One restore scenario: the bundles touched and the itemised cost. */
export interface RestoreScenario {
  /** Archived objects that must be restored (bundles for coldpack, files for individually archived objects). */
  readonly objects_restored: number;
  /** Bytes retrieved from the archive class (whole bundles after a RestoreObject; only the files' bytes for GLACIER_IR/STANDARD_IA). */
  readonly bytes_retrieved: number;
  /** Itemised cost. */
  readonly items: readonly CostItem[];
  /** Sum of `items`, USD. */
  readonly total_usd: number;
}

/** Restore of N files three ways: coldpack with files spread over bundles, coldpack with files clustered, and individually archived objects. */
export interface RestoreComparison {
  /** Files restored (N). */
  readonly files: number;
  /** Restore tier priced. */
  readonly tier: RestoreTier;
  /** Days restored copies are kept (RestoreObject `Days`). */
  readonly days: number;
  /** Days extracted files stay in the restore bucket. */
  readonly bucket_days: number;
  /** Files picked at random: expected distinct bundles B × (1 − (1 − 1/B)^N). */
  readonly coldpack_spread: RestoreScenario;
  /** Files next to each other in key order (e.g. one day's files): ceil(N / entries per bundle) bundles. */
  readonly coldpack_clustered: RestoreScenario;
  /** The same N files archived one object each by a lifecycle rule. */
  readonly individual_objects: RestoreScenario;
}

function scenario(items: CostItem[], objects: number, bytes: number): RestoreScenario {
  return { objects_restored: objects, bytes_retrieved: bytes, items, total_usd: items.reduce((s, i) => s + i.usd, 0) };
}

/**
 * Cost of restoring N files, coldpack against individually archived objects.
 * Coldpack, GLACIER/DEEP_ARCHIVE: one RestoreObject per bundle touched (tier request price), the whole bundle's
 * bytes × the tier's per-GB price, the restored bundle copy at the STANDARD rate for `days`. GLACIER_IR and
 * STANDARD_IA have no restore step: a ranged GET is billed the retrieval fee on the bytes it returns, so only
 * the N files' bytes are retrieved. Then, every class: one ranged GET per file (class GET price), one PUT per
 * file into the restore bucket and the files kept there for `bucketDays` at STANDARD, one SNS message.
 * Individually archived: N RestoreObject (GLACIER/DEEP_ARCHIVE), N × file bytes retrieved, the copies for `days`, N GETs.
 * Restored copies are billed at the STANDARD rate while they exist
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/restoring-objects.html); a month is 30 days.
 * @throws ValidationError for files < 1, or a tier the class does not offer (Expedited on DEEP_ARCHIVE)
 */
export function restoreCosts(input: RestoreCostInput, table: PriceTable): RestoreComparison {
  if (!Number.isSafeInteger(input.files) || input.files < 1) {
    throw new ValidationError(`restore_files: expected a whole number ≥ 1, got ${input.files}`, 'restore_files');
  }
  const tier = input.tier ?? 'Standard';
  const days = input.days ?? 3;
  const bucketDays = input.bucketDays ?? 7;
  const { files, storageClass, plan } = input;
  const retrieval = retrievalPrices(table, storageClass, tier);
  const cls = classPrices(table, storageClass);
  const std = classPrices(table, 'STANDARD');
  const p = classKeyPrefix(storageClass);
  const t = tier.toLowerCase();
  const reqKey = cls.needsRestore ? `${p}.retrieval.${t}.requests_per_1000` : 'none';
  const gbKey = cls.needsRestore ? `${p}.retrieval.${t}.per_gb` : `${p}.retrieval_per_gb`;
  const copyMonths = days / 30;
  const bucketMonths = bucketDays / 30;
  const fileBytes = files * input.avgFileBytes;
  const bundles = Math.max(1, plan.bundles);
  const avgBundleBytes = plan.bundles === 0 ? 0 : plan.bundleBytes / plan.bundles;
  const entriesPerBundle = plan.groups.reduce((m, g) => Math.max(m, g.entries), 1);

  const coldpack = (touched: number): RestoreScenario => {
    const bytes = cls.needsRestore ? touched * avgBundleBytes : fileBytes;
    const items: CostItem[] = [];
    if (cls.needsRestore) {
      items.push(
        costItem('restore_requests', touched, 'requests', retrieval.requestPer1000 / 1000, reqKey, 'one RestoreObject per bundle'),
        costItem(
          'restored_copy_storage',
          (bytes / BILLED_GB_BYTES) * copyMonths,
          'GiB-month',
          std.storagePerGbMonth,
          's3.standard.storage_first_50tb',
          `restored bundle copies kept ${days} day(s)`,
        ),
      );
    }
    items.push(
      costItem(
        'retrieval',
        bytes / BILLED_GB_BYTES,
        'GiB',
        retrieval.perGb,
        gbKey,
        cls.needsRestore ? 'whole bundles are retrieved' : 'no restore step: the ranged GETs are billed on the bytes they return',
      ),
      costItem('ranged_gets', files, 'requests', cls.getPer1000 / 1000, `${p}.get_per_1000`, 'one ranged GET per file'),
      costItem(
        'restore_bucket_puts',
        files,
        'requests',
        std.putPer1000 / 1000,
        's3.standard.put_copy_post_list_per_1000',
        'extracted files written to the restore bucket',
      ),
      costItem(
        'restore_bucket_storage',
        (fileBytes / BILLED_GB_BYTES) * bucketMonths,
        'GiB-month',
        std.storagePerGbMonth,
        's3.standard.storage_first_50tb',
        `extracted files kept ${bucketDays} day(s) (RestoreExpiryDays)`,
      ),
      costItem('notification', 1, 'publishes', priceOf(table, 'sns.publish_per_million') / 1e6, 'sns.publish_per_million'),
    );
    return scenario(items, touched, bytes);
  };

  const spread = Math.min(files, Math.ceil(bundles * (1 - Math.pow(1 - 1 / bundles, files)) - 1e-9));
  const clustered = Math.min(bundles, Math.ceil(files / entriesPerBundle));
  const individualItems: CostItem[] = [];
  if (cls.needsRestore) {
    individualItems.push(
      costItem('restore_requests', files, 'requests', retrieval.requestPer1000 / 1000, reqKey, 'one RestoreObject per file'),
      costItem(
        'restored_copy_storage',
        (fileBytes / BILLED_GB_BYTES) * copyMonths,
        'GiB-month',
        std.storagePerGbMonth,
        's3.standard.storage_first_50tb',
        `restored copies kept ${days} day(s)`,
      ),
    );
  }
  individualItems.push(
    costItem('retrieval', fileBytes / BILLED_GB_BYTES, 'GiB', retrieval.perGb, gbKey, 'each file retrieved alone'),
    costItem('gets', files, 'requests', cls.getPer1000 / 1000, `${p}.get_per_1000`, 'one GET per restored copy'),
  );
  return {
    files,
    tier,
    days,
    bucket_days: bucketDays,
    coldpack_spread: coldpack(Math.max(1, spread)),
    coldpack_clustered: coldpack(Math.max(1, clustered)),
    individual_objects: scenario(individualItems, files, fileBytes),
  };
}
