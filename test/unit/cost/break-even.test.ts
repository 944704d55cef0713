import { test } from 'node:test';
import assert from 'node:assert/strict';
import { breakEvenObjectBytes, savingPerObjectUsd } from '../../../src/cost/break-even.js';
import { DEFAULT_PRICE_TABLE as prices } from '../../../src/cost/price-table.js';

const settings = { storageClass: 'DEEP_ARCHIVE', months: 12 } as const;

test('bundling pays for small objects and not for objects as large as a bundle', () => {
  assert.ok(savingPerObjectUsd(100_000, settings, prices) > 0);
  assert.ok(savingPerObjectUsd(1_000_000_000, settings, prices) < 0);
});

test('break-even near 13 MB for Deep Archive over 12 months', () => {
  // Per object, lifecycle pays $0.00005 (transition) + 12 × $0.000000206 (8 KB + 32 KB overhead) = $0.0000525;
  // coldpack pays GET $0.0000004 + 2 WRU $0.00000125 + 12 × ($0.000000419 index storage + $0.000000168 PITR)
  // + compute ≈ $0.0000087, plus its share of bundle PUTs, which comes from the part count: ceil(bundle / 16 MiB)
  // UploadPart + 2 per bundle, 33 requests × $0.00005 per 512 MB ≈ $3.2e-12 per byte (+ compute 2.7e-13/B).
  // $0.0000438 / $3.5e-12 per byte ≈ 12.5 MB (the search gives 12,275,733 B with the per-bundle rounding).
  const b = breakEvenObjectBytes(settings, prices);
  assert.ok(b !== null && b > 11_000_000 && b < 15_000_000, `break-even ${b}`);
  assert.ok(savingPerObjectUsd(b, settings, prices) <= 0);
  assert.ok(savingPerObjectUsd(b - 1, settings, prices) > 0);
});

test('over 50 years the file index costs more than the transitions it avoids: never pays', () => {
  // index storage 600 × $0.000000419 = $0.00025 > $0.00005 + 600 × $0.000000206 = $0.000174
  assert.equal(breakEvenObjectBytes({ ...settings, months: 600 }, prices), 0);
});
