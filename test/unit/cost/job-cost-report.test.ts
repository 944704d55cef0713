import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jobCostReport } from '../../../src/cost/job-cost-report.js';
import { DEFAULT_PRICE_TABLE as prices } from '../../../src/cost/price-table.js';
import { DEFAULT_COMPUTE } from '../../../src/cost/compute-cost.js';

const GIB = 2 ** 30;
const close = (actual: number, expected: number, what: string): void =>
  assert.ok(Math.abs(actual - expected) <= 1e-12 + 1e-9 * Math.abs(expected), `${what}: ${actual} != ${expected}`);

test('a job report prices what the meter counted and compares it with a lifecycle rule', () => {
  const r = jobCostReport(
    {
      usage: {
        requests: { 'S3:GetObject:STANDARD': 10_000, 'S3:PutObject:DEEP_ARCHIVE': 2, 'S3:PutObject:STANDARD': 3 },
        dynamodb_items_written: { 'cp-files': 10_000 },
        dynamodb_write_units: {},
      },
      files: 10_000,
      bytes: 10_000 * 50_000,
      bundles: 2,
      bundleBytes: 501_000_000,
      storageClass: 'DEEP_ARCHIVE',
      workerSeconds: 3600,
      compute: { ...DEFAULT_COMPUTE, capacity: 'FARGATE' },
      catalog: 'per_file',
      writeUnitsPerItem: { 'cp-files': 2 },
    },
    prices,
  );
  // requests: 10,000 × $0.0004 + 2 × $0.05 + 3 × $0.005 (per 1,000) = $0.004115
  // writes: 20,000 WRU × $0.625 / 1e6 = $0.0125; compute: 1 h on demand × (1 × $0.04048 + 4 × $0.004445) = $0.05826
  close(r.measured.one_time_usd, 0.004115 + 0.0125 + 0.05826, 'one-time');
  // monthly: 501e6 B × $0.00099 / GB + 2 × 40 KB overhead + the per-file catalog: 2 directory items × 640 B × (3 × $0.25: table + 2 GSIs; + PITR $0.20 on the table)
  // + 10,000 × 1,260 B (item + keys-only GSI entry, Standard-IA) × $0.10 / GB
  const monthly =
    (501e6 / GIB) * 0.00099 + (2 * (8 * 0.023 + 32 * 0.00099) * 1024) / GIB + ((2 * 640) / GIB) * (3 * 0.25 + 0.2) + ((10_000 * 1260) / GIB) * 0.1;
  close(r.measured.monthly_usd, monthly, 'monthly');
  // lifecycle: 10,000 transitions × $0.00005 = $0.50 once
  close(r.lifecycle_equivalent.one_time_usd, 0.5, 'transitions');
  close(r.savings_usd, r.lifecycle_equivalent.total_usd - r.measured.total_usd, 'savings');
  assert.ok(r.savings_ratio > 0.5);
  assert.equal(r.request_lines.length, 3);
});
