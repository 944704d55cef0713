import { ValidationError } from '../domain/errors.js';
import { priceOf, type PriceTable } from './price-table.js';
import { costItem, type CostItem } from './cost-items.js';
import { DEFAULT_MAX_AZS, DEFAULT_NETWORK_MODE, INTERFACE_ENDPOINTS_BY_MODE, type NetworkMode } from './stack-defaults.js';

/** Hours in a billing month as AWS prices them (730). */
export const HOURS_PER_MONTH = 730;

/**
 * CloudWatch alarms the stack creates (infra/constructs/alarms.ts): failed jobs, failed Batch jobs, API 5xx and
 * one per dead-letter queue (monthly schedule, reconciler, restore event, Batch job-state handler): 7.
 * test/infra/fixed-cost.test.ts counts them in the synthesized template of every network mode.
 */
export const STACK_ALARMS = 7;

/** Customer managed KMS keys of the stack: 1 (checked against the template by test/infra/fixed-cost.test.ts). */
export const STACK_KMS_KEYS = 1;

/** Worker image size in ECR, GB (about 0.2, DEPLOY.md). */
export const WORKER_IMAGE_GB = 0.2;

/** Reconciler runs a month (hourly schedule, DEPLOY.md): 720. */
export const RECONCILER_RUNS_PER_MONTH = 720;

/** Reconciler Lambda: arm64, 1,024 MB, about 1 s when there is nothing to do: 1 GB-second a run. */
const RECONCILER_GB_SECONDS_PER_RUN = 1;

/** How the stack is deployed, as far as its fixed cost depends on it. Defaults match `cdk deploy` without context. */
export interface DeploymentOptions {
  /** Network mode (CDK context `network`). Default `private`. */
  readonly network?: NetworkMode;
  /** Availability zones of a created VPC (`maxAzs`; the interface endpoints are in each). Default 1. */
  readonly azs?: number;
  /** `existing` only: add the S3 and DynamoDB gateway endpoints (context `gatewayEndpoints`). Default true. */
  readonly gatewayEndpoints?: boolean;
  /**
   * Fraction (0, 1] of the stack's fixed cost charged to the estimated population: 1 = the stack serves
   * only this population; 0.1 = ten such populations share it. Default 1.
   */
  readonly share?: number;
  /** A measured fixed cost in USD per month (e.g. from the bill) that replaces the itemised lines. */
  readonly fixedMonthlyUsd?: number;
}

/**
 * The cost-bearing resources the stack creates in a network mode: what the cost model prices and what
 * test/infra/fixed-cost.test.ts counts in the synthesized template (the two must be equal).
 */
export interface StackFixedResources {
  /** Interface VPC endpoints (each billed per AZ it is in). */
  readonly interfaceEndpoints: number;
  /** Σ over interface endpoints of the subnets (AZs) each is in. */
  readonly interfaceEndpointAzs: number;
  /** NAT gateways (0 in every mode: an imported VPC's own NAT is not the stack's). */
  readonly natGateways: number;
  /** Elastic IPs, i.e. public IPv4 addresses held while idle (0: tasks get theirs only while they run). */
  readonly idlePublicIpv4: number;
  /** Customer managed KMS keys. */
  readonly kmsKeys: number;
  /** CloudWatch alarms. */
  readonly alarms: number;
}

/**
 * The stack's fixed resources in a network mode: `INTERFACE_ENDPOINTS_BY_MODE` × AZs (created VPCs only),
 * no NAT gateway and no idle public IPv4 address in any mode, {@link STACK_KMS_KEYS} key, {@link STACK_ALARMS} alarms.
 * @param network network mode
 * @param azs availability zones of a created VPC
 */
export function stackFixedResources(network: NetworkMode, azs: number): StackFixedResources {
  const interfaceEndpoints = INTERFACE_ENDPOINTS_BY_MODE[network].length;
  return {
    interfaceEndpoints,
    interfaceEndpointAzs: interfaceEndpoints * azs,
    natGateways: 0,
    idlePublicIpv4: 0,
    kmsKeys: STACK_KMS_KEYS,
    alarms: STACK_ALARMS,
  };
}

/** The stack's fixed cost: what it costs per month deployed and idle, itemised (USD). */
export interface DeploymentCost {
  /** Network mode priced. */
  readonly network: NetworkMode;
  /** Availability zones priced (created VPCs; 0 for an imported VPC). */
  readonly azs: number;
  /** Interface endpoints priced. */
  readonly interface_endpoints: number;
  /** `existing`: whether the gateway endpoints are added (always true for created VPCs). */
  readonly gateway_endpoints: boolean;
  /** Fraction of the fixed cost charged to the estimate. */
  readonly share: number;
  /** Idle items per month (quantity × unit_usd = usd), for the whole stack. */
  readonly monthly: readonly CostItem[];
  /** Sum of `monthly`, USD per month, for the whole stack. */
  readonly monthly_usd: number;
  /** monthly_usd × share: the fixed USD per month charged to the estimate. */
  readonly charged_monthly_usd: number;
  /** Things that cost nothing idle, named so a reader does not look for them. */
  readonly free_items: readonly string[];
}

function wholeNumber(n: number, field: string, min: number, max: number): number {
  if (!Number.isInteger(n) || n < min || n > max) throw new ValidationError(`${field}: expected a whole number ${min}…${max}, got ${n}`, field);
  return n;
}

/**
 * The deployed stack's fixed (idle) monthly cost, itemised from {@link stackFixedResources}:
 * - interface endpoints (`private`): endpoint-AZs × 730 h × `vpc.interface_endpoint.per_az_hour` — 3 × 1 × 730 × $0.01 = $21.90;
 * - KMS key: 1 × `kms.customer_managed_key_per_month` ($1.00; each of the first two yearly rotations adds $1 a month from the 2nd year);
 * - CloudWatch alarms: 7 × `cloudwatch.alarm_standard_per_month` ($0.10) = $0.70;
 * - worker image in ECR: 0.2 GB × `ecr.storage_per_gb_month` ($0.10) = $0.02;
 * - reconciler: 720 hourly Lambda runs (1 GB-s each at the arm64 price, plus requests) and their Scheduler
 *   invocations ≈ $0.01.
 * Free tiers are not deducted. No NAT gateway, Elastic IP, Secrets Manager secret or load balancer is created.
 * With `fixedMonthlyUsd`, one `fixed_monthly_override` line replaces the items.
 * @param options network mode, AZs, share, override (see {@link DeploymentOptions})
 * @param table price table
 * @throws ValidationError for azs outside 1…6, share outside (0, 1], a negative override, `gatewayEndpoints` false
 *   with a created VPC
 */
export function deploymentCost(options: DeploymentOptions, table: PriceTable): DeploymentCost {
  const network = options.network ?? DEFAULT_NETWORK_MODE;
  const created = network !== 'existing';
  const azs = created ? wholeNumber(options.azs ?? DEFAULT_MAX_AZS, 'azs', 1, 6) : 0;
  const gatewayEndpoints = options.gatewayEndpoints ?? true;
  if (created && !gatewayEndpoints) {
    throw new ValidationError('gateway_endpoints: only an imported VPC (network existing) can do without them', 'gateway_endpoints');
  }
  const share = options.share ?? 1;
  if (!(share > 0 && share <= 1)) throw new ValidationError(`share: expected a fraction in (0, 1], got ${share}`, 'share');
  const r = stackFixedResources(network, azs);
  let monthly: CostItem[];
  if (options.fixedMonthlyUsd !== undefined) {
    if (!(options.fixedMonthlyUsd >= 0)) throw new ValidationError('fixed_monthly_usd: expected ≥ 0', 'fixed_monthly_usd');
    monthly = [costItem('fixed_monthly_override', 1, 'month', options.fixedMonthlyUsd, 'input fixed_monthly_usd', 'measured fixed cost given as input')];
  } else {
    const lambdaRun =
      RECONCILER_GB_SECONDS_PER_RUN * priceOf(table, 'lambda.arm64.per_gb_second') +
      priceOf(table, 'lambda.requests_per_million') / 1e6 +
      priceOf(table, 'eventbridge.scheduler.per_million_invocations') / 1e6;
    monthly = [];
    if (r.interfaceEndpointAzs > 0) {
      monthly.push(
        costItem(
          'interface_endpoints',
          r.interfaceEndpointAzs * HOURS_PER_MONTH,
          'endpoint-AZ-hours',
          priceOf(table, 'vpc.interface_endpoint.per_az_hour'),
          'vpc.interface_endpoint.per_az_hour',
          `${r.interfaceEndpoints} interface endpoints (${INTERFACE_ENDPOINTS_BY_MODE[network].join(', ')}) × ${azs} AZ(s) × ${HOURS_PER_MONTH} h`,
        ),
      );
    }
    monthly.push(
      costItem(
        'kms_key',
        r.kmsKeys,
        'key-months',
        priceOf(table, 'kms.customer_managed_key_per_month'),
        'kms.customer_managed_key_per_month',
        'one customer managed key (bucket, table and topic encryption); yearly rotation adds $1 a month per rotation, 2nd and 3rd year',
      ),
      costItem(
        'cloudwatch_alarms',
        r.alarms,
        'alarm-months',
        priceOf(table, 'cloudwatch.alarm_standard_per_month'),
        'cloudwatch.alarm_standard_per_month',
        `${r.alarms} standard alarms (free tier not deducted)`,
      ),
      costItem('worker_image', WORKER_IMAGE_GB, 'GiB-month', priceOf(table, 'ecr.storage_per_gb_month'), 'ecr.storage_per_gb_month', 'worker image in ECR'),
      costItem(
        'reconciler_runs',
        RECONCILER_RUNS_PER_MONTH,
        'runs',
        lambdaRun,
        'lambda.arm64.per_gb_second, lambda.requests_per_million, eventbridge.scheduler.per_million_invocations',
        'hourly reconciler Lambda (arm64, 1,024 MB, ~1 s) and its schedule',
      ),
    );
  }
  const monthlyUsd = monthly.reduce((s, i) => s + i.usd, 0);
  return {
    network,
    azs,
    interface_endpoints: r.interfaceEndpoints,
    gateway_endpoints: gatewayEndpoints,
    share,
    monthly,
    monthly_usd: monthlyUsd,
    charged_monthly_usd: monthlyUsd * share,
    free_items: [
      gatewayEndpoints
        ? 'gateway endpoints (S3, DynamoDB), VPC, subnets, security groups'
        : 'VPC, subnets, security groups (imported VPC without gateway endpoints)',
      'no NAT gateway, Elastic IP, Secrets Manager secret or load balancer',
      'empty tables, buckets, topic, queues, schedules and the Batch job-state rule',
    ],
  };
}
