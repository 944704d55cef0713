import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deploymentCost, stackFixedResources, STACK_ALARMS } from '../../../src/cost/deployment-cost.js';
import { DEFAULT_PRICE_TABLE as prices } from '../../../src/cost/price-table.js';
import { ValidationError } from '../../../src/domain/errors.js';

const close = (actual: number, expected: number, what: string): void =>
  assert.ok(Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), `${what}: ${actual} != ${expected}`);
const usd = (items: readonly { name: string; usd: number }[], name: string): number => items.find((i) => i.name === name)?.usd ?? NaN;
// KMS $1.00 + 7 alarms × $0.10 + ECR 0.2 GB × $0.10 + reconciler 720 × (1 GB-s × $0.0000133334 + $0.20/1e6 + $1.00/1e6)
const COMMON = 1 + 0.7 + 0.02 + 720 * (0.0000133334 + 0.2e-6 + 1e-6); // $1.730464048

test('default (private) stack idles at $23.63 a month: 3 endpoints × 1 AZ × 730 h × $0.01 = $21.90 + $1.73', () => {
  const d = deploymentCost({}, prices);
  assert.equal(d.network, 'private');
  assert.equal(d.azs, 1);
  assert.equal(d.interface_endpoints, 3); // ECR API, ECR Docker, CloudWatch Logs
  const ep = d.monthly.find((i) => i.name === 'interface_endpoints');
  assert.equal(ep?.quantity, 2190); // 3 × 1 × 730 endpoint-AZ-hours
  close(ep?.usd ?? NaN, 21.9, 'endpoints');
  close(usd(d.monthly, 'kms_key'), 1, 'KMS key');
  close(usd(d.monthly, 'cloudwatch_alarms'), 0.7, 'alarms'); // 7 × $0.10
  assert.equal(STACK_ALARMS, 7);
  close(usd(d.monthly, 'worker_image'), 0.02, 'ECR');
  close(usd(d.monthly, 'reconciler_runs'), 720 * (0.0000133334 + 0.2e-6 + 1e-6), 'reconciler');
  close(d.monthly_usd, 21.9 + COMMON, 'total'); // $23.630464048 ≤ $25 (issue 10's target; was $74.63)
  for (const i of d.monthly) close(i.quantity * i.unit_usd, i.usd, `${i.name}: count × unit price`);
  assert.equal(prices.prices['vpc.interface_endpoint.per_az_hour']?.source, 'https://aws.amazon.com/privatelink/pricing/');
});

test('public and existing networks idle at $1.73 a month (no interface endpoints, no NAT); maxAzs multiplies private endpoints', () => {
  for (const network of ['public', 'existing'] as const) {
    const d = deploymentCost({ network }, prices);
    assert.equal(
      d.monthly.find((i) => i.name === 'interface_endpoints'),
      undefined,
      network,
    );
    close(d.monthly_usd, COMMON, network); // ≤ $2 (issue 10's target)
  }
  assert.equal(deploymentCost({ network: 'existing' }, prices).azs, 0); // an imported VPC's zones are not the stack's
  close(deploymentCost({ azs: 2 }, prices).monthly_usd, 43.8 + COMMON, 'two AZs'); // 3 × 2 × 730 × $0.01 = $43.80
  close(deploymentCost({ network: 'public', azs: 3 }, prices).monthly_usd, COMMON, 'public: AZs cost nothing');
  assert.deepEqual(stackFixedResources('private', 2), {
    interfaceEndpoints: 3,
    interfaceEndpointAzs: 6,
    natGateways: 0,
    idlePublicIpv4: 0,
    kmsKeys: 1,
    alarms: 7,
  });
});

test('share and override; gateway endpoints can be left out only with an imported VPC', () => {
  close(deploymentCost({ share: 0.1 }, prices).charged_monthly_usd, (21.9 + COMMON) / 10, 'a tenth');
  const measured = deploymentCost({ fixedMonthlyUsd: 42 }, prices);
  assert.deepEqual(
    measured.monthly.map((i) => i.name),
    ['fixed_monthly_override'],
  );
  close(measured.monthly_usd, 42, 'override');
  assert.equal(deploymentCost({ network: 'existing', gatewayEndpoints: false }, prices).gateway_endpoints, false);
  assert.throws(() => deploymentCost({ gatewayEndpoints: false }, prices), ValidationError);
  assert.throws(() => deploymentCost({ share: 0 }, prices), ValidationError);
  assert.throws(() => deploymentCost({ azs: 0 }, prices), ValidationError);
  assert.throws(() => deploymentCost({ azs: 1.5 }, prices), ValidationError);
});
