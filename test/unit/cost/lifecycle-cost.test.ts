import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lifecycleCost, DEFAULT_MIN_TRANSITION_BYTES } from '../../../src/cost/lifecycle-cost.js';
import { PopulationBuilder, populationFromAverage } from '../../../src/cost/population.js';
import { DEFAULT_PRICE_TABLE as prices } from '../../../src/cost/price-table.js';

const GIB = 2 ** 30;
const close = (actual: number, expected: number, what: string): void =>
  assert.ok(Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), `${what}: ${actual} != ${expected}`);
const usd = (items: readonly { name: string; usd: number }[], name: string): number => items.find((i) => i.name === name)?.usd ?? NaN;

test('README example: 1,000,000 objects of 100 KB to DEEP_ARCHIVE, every object transitioned', () => {
  const b = lifecycleCost({ population: populationFromAverage(1_000_000, 100_000), storageClass: 'DEEP_ARCHIVE', months: 12 }, prices);
  close(usd(b.one_time, 'transition_requests'), 50, 'transitions'); // 1,000,000 × $0.05 / 1,000
  close(usd(b.monthly, 'archive_storage'), (1e11 / GIB) * 0.00099, 'storage'); // 93.132 GB × $0.00099 = $0.0922
  close(usd(b.monthly, 'overhead_at_standard'), ((1e6 * 8192) / GIB) * 0.023, '8 KB'); // 7.629 GB × $0.023 = $0.1755
  close(usd(b.monthly, 'overhead_at_archive_rate'), ((1e6 * 32768) / GIB) * 0.00099, '32 KB'); // 30.518 GB × $0.00099 = $0.0302
  close(b.monthly_usd, 0.0922009349 + 0.1754760742 + 0.0302124023, 'monthly'); // $0.2979
  close(b.total_usd, 50 + 12 * b.monthly_usd, 'total'); // $53.57
  assert.ok(Math.abs(b.total_usd - 53.5746729) < 1e-6);
});

test("S3's default 128 KB minimum leaves small objects in STANDARD and transitions the rest", () => {
  const builder = new PopulationBuilder();
  for (let i = 0; i < 1000; i++) builder.add(65_536); // 64 KiB: stays
  for (let i = 0; i < 1000; i++) builder.add(1_048_576); // 1 MiB: transitioned
  const b = lifecycleCost({ population: builder.build(), storageClass: 'DEEP_ARCHIVE', months: 1, minTransitionBytes: DEFAULT_MIN_TRANSITION_BYTES }, prices);
  close(usd(b.one_time, 'transition_requests'), 0.05, 'transitions'); // 1,000 × $0.00005
  close(usd(b.monthly, 'archive_storage'), ((1000 * 1_048_576) / GIB) * 0.00099, 'storage'); // 0.9766 GB × $0.00099
  close(usd(b.monthly, 'left_in_standard'), ((1000 * 65_536) / GIB) * 0.023, 'left'); // 0.06104 GB × $0.023 = $0.001404
  close(usd(b.monthly, 'overhead_at_standard'), ((1000 * 8192) / GIB) * 0.023, 'overhead counts transitioned objects only');
});

test("size filters decide for every class: GLACIER_IR and STANDARD_IA take objects under 128 KB and bill them as 128 KB; S3's default keeps them in STANDARD", () => {
  for (const storageClass of ['GLACIER_IR', 'STANDARD_IA'] as const) {
    // a rule with its own size filter transitions them: 1,000 transitions, each object billed as 128 KiB in the class
    const filtered = lifecycleCost({ population: populationFromAverage(1000, 65_536), storageClass, months: 1 }, prices);
    assert.equal(filtered.one_time[0]?.quantity, 1000, storageClass);
    const rate = storageClass === 'GLACIER_IR' ? 0.004 : 0.0125;
    close(usd(filtered.monthly, 'archive_storage'), ((1000 * 131_072) / GIB) * rate, `${storageClass} min billable size`);
    // the default minimum (all_storage_classes_128K) keeps them in STANDARD: 1,000 × 64 KiB × $0.023
    const byDefault = lifecycleCost(
      { population: populationFromAverage(1000, 65_536), storageClass, months: 1, minTransitionBytes: DEFAULT_MIN_TRANSITION_BYTES },
      prices,
    );
    assert.equal(byDefault.one_time[0]?.quantity, 0, storageClass);
    close(usd(byDefault.monthly, 'left_in_standard'), ((1000 * 65_536) / GIB) * 0.023, `${storageClass} left in STANDARD`);
  }
  // 200 KiB objects are transitioned: 1,000 × $0.02 / 1,000 = $0.02; 1,000 × 204,800 B = 0.19073 GiB × $0.004; no 40 KB overhead
  const big = lifecycleCost({ population: populationFromAverage(1000, 204_800), storageClass: 'GLACIER_IR', months: 1 }, prices);
  close(usd(big.one_time, 'transition_requests'), 0.02, 'transitions');
  close(usd(big.monthly, 'archive_storage'), ((1000 * 204_800) / GIB) * 0.004, 'storage');
  assert.equal(big.monthly.length, 1);
});
