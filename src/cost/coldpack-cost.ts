import type { PriceTable } from './price-table.js';
import { priceOf } from './price-table.js';
import { classKeyPrefix, classPrices, type TargetStorageClass } from './storage-class-prices.js';
import type { Population } from './population.js';
import { planBundles, type BundlePlan, type BundlePlanOptions } from './bundle-plan.js';
import { predictRequests, requestKey, type RequestCounts } from './requests.js';
import { priceRequestCounts } from './request-pricing.js';
import { breakdown, costItem, type CostBreakdown, type CostItem } from './cost-items.js';
import { computeCostItem, DEFAULT_COMPUTE, type ComputeProfile } from './compute-cost.js';
import { indexItemBytes, storedBytesPerItem, writeUnitsPerItem, DEFAULT_BUCKET_NAME_BYTES } from './index-items.js';
import { AWS_KB_BYTES, BILLED_GB_BYTES } from './units.js';
import { DEFAULT_INTERFACE_ENDPOINTS, WORKER_IMAGE_GB } from './deployment-cost.js';

/**
 * Bookkeeping write units (items under 1 KB on the jobs and bundles tables): per job (create, lock, status
 * updates, report), per shard (plan item, status, counters), per bundle (WRITING, WRITING with the upload id,
 * COMMITTED). Estimated from src/archive/archive-engine.ts and bundle-packer.ts.
 */
export const BOOKKEEPING_WRU = Object.freeze({ perJob: 8, perShard: 3, perBundle: 3 });

/** Inputs of {@link coldpackCost}. */
export interface ColdpackCostInput extends BundlePlanOptions {
  /** Source objects. */
  readonly population: Population;
  /** Bundle storage class. */
  readonly storageClass: TargetStorageClass;
  /** Horizon in months for `total_usd`. */
  readonly months: number;
  /** `list` (ListObjectsV2) or `manifest` (CSV / S3 Inventory file). Default `list`. */
  readonly listing?: 'list' | 'manifest';
  /** Delete sources after archiving. Default true. */
  readonly deleteSource?: boolean;
  /** Source bucket name length in bytes (index item size). Default 30. */
  readonly bucketNameBytes?: number;
  /** Worker throughput and size. Default {@link DEFAULT_COMPUTE}. */
  readonly compute?: ComputeProfile;
  /** Interface VPC endpoints the workers' ECR/Logs/SNS traffic goes through (0 = none, no processing fee). Default 4. */
  readonly interfaceEndpoints?: number;
}

/** {@link coldpackCost}'s answer: the breakdown plus the plan and request counts it was priced from. */
export interface ColdpackCost extends CostBreakdown {
  /** The predicted bundles. */
  readonly plan: BundlePlan;
  /** The predicted S3 and DynamoDB requests (see `predictRequests`). */
  readonly requests: RequestCounts;
  /** Estimated file-index item size in bytes. */
  readonly index_item_bytes: number;
}

/** How S3 request keys are grouped into cost lines; each key goes to the first group that matches. */
const S3_GROUPS: readonly { name: string; match: (key: string, cls: string) => boolean; detail: string }[] = [
  { name: 'listing', match: (k) => k.startsWith('S3:ListObjectsV2') || k.startsWith('S3:HeadBucket'),
    detail: 'source check + 2 listing passes (count, shard plans) of 1 LIST per 1,000 objects' },
  { name: 'source_gets', match: (k) => k.startsWith('S3:GetObject:'), detail: 'one GET per object + shard plans and manifests read back' },
  { name: 'bundle_uploads', match: (k, cls) => k.endsWith(`:${cls}`) && !k.startsWith('S3:HeadObject:'),
    detail: 'per bundle: PutObject, or CreateMultipartUpload + UploadPart × parts + CompleteMultipartUpload (PUT-class price)' },
  { name: 'bundle_verify_heads', match: (k, cls) => k === `S3:HeadObject:${cls}`,
    detail: 'one HeadObject per bundle to verify its size and CRC-32 (GET-class price)' },
  { name: 'standard_puts', match: (k) => k.endsWith(':STANDARD') && !k.startsWith('S3:DeleteObjects'),
    detail: 'gzip manifests beside the bundles, shard plans, job report (STANDARD)' },
  { name: 'source_deletes', match: (k) => k.startsWith('S3:DeleteObjects'), detail: 'DeleteObjects, 1 per 1,000 objects (free)' },
  { name: 'other_requests', match: () => true, detail: 'other S3 requests' },
];

/**
 * Cost of archiving a population with coldpack.
 * - one time: S3 requests from `predictRequests` priced per class (LIST and manifest PUTs at STANDARD,
 *   bundle uploads at the archive class's PUT price, GETs, free DeleteObjects); file-index writes
 *   (one item per object, write units on the table and on the `by_name` GSI); bookkeeping writes; worker
 *   compute at Fargate prices; one SNS summary.
 * - monthly: bundle bytes at the class rate, the class's per-object overhead per bundle, manifests at
 *   STANDARD, the file index in DynamoDB (table + GSI, 100 bytes overhead per item; the 25 GB free tier
 *   is not deducted because other tables share it) and its point-in-time recovery (the stack enables PITR;
 *   billed on the table's size, GSIs not counted). Storage GiB = 2^30 bytes.
 * - one time also: interface-endpoint data processing (upper bound) unless `interfaceEndpoints` is 0.
 * Bundle uploads (PUT class) and the verifying HeadObject (GET class) are separate lines.
 * @param input population, class, horizon, packing, compute (see {@link ColdpackCostInput})
 * @param table price table
 * @throws ValidationError when the table lacks a needed price or a throughput is not positive
 */
export function coldpackCost(input: ColdpackCostInput, table: PriceTable): ColdpackCost {
  const { population, storageClass } = input;
  const plan = planBundles(population, input);
  const requests = predictRequests({
    objects: population.objects,
    bundles: plan.groups,
    storageClass,
    shards: plan.shards,
    avgKeyBytes: population.avg_key_bytes,
    ...(input.listing === undefined ? {} : { listing: input.listing }),
    ...(input.deleteSource === undefined ? {} : { deleteSource: input.deleteSource }),
  });
  const priced = priceRequestCounts(table, requests, storageClass);
  const s3Lines = priced.lines.filter((l) => l.key.startsWith('S3:'));
  const groupOf = (key: string): string => S3_GROUPS.find((g) => g.match(key, storageClass))?.name ?? 'other_requests';
  const oneTime: CostItem[] = S3_GROUPS.flatMap((g) => {
    const lines = s3Lines.filter((l) => groupOf(l.key) === g.name);
    if (lines.length === 0 && g.name === 'other_requests') return [];
    const n = lines.reduce((s, l) => s + l.requests, 0);
    const usd = lines.reduce((s, l) => s + l.usd, 0);
    return [{ ...costItem(g.name, n, 'requests', n === 0 ? 0 : usd / n, lines.map((l) => l.key).join(', ') || 'none', g.detail), usd }];
  });
  const wruPrice = priceOf(table, 'dynamodb.on_demand.write_request_unit_per_million') / 1e6;
  const itemBytes = indexItemBytes(population.avg_key_bytes, input.bucketNameBytes ?? DEFAULT_BUCKET_NAME_BYTES);
  const wruPerItem = writeUnitsPerItem(itemBytes, priceOf(table, 'dynamodb.write_request_unit_bytes'));
  const bookkeeping = plan.bundles > 0 ? BOOKKEEPING_WRU.perJob + BOOKKEEPING_WRU.perShard * plan.shards + BOOKKEEPING_WRU.perBundle * plan.bundles : 0;
  oneTime.push(
    costItem('index_writes', population.objects * wruPerItem, 'WRU', wruPrice, 'dynamodb.on_demand.write_request_unit_per_million',
      `${wruPerItem} WRU per object: ~${itemBytes}-byte item on the files table + the by_name GSI; ` +
        `${requests[requestKey('DynamoDB', 'BatchWriteItem')] ?? 0} BatchWriteItem calls`),
    costItem('bookkeeping_writes', bookkeeping, 'WRU', wruPrice, 'dynamodb.on_demand.write_request_unit_per_million',
      `job, shard and bundle items (${BOOKKEEPING_WRU.perJob} per job, ${BOOKKEEPING_WRU.perShard} per shard, ${BOOKKEEPING_WRU.perBundle} per bundle)`),
    computeCostItem(table, population.objects, population.bytes, plan.shards, input.compute ?? DEFAULT_COMPUTE),
    costItem('notification', plan.bundles > 0 ? 1 : 0, 'publishes', priceOf(table, 'sns.publish_per_million') / 1e6,
      'sns.publish_per_million', 'one SNS summary per job'),
  );
  if ((input.interfaceEndpoints ?? DEFAULT_INTERFACE_ENDPOINTS) > 0 && plan.bundles > 0) {
    oneTime.push(costItem('endpoint_data_processing', plan.shards * WORKER_IMAGE_GB, 'GiB', priceOf(table, 'vpc.interface_endpoint.data_processed_per_gb'),
      'vpc.interface_endpoint.data_processed_per_gb',
      `upper bound: the ${WORKER_IMAGE_GB} GB worker image per shard task through the interface endpoints (layers usually come ` +
        'through the free S3 gateway endpoint); logs and SNS traffic are small'));
  }
  const cls = classPrices(table, storageClass);
  const standard = classPrices(table, 'STANDARD');
  const p = classKeyPrefix(storageClass);
  const storedIndex = storedBytesPerItem(itemBytes, priceOf(table, 'dynamodb.item_storage_overhead'));
  const tableIndex = storedBytesPerItem(itemBytes, priceOf(table, 'dynamodb.item_storage_overhead'), 0);
  const monthly: CostItem[] = [
    costItem('bundle_storage', plan.bundleBytes / BILLED_GB_BYTES, 'GiB-month', cls.storagePerGbMonth, `${p}.storage`,
      `${plan.bundles} bundles incl. zip headers and manifest entries`),
  ];
  if (cls.overheadStandardKb > 0 || cls.overheadArchiveKb > 0) {
    const perBundle = cls.overheadStandardKb * standard.storagePerGbMonth + cls.overheadArchiveKb * cls.storagePerGbMonth;
    monthly.push(costItem('bundle_archive_overhead', plan.bundles, 'bundle-months', (perBundle * AWS_KB_BYTES) / BILLED_GB_BYTES,
      `${p}.per_object_overhead_standard, ${p}.per_object_overhead_archive`,
      `${cls.overheadStandardKb} KB at STANDARD + ${cls.overheadArchiveKb} KB at ${storageClass} per bundle`));
  }
  monthly.push(
    costItem('manifest_storage', plan.manifestBytes / BILLED_GB_BYTES, 'GiB-month', standard.storagePerGbMonth,
      's3.standard.storage_first_50tb', 'gzip CSV manifests beside the bundles'),
    costItem('index_storage', (population.objects * storedIndex) / BILLED_GB_BYTES, 'GiB-month', priceOf(table, 'dynamodb.storage_standard'),
      'dynamodb.storage_standard, dynamodb.item_storage_overhead', `${storedIndex} bytes per object (table + by_name GSI, 100 B overhead each)`),
    costItem('index_pitr', (population.objects * tableIndex) / BILLED_GB_BYTES, 'GiB-month', priceOf(table, 'dynamodb.pitr_per_gb_month'),
      'dynamodb.pitr_per_gb_month, dynamodb.item_storage_overhead',
      `point-in-time recovery on the files table size: ${tableIndex} bytes per object (the GSI is not counted)`),
  );
  return { ...breakdown(oneTime, monthly, input.months), plan, requests, index_item_bytes: itemBytes };
}
