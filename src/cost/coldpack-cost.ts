import type { PriceTable } from './price-table.js';
import { priceOf } from './price-table.js';
import { classKeyPrefix, classPrices, type TargetStorageClass } from './storage-class-prices.js';
import type { Population } from './population.js';
import { planBundles, type BundlePlan, type BundlePlanOptions } from './bundle-plan.js';
import { predictRequests, type RequestCounts } from './requests.js';
import { priceRequestCounts } from './request-pricing.js';
import { breakdown, costItem, type CostBreakdown, type CostItem } from './cost-items.js';
import { computeCostItem, jobTaskHours, DEFAULT_COMPUTE, STEP_TASKS_PER_JOB, type ComputeProfile } from './compute-cost.js';
import { catalogCost, DEFAULT_CATALOG_MODE, type CatalogMode } from './catalog-cost.js';
import { networkCostItems } from './network-cost.js';
import { DEFAULT_NETWORK_MODE, type NetworkMode } from './stack-defaults.js';
import { AWS_KB_BYTES, BILLED_GB_BYTES } from './units.js';

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
  /** Catalog mode. Default `compact`. */
  readonly catalog?: CatalogMode;
  /** Point-in-time recovery on the per-file index (`per_file` only). Default false. */
  readonly perFilePitr?: boolean;
  /** Network mode of the stack (decides the variable network line). Default `private`. */
  readonly network?: NetworkMode;
  /** `existing`: S3 and DynamoDB gateway endpoints present. Default true. */
  readonly gatewayEndpoints?: boolean;
}

/** {@link coldpackCost}'s answer: the breakdown plus the plan and request counts it was priced from. */
export interface ColdpackCost extends CostBreakdown {
  /** The predicted bundles. */
  readonly plan: BundlePlan;
  /** The predicted S3 and DynamoDB requests (see `predictRequests`). */
  readonly requests: RequestCounts;
  /** Estimated per-file index item size in bytes (`per_file` catalog; 0 with `compact`). */
  readonly index_item_bytes: number;
  /** Estimated bundle-directory item size in bytes. */
  readonly directory_item_bytes: number;
}

/** How S3 request keys are grouped into cost lines; each key goes to the first group that matches. */
const S3_GROUPS: readonly { name: string; match: (key: string, cls: string) => boolean; detail: string }[] = [
  {
    name: 'listing',
    match: (k) => k.startsWith('S3:ListObjectsV2') || k.startsWith('S3:HeadBucket'),
    detail: 'source check + 2 listing passes (count, shard plans) of 1 LIST per 1,000 objects',
  },
  { name: 'source_gets', match: (k) => k.startsWith('S3:GetObject:'), detail: 'one GET per object + shard plans and manifests read back' },
  {
    name: 'bundle_part_uploads',
    match: (k, cls) => /^S3:(CreateMultipartUpload|UploadPart):/.test(k) && k.endsWith(`:${cls}`),
    detail: 'per multipart bundle: CreateMultipartUpload + UploadPart × parts (GLACIER/DEEP_ARCHIVE: billed at the STANDARD PUT price)',
  },
  {
    name: 'bundle_commits',
    match: (k, cls) => /^S3:(PutObject|CompleteMultipartUpload):/.test(k) && k.endsWith(`:${cls}`),
    detail: 'per bundle: PutObject, or CompleteMultipartUpload (the class PUT price)',
  },
  {
    name: 'bundle_verify_heads',
    match: (k, cls) => k === `S3:HeadObject:${cls}`,
    detail: 'one HeadObject per bundle to verify its size and CRC-32 (GET-class price)',
  },
  {
    name: 'standard_puts',
    match: (k) => k.endsWith(':STANDARD') && !k.startsWith('S3:DeleteObjects'),
    detail: 'gzip manifests beside the bundles, shard plans, job report (STANDARD)',
  },
  { name: 'source_deletes', match: (k) => k.startsWith('S3:DeleteObjects'), detail: 'DeleteObjects, 1 per 1,000 objects (free)' },
  { name: 'other_requests', match: () => true, detail: 'other S3 requests' },
];

/**
 * Cost of archiving a population with coldpack.
 * - one time: S3 requests from `predictRequests` priced per class (LIST and manifest PUTs at STANDARD; bundle
 *   PutObject/CompleteMultipartUpload at the class PUT price and, for GLACIER/DEEP_ARCHIVE, CreateMultipartUpload
 *   and UploadPart at the STANDARD PUT price; the verifying HeadObject at the class GET price; GETs; free
 *   DeleteObjects); the catalog writes (`catalogCost`: one directory item per bundle, plus per-file rows with
 *   `per_file`); bookkeeping writes; worker compute at the stack's Fargate size and capacity; the run's network
 *   line (`networkCostItems`); one SNS summary.
 * - monthly: bundle bytes at the class rate, the class's per-object overhead per bundle, manifests at STANDARD,
 *   the catalog's storage (and PITR where enabled). Storage GiB = 2^30 bytes.
 * @param input population, class, horizon, packing, compute, catalog and network (see {@link ColdpackCostInput})
 * @param table price table
 * @throws ValidationError when the table lacks a needed price or a throughput is not positive
 */
export function coldpackCost(input: ColdpackCostInput, table: PriceTable): ColdpackCost {
  const { population, storageClass } = input;
  const mode = input.catalog ?? DEFAULT_CATALOG_MODE;
  const compute = input.compute ?? DEFAULT_COMPUTE;
  const plan = planBundles(population, input);
  const requests = predictRequests({
    objects: population.objects,
    bundles: plan.groups,
    storageClass,
    shards: plan.shards,
    avgKeyBytes: population.avg_key_bytes,
    catalog: mode,
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
  const catalog = catalogCost(
    {
      mode,
      objects: population.objects,
      bundles: plan.bundles,
      avgKeyBytes: population.avg_key_bytes,
      ...(input.bucketNameBytes === undefined ? {} : { bucketNameBytes: input.bucketNameBytes }),
      ...(input.perFilePitr === undefined ? {} : { perFilePitr: input.perFilePitr }),
    },
    table,
  );
  const wruPrice = priceOf(table, 'dynamodb.on_demand.write_request_unit_per_million') / 1e6;
  const bookkeeping = plan.bundles > 0 ? BOOKKEEPING_WRU.perJob + BOOKKEEPING_WRU.perShard * plan.shards + BOOKKEEPING_WRU.perBundle * plan.bundles : 0;
  const deleting = input.deleteSource ?? true;
  oneTime.push(
    ...catalog.one_time,
    costItem(
      'bookkeeping_writes',
      bookkeeping,
      'WRU',
      wruPrice,
      'dynamodb.on_demand.write_request_unit_per_million',
      `job, shard and bundle items (${BOOKKEEPING_WRU.perJob} per job, ${BOOKKEEPING_WRU.perShard} per shard, ${BOOKKEEPING_WRU.perBundle} per bundle)`,
    ),
    computeCostItem(table, population.objects, population.bytes, plan.shards, compute),
    ...networkCostItems(
      {
        network: input.network ?? DEFAULT_NETWORK_MODE,
        ...(input.gatewayEndpoints === undefined ? {} : { gatewayEndpoints: input.gatewayEndpoints }),
        tasks: plan.shards === 0 ? 0 : plan.shards + STEP_TASKS_PER_JOB,
        taskHours: jobTaskHours(population.objects, population.bytes, plan.shards, compute),
        s3Bytes: population.bytes + plan.bundleBytes + plan.manifestBytes * (deleting ? 2 : 1),
      },
      table,
    ),
    costItem(
      'notification',
      plan.bundles > 0 ? 1 : 0,
      'publishes',
      priceOf(table, 'sns.publish_per_million') / 1e6,
      'sns.publish_per_million',
      'one SNS summary per job (published by the Batch job-state Lambda)',
    ),
  );
  const cls = classPrices(table, storageClass);
  const standard = classPrices(table, 'STANDARD');
  const p = classKeyPrefix(storageClass);
  const monthly: CostItem[] = [
    costItem(
      'bundle_storage',
      plan.bundleBytes / BILLED_GB_BYTES,
      'GiB-month',
      cls.storagePerGbMonth,
      `${p}.storage`,
      `${plan.bundles} bundles incl. zip headers and manifest entries`,
    ),
  ];
  if (cls.overheadStandardKb > 0 || cls.overheadArchiveKb > 0) {
    const perBundle = cls.overheadStandardKb * standard.storagePerGbMonth + cls.overheadArchiveKb * cls.storagePerGbMonth;
    monthly.push(
      costItem(
        'bundle_archive_overhead',
        plan.bundles,
        'bundle-months',
        (perBundle * AWS_KB_BYTES) / BILLED_GB_BYTES,
        `${p}.per_object_overhead_standard, ${p}.per_object_overhead_archive`,
        `${cls.overheadStandardKb} KB at STANDARD + ${cls.overheadArchiveKb} KB at ${storageClass} per bundle`,
      ),
    );
  }
  monthly.push(
    costItem(
      'manifest_storage',
      plan.manifestBytes / BILLED_GB_BYTES,
      'GiB-month',
      standard.storagePerGbMonth,
      's3.standard.storage_first_50tb',
      'gzip CSV manifests beside the bundles',
    ),
    ...catalog.monthly,
  );
  return {
    ...breakdown(oneTime, monthly, input.months),
    plan,
    requests,
    index_item_bytes: catalog.index_item_bytes,
    directory_item_bytes: catalog.directory_item_bytes,
  };
}
