import { test } from 'node:test';
import assert from 'node:assert/strict';
import { breakEvenObjectBytes, savingPerObjectUsd } from '../../../src/cost/break-even.js';
import { DEFAULT_PRICE_TABLE as prices } from '../../../src/cost/price-table.js';

const settings = { storageClass: 'DEEP_ARCHIVE', months: 12 } as const;

test('bundling pays for small objects and not for objects as large as a bundle', () => {
  assert.ok(savingPerObjectUsd(100_000, settings, prices) > 0);
  assert.ok(savingPerObjectUsd(1_000_000_000, settings, prices) < 0);
});

test('break-even near 84 MB for Deep Archive over 12 months (compact catalog)', () => {
  // Per object, lifecycle pays $0.00005 (transition) + 12 × $0.000000206 (8 KB + 32 KB overhead) = $0.0000525;
  // coldpack pays a GET $0.0000004 and no per-file catalog row, plus costs that grow with the size: compute
  // (1 / 50 MB/s × $0.02913 an hour ≈ 1.6e-13 $/B), part requests at the STANDARD rate (33 × $0.000005 per 512 MB
  // ≈ 3.2e-13 $/B) and the bundle bytes' storage, until objects approach the 512 MB bundle cap and each bundle's
  // fixed requests and 40 KB overhead are shared by few objects. The search gives 83,885,779 B.
  const b = breakEvenObjectBytes(settings, prices);
  assert.ok(b !== null && b > 60_000_000 && b < 110_000_000, `break-even ${b}`);
  assert.ok(savingPerObjectUsd(b, settings, prices) <= 0);
  assert.ok(savingPerObjectUsd(b - 1, settings, prices) > 0);
});

test('a per-file index with PITR kept 50 years costs more than the transitions it avoids: never pays; the compact catalog still pays', () => {
  // per file and month: (900 B × $0.10 + 360 B × $0.10 + 900 B × $0.20 PITR) / GiB = $0.00000029; × 600 = $0.000176
  // + 2 WRU × $0.78125e-6 > lifecycle $0.00005 + 600 × $0.000000206 = $0.000174
  assert.equal(breakEvenObjectBytes({ ...settings, months: 600, catalog: 'per_file', perFilePitr: true }, prices), 0);
  assert.ok((breakEvenObjectBytes({ ...settings, months: 600 }, prices) ?? 0) > 100_000_000);
});
