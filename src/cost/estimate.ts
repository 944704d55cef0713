import type { PriceTable } from './price-table.js';
import { populationFromAverage, splitBySize, type SizeBucket } from './population.js';
import { lifecycleCost, DEFAULT_MIN_TRANSITION_BYTES } from './lifecycle-cost.js';
import { coldpackCost } from './coldpack-cost.js';
import { restoreCosts, type RestoreComparison } from './restore-cost.js';
import { breakEvenObjectBytes } from './break-even.js';
import type { CostBreakdown } from './cost-items.js';
import type { RequestCounts } from './requests.js';
import type { EstimateInput } from './estimate-input.js';
import { deploymentCost, type DeploymentCost } from './deployment-cost.js';
import { spotDiscountOf } from './compute-cost.js';

/**
 * One point of the cost-vs-object-count chart: totals over the horizon for `objects` of the same average
 * size; `coldpack_usd` includes the charged fixed cost of the stack.
 */
export interface ChartPoint {
  readonly objects: number;
  readonly lifecycle_usd: number;
  readonly coldpack_usd: number;
}

/**
 * The estimate's JSON (CLI `--json`, `POST /estimate`). All money in USD, sizes in bytes, horizon in months.
 * `coldpack.total_usd` INCLUDES the stack's fixed cost: `coldpack.total_usd` = `variable_total_usd`
 * (one_time_usd + monthly_usd × months) + `fixed_total_usd` (deployment.charged_monthly_usd × months).
 * `savings_ratio` = (lifecycle.total_usd − coldpack.total_usd) / lifecycle.total_usd.
 */
export interface EstimateResult {
  readonly input: {
    readonly objects: number;
    readonly bytes: number;
    readonly avg_object_bytes: number;
    readonly avg_key_bytes: number;
    readonly histogram: readonly SizeBucket[];
    readonly storage_class: string;
    readonly archive_size_bytes: number;
    readonly max_files_per_bundle: number;
    readonly months: number;
    /** Network mode of the stack priced. */
    readonly network: string;
    /** Catalog mode priced. */
    readonly catalog: string;
  };
  readonly prices: { readonly region: string; readonly as_of: string };
  /** A lifecycle rule that transitions every object (explicit `ObjectSizeGreaterThan` filter). */
  readonly lifecycle: CostBreakdown;
  /** The same rule under S3's default 128 KB minimum: smaller objects stay in STANDARD. */
  readonly lifecycle_default_min_size: CostBreakdown & { readonly objects_left_in_standard: number; readonly bytes_left_in_standard: number };
  readonly coldpack: CostBreakdown & {
    readonly bundles: number;
    readonly shards: number;
    readonly bundle_bytes: number;
    readonly part_size_bytes: number;
    readonly index_item_bytes: number;
    readonly directory_item_bytes: number;
    readonly requests: RequestCounts;
    /** one_time_usd + monthly_usd × months: what the archive itself costs, without the stack. */
    readonly variable_total_usd: number;
    /** The stack's fixed cost charged to this estimate per month (deployment.charged_monthly_usd). */
    readonly fixed_monthly_usd: number;
    /** fixed_monthly_usd × months. */
    readonly fixed_total_usd: number;
  };
  /** The deployed stack's fixed (idle) monthly cost, itemised (see `deploymentCost`). */
  readonly deployment: DeploymentCost;
  /**
   * Objects per month (of this average size) above which the stack pays for itself: deployment.monthly_usd /
   * (variable saving per object over the horizon, (lifecycle.total_usd − coldpack.variable_total_usd) / objects),
   * rounded up. Each month's cohort, kept `months` months, saves that much; the stack costs monthly_usd that
   * month. null when coldpack's variable cost is not lower than the lifecycle rule's (never pays) or objects = 0.
   */
  readonly stack_break_even_objects_per_month: number | null;
  readonly savings_usd: number;
  readonly savings_ratio: number;
  /**
   * Months after which coldpack's higher monthly cost (variable + charged fixed) has eaten its one-time
   * saving; null if never (or if there is no one-time saving).
   */
  readonly crossover_months: number | null;
  /**
   * Object size (bytes) above which bundling no longer pays per object (variable cost only, the stack's fixed
   * cost left out); 0 = never pays; null = pays up to 5 TiB.
   */
  readonly break_even_object_bytes: number | null;
  readonly restore: RestoreComparison;
  readonly chart: readonly ChartPoint[];
  /** Assumptions a reader must know (defaults that are not measured). */
  readonly assumptions: readonly string[];
}

function roundNumbers<T>(value: T): T {
  if (typeof value === 'number') {
    return (Number.isInteger(value) || !Number.isFinite(value) ? value : Number(value.toPrecision(10))) as T;
  }
  if (Array.isArray(value)) return value.map((v) => roundNumbers(v)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, roundNumbers(v)])) as T;
  }
  return value;
}

function chartCounts(objects: number): number[] {
  const top = Math.max(10_000, objects * 10);
  const counts: number[] = [];
  for (let n = 1_000; n <= top; n *= 10) counts.push(n, 3 * n);
  return counts.filter((n) => n <= top);
}

/**
 * Estimate what archiving a population costs with coldpack versus a lifecycle rule, over `months`.
 * Pure: no AWS calls, no environment reads. The HTTP API's `POST /estimate` and the CLI both return this.
 * @param input validated input (see `parseEstimateRequest`)
 * @param prices price table (see `loadPriceTable`)
 * @returns the itemised {@link EstimateResult}, numbers rounded to 10 significant digits
 * @throws ValidationError when the table lacks a price or an input is out of range
 */
export function estimate(input: EstimateInput, prices: PriceTable): EstimateResult {
  const { population, storageClass, months } = input;
  const settings = {
    storageClass,
    months,
    maxBundleBytes: input.maxBundleBytes,
    maxFilesPerBundle: input.maxFilesPerBundle,
    compressionRatio: input.compressionRatio,
    listing: input.listing,
    deleteSource: input.deleteSource,
    compute: input.compute,
    catalog: input.catalog,
    perFilePitr: input.catalogPitr,
    network: input.deployment.network,
    gatewayEndpoints: input.deployment.gatewayEndpoints,
  };
  const deployment = deploymentCost(input.deployment, prices);
  const fixedMonthly = deployment.charged_monthly_usd;
  const fixedTotal = fixedMonthly * months;
  const lifecycle = lifecycleCost({ population, storageClass, months }, prices);
  const lifecycleDefault = lifecycleCost({ population, storageClass, months, minTransitionBytes: DEFAULT_MIN_TRANSITION_BYTES }, prices);
  const left = splitBySize(population, DEFAULT_MIN_TRANSITION_BYTES).below;
  const coldpack = coldpackCost({ ...settings, population }, prices);
  const coldpackTotal = coldpack.total_usd + fixedTotal;
  const savings = lifecycle.total_usd - coldpackTotal;
  const monthlyGap = coldpack.monthly_usd + fixedMonthly - lifecycle.monthly_usd;
  const variableSavingPerObject = population.objects === 0 ? 0 : (lifecycle.total_usd - coldpack.total_usd) / population.objects;
  const oneTimeGap = lifecycle.one_time_usd - coldpack.one_time_usd;
  const avgSize = population.objects === 0 ? 0 : population.bytes / population.objects;
  const chart = chartCounts(population.objects).map((n) => {
    const p = populationFromAverage(n, avgSize, population.avg_key_bytes);
    return {
      objects: n,
      lifecycle_usd: lifecycleCost({ population: p, storageClass, months }, prices).total_usd,
      coldpack_usd: coldpackCost({ ...settings, population: p }, prices).total_usd + fixedTotal,
    };
  });
  const { plan, requests, index_item_bytes, directory_item_bytes, ...coldpackBreakdown } = coldpack;
  return roundNumbers({
    input: {
      objects: population.objects,
      bytes: population.bytes,
      avg_object_bytes: avgSize,
      avg_key_bytes: population.avg_key_bytes,
      histogram: population.buckets,
      storage_class: storageClass,
      archive_size_bytes: input.maxBundleBytes,
      max_files_per_bundle: input.maxFilesPerBundle,
      months,
      network: input.deployment.network,
      catalog: input.catalog,
    },
    prices: { region: prices.region, as_of: prices.as_of },
    lifecycle,
    lifecycle_default_min_size: { ...lifecycleDefault, objects_left_in_standard: left.objects, bytes_left_in_standard: left.bytes },
    coldpack: {
      ...coldpackBreakdown,
      bundles: plan.bundles,
      shards: plan.shards,
      bundle_bytes: plan.bundleBytes,
      part_size_bytes: plan.partBytes,
      index_item_bytes,
      directory_item_bytes,
      requests,
      variable_total_usd: coldpack.total_usd,
      fixed_monthly_usd: fixedMonthly,
      fixed_total_usd: fixedTotal,
      total_usd: coldpackTotal,
    },
    deployment,
    stack_break_even_objects_per_month: variableSavingPerObject > 0 ? Math.ceil(deployment.monthly_usd / variableSavingPerObject) : null,
    savings_usd: savings,
    savings_ratio: lifecycle.total_usd === 0 ? 0 : savings / lifecycle.total_usd,
    crossover_months: monthlyGap > 0 && oneTimeGap > 0 ? oneTimeGap / monthlyGap : null,
    break_even_object_bytes: breakEvenObjectBytes({ ...settings, avgKeyBytes: population.avg_key_bytes }, prices),
    restore: restoreCosts(
      {
        files: input.restoreFiles,
        avgFileBytes: avgSize,
        storageClass,
        tier: input.restoreTier,
        days: input.restoreDays,
        bucketDays: input.restoreBucketDays,
        plan,
      },
      prices,
    ),
    chart,
    assumptions: [
      `totals count one-time costs plus ${months} month(s) of storage; coldpack.total_usd includes ${months} month(s) of the ` +
        `stack's fixed cost (network ${deployment.network}: ${deployment.interface_endpoints} interface endpoints` +
        `${deployment.network === 'existing' ? '' : ` × ${deployment.azs} AZ(s)`}, share ${deployment.share})`,
      `worker throughput ${input.compute.objectsPerSecond} objects/s and ${input.compute.bytesPerSecond / 1e6} MB/s per ` +
        `${input.compute.vcpu} vCPU / ${input.compute.memoryGb} GB ${input.compute.capacity} task is an ASSUMPTION: measure it with ` +
        '`npm run bench` and pass --objects-per-second / --mb-per-second',
      input.compute.capacity === 'FARGATE_SPOT'
        ? `Fargate Spot priced at ${Math.round(spotDiscountOf(prices, input.compute) * 100)}% off on demand (the Spot price varies; pass compute.spot_discount)`
        : 'Fargate on demand',
      input.catalog === 'compact'
        ? `compact catalog: one ~${directory_item_bytes}-byte directory item per bundle; per-file rows only in the manifests (S3)`
        : `per-file index: ~${index_item_bytes}-byte item per file on a Standard-IA table + keys-only by_name GSI, ` +
          `point-in-time recovery ${input.catalogPitr ? 'on' : 'off'}; plus the bundle directory`,
      ...(deployment.network === 'existing'
        ? [
            `imported VPC: its egress is assumed to be a NAT gateway (${deployment.gateway_endpoints ? 'only image pulls go through it' : 'S3 traffic goes through it: no gateway endpoints'})`,
          ]
        : []),
      'free tiers not deducted (DynamoDB 25 GB, S3, Lambda, CloudWatch alarms)',
      `bundles are packed from objects of the average size per shard; stored/source ratio ${input.compressionRatio}`,
      'prices: see src/cost/prices/aws-us-east-1.json; several are third-party figures to verify on the AWS pricing pages',
    ],
  });
}
