import { test } from 'node:test';
import assert from 'node:assert/strict';
import { restoreCosts } from '../../../src/cost/restore-cost.js';
import { planBundles } from '../../../src/cost/bundle-plan.js';
import { populationFromAverage } from '../../../src/cost/population.js';
import { DEFAULT_PRICE_TABLE as prices } from '../../../src/cost/price-table.js';
import { ValidationError } from '../../../src/domain/errors.js';

const GIB = 2 ** 30;
const close = (actual: number, expected: number, what: string): void =>
  assert.ok(Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), `${what}: ${actual} != ${expected}`);

const plan = planBundles(populationFromAverage(1_000_000, 100_000)); // 196 bundles, 100,259,031,360 bytes

test('restoring 100 individually archived 100 KB objects (Bulk, 1 day)', () => {
  const r = restoreCosts({ files: 100, avgFileBytes: 100_000, storageClass: 'DEEP_ARCHIVE', plan }, prices);
  // 100 × $0.025/1000 = $0.0025; 1e7 B = 0.009313 GB × $0.0025 = $0.0000233;
  // copies 0.009313 GB × $0.023 × 1/30 month = $0.00000714; 100 GETs × $0.0004/1000 = $0.00004
  close(r.individual_objects.total_usd, 0.0025 + (1e7 / GIB) * 0.0025 + (1e7 / GIB) * 0.023 / 30 + 0.00004, 'individual');
  assert.equal(r.tier, 'Bulk');
});

test('coldpack restores whole bundles: 79 of 196 for 100 random files, 1 for 100 neighbours', () => {
  const r = restoreCosts({ files: 100, avgFileBytes: 100_000, storageClass: 'DEEP_ARCHIVE', plan }, prices);
  // expected distinct bundles: 196 × (1 − (195/196)^100) = 196 × 0.40038 = 78.47 -> 79
  assert.equal(r.coldpack_spread.objects_restored, 79);
  assert.equal(r.coldpack_clustered.objects_restored, 1); // ceil(100 / 5,120)
  const avgBundle = 100_259_031_360 / 196;
  close(r.coldpack_clustered.bytes_retrieved, avgBundle, 'one bundle');
  // 1 × $0.025/1000 + 0.4769 GB × ($0.0025 + $0.023/30) + 100 × ($0.0004 + $0.005)/1000 + 1e7 B × $0.023/30 + SNS
  const expected =
    0.000025 + (avgBundle / GIB) * 0.0025 + (avgBundle / GIB) * (0.023 / 30) + 100 * (0.0004 + 0.005) / 1000 + (1e7 / GIB) * (0.023 / 30) + 0.5e-6;
  close(r.coldpack_clustered.total_usd, expected, 'clustered');
  assert.ok(r.coldpack_spread.total_usd > r.individual_objects.total_usd, 'random single files cost more from bundles');
});

test('restore input errors: no Expedited on DEEP_ARCHIVE, at least one file', () => {
  assert.throws(
    () => restoreCosts({ files: 1, avgFileBytes: 1, storageClass: 'DEEP_ARCHIVE', tier: 'Expedited', plan }, prices),
    (e: unknown) => e instanceof ValidationError && e.field === 'retrieval_tier',
  );
  assert.throws(() => restoreCosts({ files: 0, avgFileBytes: 1, storageClass: 'DEEP_ARCHIVE', plan }, prices), ValidationError);
  const glacier = restoreCosts({ files: 10, avgFileBytes: 1000, storageClass: 'GLACIER', tier: 'Expedited', plan }, prices);
  close(glacier.individual_objects.items.find((i) => i.name === 'restore_requests')?.usd ?? NaN, 0.1, 'expedited'); // 10 × $10/1000
});
