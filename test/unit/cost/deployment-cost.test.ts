import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deploymentCost, DEFAULT_INTERFACE_ENDPOINTS } from '../../../src/cost/deployment-cost.js';
import { DEFAULT_PRICE_TABLE as prices } from '../../../src/cost/price-table.js';
import { ValidationError } from '../../../src/domain/errors.js';
import { INTERFACE_ENDPOINT_SERVICES } from '../../../infra/constructs/network.js';

const close = (actual: number, expected: number, what: string): void =>
  assert.ok(Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), `${what}: ${actual} != ${expected}`);
const usd = (items: readonly { name: string; usd: number }[], name: string): number => items.find((i) => i.name === name)?.usd ?? NaN;

test('default stack idles at $74.63 a month, as DEPLOY.md says: 5 endpoints × 2 AZs × 730 h × $0.01 = $73.00', () => {
  const d = deploymentCost({}, prices);
  assert.equal(DEFAULT_INTERFACE_ENDPOINTS, 5); // ECR API, ECR Docker, Logs, SNS, Batch (infra/constructs/network.ts)
  const ep = d.monthly.find((i) => i.name === 'interface_endpoints');
  assert.equal(ep?.quantity, 7300); // 5 × 2 × 730 endpoint-AZ-hours
  close(ep?.usd ?? NaN, 73, 'endpoints'); // 7,300 × $0.01 = $73.00
  close(usd(d.monthly, 'kms_key'), 1, 'KMS key'); // 1 × $1.00
  close(usd(d.monthly, 'cloudwatch_alarms'), 0.6, 'alarms'); // 6 × $0.10
  close(usd(d.monthly, 'worker_image'), 0.02, 'ECR'); // 0.2 GB × $0.10
  // 720 × (1 GB-s × $0.0000133334 + $0.20/1e6 + $1.00/1e6) = 720 × $0.0000145334 = $0.010464048
  close(usd(d.monthly, 'reconciler_runs'), 720 * (0.0000133334 + 0.2e-6 + 1e-6), 'reconciler');
  // 73.00 + 1.00 + 0.60 + 0.02 + 0.010464048 = $74.630464048 (DEPLOY.md: ≈ 74.63)
  close(d.monthly_usd, 74.630464048, 'total');
  close(d.charged_monthly_usd, d.monthly_usd, 'share 1');
  for (const i of d.monthly) close(i.quantity * i.unit_usd, i.usd, `${i.name}: count × unit price`);
  const entry = prices.prices['vpc.interface_endpoint.per_az_hour'];
  assert.equal(entry?.source, 'https://aws.amazon.com/privatelink/pricing/');
  assert.equal(prices.prices['vpc.interface_endpoint.data_processed_per_gb']?.value, 0.01);
  assert.equal(prices.prices['dynamodb.pitr_per_gb_month']?.source, 'https://aws.amazon.com/dynamodb/pricing/on-demand/');
});

test('one AZ halves the endpoints; no endpoints (imported VPC) leaves $1.63; share and override', () => {
  close(deploymentCost({ azs: 1 }, prices).monthly_usd, 36.5 + 1.630464048, 'one AZ'); // 5 × 1 × 730 × $0.01 = $36.50; + $1.630464 = $38.130464
  close(deploymentCost({ interfaceEndpoints: 0 }, prices).monthly_usd, 1.630464048, 'no endpoints'); // 1.00 + 0.60 + 0.02 + 0.0104640
  const shared = deploymentCost({ share: 0.1 }, prices);
  close(shared.charged_monthly_usd, 7.4630464048, 'a tenth of $74.63'); // 74.630464048 / 10
  const measured = deploymentCost({ fixedMonthlyUsd: 42 }, prices);
  assert.deepEqual(measured.monthly.map((i) => i.name), ['fixed_monthly_override']);
  close(measured.monthly_usd, 42, 'override');
  assert.throws(() => deploymentCost({ share: 0 }, prices), ValidationError);
  assert.throws(() => deploymentCost({ azs: 0 }, prices), ValidationError);
  assert.throws(() => deploymentCost({ interfaceEndpoints: 1.5 }, prices), ValidationError);
});

test('the default endpoint count is the number of interface endpoints the stack creates', () => {
  // infra/constructs/network.ts creates one interface endpoint per INTERFACE_ENDPOINT_SERVICES entry; the cost model must price as many
  assert.equal(DEFAULT_INTERFACE_ENDPOINTS, Object.keys(INTERFACE_ENDPOINT_SERVICES).length);
});
