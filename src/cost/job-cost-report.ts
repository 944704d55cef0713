import type { PriceTable } from './price-table.js';
import { priceMeterSnapshot, type MeteredUsage, type MeterPricingOptions } from './meter-pricing.js';
import { lifecycleCost } from './lifecycle-cost.js';
import { classPrices, type TargetStorageClass } from './storage-class-prices.js';
import { populationFromAverage, DEFAULT_AVG_KEY_BYTES } from './population.js';
import { catalogCost, DEFAULT_CATALOG_MODE, type CatalogMode } from './catalog-cost.js';
import { fargateHourlyUsd, DEFAULT_COMPUTE, type ComputeProfile } from './compute-cost.js';
import { breakdown, costItem, type CostBreakdown, type CostItem } from './cost-items.js';
import { AWS_KB_BYTES, BILLED_GB_BYTES } from './units.js';

/** What a finished archive job did (from its report) plus what the meter counted. */
export interface JobCostInput {
  /** The request meter's snapshot for the job. */
  readonly usage: MeteredUsage;
  /** Files archived. */
  readonly files: number;
  /** Source bytes archived. */
  readonly bytes: number;
  /** Bundles written. */
  readonly bundles: number;
  /** Total bytes of the bundles written. */
  readonly bundleBytes: number;
  /** Bundle storage class. */
  readonly storageClass: TargetStorageClass;
  /** Worker seconds, when known (priced at Fargate with `compute`); omitted = compute not counted. */
  readonly workerSeconds?: number;
  /** Worker size for pricing `workerSeconds`. Default {@link DEFAULT_COMPUTE}. */
  readonly compute?: ComputeProfile;
  /** Average key length in bytes (index item size). Default 60. */
  readonly avgKeyBytes?: number;
  /** Horizon in months for the totals. Default 12. */
  readonly months?: number;
  /** Catalog mode the job wrote (its storage is priced monthly). Default `compact`. */
  readonly catalog?: CatalogMode;
  /** Write units per item by table for items without reported ConsumedCapacity (see `priceMeterSnapshot`). */
  readonly writeUnitsPerItem?: MeterPricingOptions['writeUnitsPerItem'];
}

/** The cost section of a job report: measured requests priced, the lifecycle equivalent and the saving (USD). */
export interface JobCostReport {
  /** Measured: request and write costs from the meter (+ compute when given) once, storage per month. */
  readonly measured: CostBreakdown;
  /** The same files archived by a lifecycle transition rule. */
  readonly lifecycle_equivalent: CostBreakdown;
  /** lifecycle_equivalent.total_usd − measured.total_usd over `months`. */
  readonly savings_usd: number;
  /** savings_usd / lifecycle_equivalent.total_usd (0 when the lifecycle total is 0). */
  readonly savings_ratio: number;
  /** The priced request lines, for auditing. */
  readonly request_lines: ReturnType<typeof priceMeterSnapshot>['requests'];
}

/**
 * Cost section of an archive job's report: the meter's counted requests and DynamoDB writes priced with the
 * table (plus worker time at Fargate prices when given), the monthly storage of what was written (bundles at
 * the class rate with the per-object archive overhead per bundle, the catalog's storage per `catalogCost`), and a
 * lifecycle rule's cost for the same files (objects of the job's average size), with the saving.
 * @param input the job's totals and meter snapshot
 * @param table price table
 * @throws ValidationError when the table lacks a needed price
 */
export function jobCostReport(input: JobCostInput, table: PriceTable): JobCostReport {
  const months = input.months ?? 12;
  const priced = priceMeterSnapshot(input.usage, table, {
    restoreClass: input.storageClass,
    ...(input.writeUnitsPerItem ? { writeUnitsPerItem: input.writeUnitsPerItem } : {}),
  });
  const oneTime: CostItem[] = [
    costItem(
      'requests',
      1,
      'job',
      priced.requests.reduce((s, l) => s + l.usd, 0),
      'see request_lines',
      'S3 requests counted by the meter',
    ),
    ...priced.dynamodb_writes,
  ];
  if (input.workerSeconds !== undefined) {
    const hourly = fargateHourlyUsd(table, input.compute ?? DEFAULT_COMPUTE);
    oneTime.push(costItem('compute', input.workerSeconds / 3600, 'task-hours', hourly, 'fargate.linux_*', 'measured worker time'));
  }
  const cls = classPrices(table, input.storageClass);
  const std = classPrices(table, 'STANDARD');
  const catalog = catalogCost(
    { mode: input.catalog ?? DEFAULT_CATALOG_MODE, objects: input.files, bundles: input.bundles, avgKeyBytes: input.avgKeyBytes ?? DEFAULT_AVG_KEY_BYTES },
    table,
  );
  const monthly: CostItem[] = [
    costItem('bundle_storage', input.bundleBytes / BILLED_GB_BYTES, 'GiB-month', cls.storagePerGbMonth, 'storage of the class'),
    costItem(
      'bundle_archive_overhead',
      input.bundles,
      'bundle-months',
      ((cls.overheadStandardKb * std.storagePerGbMonth + cls.overheadArchiveKb * cls.storagePerGbMonth) * AWS_KB_BYTES) / BILLED_GB_BYTES,
      'per_object_overhead_*',
    ),
    ...catalog.monthly,
  ];
  const measured = breakdown(oneTime, monthly, months);
  const population = populationFromAverage(input.files, input.files === 0 ? 0 : input.bytes / input.files);
  const lifecycle = lifecycleCost({ population, storageClass: input.storageClass, months }, table);
  const savings = lifecycle.total_usd - measured.total_usd;
  return {
    measured,
    lifecycle_equivalent: lifecycle,
    savings_usd: savings,
    savings_ratio: lifecycle.total_usd === 0 ? 0 : savings / lifecycle.total_usd,
    request_lines: priced.requests,
  };
}
