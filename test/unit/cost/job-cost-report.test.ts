import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jobCostReport } from '../../../src/cost/job-cost-report.js';
import { DEFAULT_PRICE_TABLE as prices } from '../../../src/cost/price-table.js';

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
      writeUnitsPerItem: { 'cp-files': 2 },
    },
    prices,
  );
  // requests: 10,000 × $0.0004 + 2 × $0.05 + 3 × $0.005 (per 1,000) = $0.004115
  // writes: 20,000 WRU × $0.625 / 1e6 = $0.0125; compute: 1 h × $0.04937
  close(r.measured.one_time_usd, 0.004115 + 0.0125 + 0.04937, 'one-time');
  // monthly: 501e6 B × $0.00099 / GB + 2 × 40 KB overhead + 10,000 × 1,800 B × $0.25 / GB
  const monthly = (501e6 / GIB) * 0.00099 + (2 * (8 * 0.023 + 32 * 0.00099) * 1024) / GIB + ((10_000 * 1800) / GIB) * 0.25;
  close(r.measured.monthly_usd, monthly, 'monthly');
  // lifecycle: 10,000 transitions × $0.00005 = $0.50 once
  close(r.lifecycle_equivalent.one_time_usd, 0.5, 'transitions');
  close(r.savings_usd, r.lifecycle_equivalent.total_usd - r.measured.total_usd, 'savings');
  assert.ok(r.savings_ratio > 0.5);
  assert.equal(r.request_lines.length, 3);
});
