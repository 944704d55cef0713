import { test } from 'node:test';
import assert from 'node:assert/strict';
import { restoreCosts } from '../../../src/cost/restore-cost.js';
import { planBundles } from '../../../src/cost/bundle-plan.js';
import { populationFromAverage } from '../../../src/cost/population.js';
import { DEFAULT_PRICE_TABLE as prices } from '../../../src/cost/price-table.js';
import { ValidationError } from '../../../src/domain/errors.js';
import { DEFAULT_RESTORE_DAYS as DEFAULT_DAYS } from '../../../src/domain/restore-request.js';
import { DEFAULT_RESTORE_DAYS } from '../../../src/cost/estimate-input.js';

const GIB = 2 ** 30;
const close = (actual: number, expected: number, what: string): void =>
  assert.ok(Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), `${what}: ${actual} != ${expected}`);

const plan = planBundles(populationFromAverage(1_000_000, 100_000)); // 196 bundles, 100,259,031,360 bytes

test('restoring 100 individually archived 100 KB objects (Bulk, 1 day, given explicitly)', () => {
  const r = restoreCosts({ files: 100, avgFileBytes: 100_000, storageClass: 'DEEP_ARCHIVE', tier: 'Bulk', days: 1, plan }, prices);
  // 100 × $0.025/1000 = $0.0025; 1e7 B = 0.009313 GiB × $0.0025 = $0.0000233;
  // copies 0.009313 GiB × $0.023 × 1/30 month = $0.00000714; 100 GETs × $0.0004/1000 = $0.00004
  close(r.individual_objects.total_usd, 0.0025 + (1e7 / GIB) * 0.0025 + ((1e7 / GIB) * 0.023) / 30 + 0.00004, 'individual');
  assert.equal(r.tier, 'Bulk');
});

test('defaults match coldpack restore: Standard tier, Days 3, extracted files kept 7 days (RestoreExpiryDays)', () => {
  const r = restoreCosts({ files: 100, avgFileBytes: 100_000, storageClass: 'DEEP_ARCHIVE', plan }, prices);
  assert.equal(r.tier, 'Standard'); // was Bulk
  assert.equal(r.days, 3); // was 1
  assert.equal(r.bucket_days, 7);
  assert.equal(DEFAULT_DAYS, 3); // coldpack restore's default Days (src/domain/restore-request.ts)
  assert.equal(DEFAULT_RESTORE_DAYS, DEFAULT_DAYS);
  // one bundle: $0.10/1000 Standard request = $0.0001; 0.47640 GiB × $0.02 = $0.0095279; copy 0.47640 GiB × $0.023 × 3/30 = $0.0010957;
  // 100 × ($0.0004 + $0.005)/1000 = $0.00054; files 0.0093132 GiB × $0.023 × 7/30 = $0.00004998; SNS $0.0000005 → $0.0113141
  const avgBundle = 100_259_031_360 / 196;
  const expected =
    0.0001 + (avgBundle / GIB) * 0.02 + (avgBundle / GIB) * 0.023 * (3 / 30) + (100 * (0.0004 + 0.005)) / 1000 + (1e7 / GIB) * 0.023 * (7 / 30) + 0.5e-6;
  close(r.coldpack_clustered.total_usd, expected, 'clustered, defaults');
  assert.ok(Math.abs(r.coldpack_clustered.total_usd - 0.0113141) < 1e-6);
});

test('GLACIER_IR has no restore step: N files cost N ranged GETs and the retrieval fee on their bytes only', () => {
  const r = restoreCosts({ files: 100, avgFileBytes: 100_000, storageClass: 'GLACIER_IR', plan }, prices);
  // retrieval: 100 × 100,000 B = 0.0093132 GiB × $0.03 = $0.00027940 (was 79 whole bundles: 37.66 GiB × $0.03 = $1.13)
  for (const s of [r.coldpack_spread, r.coldpack_clustered]) {
    assert.equal(s.bytes_retrieved, 1e7);
    close(s.items.find((i) => i.name === 'retrieval')?.usd ?? NaN, (1e7 / GIB) * 0.03, 'retrieval of the files only');
    assert.equal(
      s.items.find((i) => i.name === 'restore_requests'),
      undefined,
    );
    assert.equal(
      s.items.find((i) => i.name === 'restored_copy_storage'),
      undefined,
    );
  }
  // + 100 ranged GETs × $0.01/1000 = $0.001; 100 PUTs × $0.005/1000 = $0.0005; files 7 days $0.00004998; SNS → $0.0018299
  const expected = (1e7 / GIB) * 0.03 + 0.001 + 0.0005 + (1e7 / GIB) * 0.023 * (7 / 30) + 0.5e-6;
  close(r.coldpack_spread.total_usd, expected, 'spread = clustered for GLACIER_IR');
  close(r.coldpack_clustered.total_usd, expected, 'clustered');
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
