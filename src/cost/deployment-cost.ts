import { ValidationError } from '../domain/errors.js';
import { priceOf, type PriceTable } from './price-table.js';
import { costItem, type CostItem } from './cost-items.js';

/** Hours in a billing month as AWS prices them (730). */
export const HOURS_PER_MONTH = 730;

/**
 * Interface VPC endpoints the stack creates: ECR API, ECR Docker, CloudWatch Logs, SNS, Batch
 * (`INTERFACE_ENDPOINT_SERVICES` in infra/constructs/network.ts; a unit test checks that they agree).
 * S3 and DynamoDB use gateway endpoints (free).
 */
export const DEFAULT_INTERFACE_ENDPOINTS = 5;

/** Availability zones of a created VPC (`maxAzs` context, default 2, infra/constructs/network.ts). */
export const DEFAULT_AZS = 2;

/** CloudWatch alarms the stack creates (DEPLOY.md "Idle monthly cost", infra/constructs/alarms.ts): 6. */
export const STACK_ALARMS = 6;

/** Customer managed KMS keys of the stack: 1. */
export const STACK_KMS_KEYS = 1;

/** Worker image size in ECR, GB (about 0.2, DEPLOY.md). */
export const WORKER_IMAGE_GB = 0.2;

/** Reconciler runs a month (hourly schedule, DEPLOY.md): 720. */
export const RECONCILER_RUNS_PER_MONTH = 720;

/** Reconciler Lambda: arm64, 1,024 MB, about 1 s when there is nothing to do: 1 GB-second a run. */
const RECONCILER_GB_SECONDS_PER_RUN = 1;

/**
 * How the stack is deployed, as far as its fixed cost depends on it.
 * Defaults match `cdk deploy` without context: a created VPC in 2 AZs with 5 interface endpoints.
 */
export interface DeploymentOptions {
  /** Availability zones the interface endpoints are in (`maxAzs`). Default 2. */
  readonly azs?: number;
  /** Interface endpoints: 5, or 0 for an imported VPC with its own egress (`vpcEndpoints=false`). Default 5. */
  readonly interfaceEndpoints?: number;
  /**
   * Fraction (0, 1] of the stack's fixed cost charged to the estimated population: 1 = the stack serves
   * only this population; 0.1 = ten such populations share it. Default 1.
   */
  readonly share?: number;
  /** A measured fixed cost in USD per month (e.g. from the bill) that replaces the itemised lines. */
  readonly fixedMonthlyUsd?: number;
}

/** The stack's fixed cost: what it costs per month deployed and idle, itemised (USD). */
export interface DeploymentCost {
  /** Availability zones priced. */
  readonly azs: number;
  /** Interface endpoints priced. */
  readonly interface_endpoints: number;
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

function wholeNumber(n: number, field: string, max: number): number {
  if (!Number.isInteger(n) || n < 0 || n > max) throw new ValidationError(`${field}: expected a whole number 0…${max}, got ${n}`, field);
  return n;
}

/**
 * The deployed stack's fixed (idle) monthly cost, itemised as in DEPLOY.md "Idle monthly cost":
 * - interface endpoints: endpoints × AZs × 730 h × `vpc.interface_endpoint.per_az_hour` ($0.01) — 5 × 2 × 730 × $0.01 = $73.00;
 * - KMS key: 1 × `kms.customer_managed_key_per_month` ($1.00);
 * - CloudWatch alarms: 6 × `cloudwatch.alarm_standard_per_month` ($0.10) = $0.60;
 * - worker image in ECR: 0.2 GB × `ecr.storage_per_gb_month` ($0.10) = $0.02;
 * - reconciler: 720 hourly Lambda runs (1 GB-s each at the arm64 price, plus requests) and their
 *   Scheduler invocations ≈ $0.01.
 * Free tiers are not deducted. No Secrets Manager secrets, NAT gateways or load balancers are created.
 * With `fixedMonthlyUsd`, one `fixed_monthly_override` line replaces the items.
 * @param options AZs, endpoints, share, override (see {@link DeploymentOptions})
 * @param table price table
 * @throws ValidationError for azs outside 1…6, endpoints outside 0…20, share outside (0, 1], a negative override
 */
export function deploymentCost(options: DeploymentOptions, table: PriceTable): DeploymentCost {
  const azs = wholeNumber(options.azs ?? DEFAULT_AZS, 'azs', 6);
  if (azs < 1) throw new ValidationError('azs: expected at least 1', 'azs');
  const endpoints = wholeNumber(options.interfaceEndpoints ?? DEFAULT_INTERFACE_ENDPOINTS, 'interface_endpoints', 20);
  const share = options.share ?? 1;
  if (!(share > 0 && share <= 1)) throw new ValidationError(`share: expected a fraction in (0, 1], got ${share}`, 'share');
  let monthly: CostItem[];
  if (options.fixedMonthlyUsd !== undefined) {
    if (!(options.fixedMonthlyUsd >= 0)) throw new ValidationError('fixed_monthly_usd: expected ≥ 0', 'fixed_monthly_usd');
    monthly = [costItem('fixed_monthly_override', 1, 'month', options.fixedMonthlyUsd, 'input fixed_monthly_usd', 'measured fixed cost given as input')];
  } else {
    const lambdaRun =
      RECONCILER_GB_SECONDS_PER_RUN * priceOf(table, 'lambda.arm64.per_gb_second') +
      priceOf(table, 'lambda.requests_per_million') / 1e6 +
      priceOf(table, 'eventbridge.scheduler.per_million_invocations') / 1e6;
    monthly = [
      costItem('interface_endpoints', endpoints * azs * HOURS_PER_MONTH, 'endpoint-AZ-hours', priceOf(table, 'vpc.interface_endpoint.per_az_hour'),
        'vpc.interface_endpoint.per_az_hour',
        `${endpoints} interface endpoints (ECR API, ECR Docker, Logs, SNS, Batch) × ${azs} AZ(s) × ${HOURS_PER_MONTH} h` +
          (endpoints === 0 ? ' (imported VPC with its own egress)' : '')),
      costItem('kms_key', STACK_KMS_KEYS, 'key-months', priceOf(table, 'kms.customer_managed_key_per_month'), 'kms.customer_managed_key_per_month',
        'one customer managed key (bucket, table and topic encryption)'),
      costItem('cloudwatch_alarms', STACK_ALARMS, 'alarm-months', priceOf(table, 'cloudwatch.alarm_standard_per_month'),
        'cloudwatch.alarm_standard_per_month', `${STACK_ALARMS} standard alarms (free tier not deducted)`),
      costItem('worker_image', WORKER_IMAGE_GB, 'GiB-month', priceOf(table, 'ecr.storage_per_gb_month'), 'ecr.storage_per_gb_month',
        'worker image in ECR'),
      costItem('reconciler_runs', RECONCILER_RUNS_PER_MONTH, 'runs', lambdaRun,
        'lambda.arm64.per_gb_second, lambda.requests_per_million, eventbridge.scheduler.per_million_invocations',
        'hourly reconciler Lambda (arm64, 1,024 MB, ~1 s) and its schedule'),
    ];
  }
  const monthlyUsd = monthly.reduce((s, i) => s + i.usd, 0);
  return {
    azs,
    interface_endpoints: endpoints,
    share,
    monthly,
    monthly_usd: monthlyUsd,
    charged_monthly_usd: monthlyUsd * share,
    free_items: [
      'gateway endpoints (S3, DynamoDB), VPC, subnets, security groups',
      'no Secrets Manager secrets, NAT gateways or load balancers',
      'empty tables, buckets, topic, queues and schedules',
    ],
  };
}
