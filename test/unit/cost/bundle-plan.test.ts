import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bundleUploadRequests,
  manifestBytes,
  multipartPartSize,
  planBundles,
  zipEndOverheadBytes,
  zipEntryOverheadBytes,
} from '../../../src/cost/bundle-plan.js';
import { partSizeFor } from '../../../src/bundle/part-size.js';
import { populationFromAverage } from '../../../src/cost/population.js';

const MIB = 1_048_576;

test('part size: max(16 MiB, ceil(expected / 9,000) rounded up to 1 MiB), at most 5 GiB', () => {
  assert.equal(multipartPartSize(512_000_000), 16 * MIB); // 512e6 / 9000 = 56,889 B -> 1 MiB -> 16 MiB floor
  assert.equal(multipartPartSize(200_000_000_000), 22 * MIB); // 200e9 / 9000 = 22,222,223 B = 21.2 MiB -> 22 MiB
  assert.equal(multipartPartSize(100e12), 5 * 1024 * MIB); // 11.1 GB per part -> capped at 5 GiB
});

test('the cost model uses the engine\u2019s one part-size rule (src/bundle/part-size.ts partSizeFor), not a copy', () => {
  assert.equal(multipartPartSize, partSizeFor);
  for (const expected of [1, 5e6, 512e6, 151e9, 151.1e9, 2e11, 5e12, 100e12]) {
    assert.equal(multipartPartSize(expected), partSizeFor(expected), `expected bytes ${expected}`);
  }
});

test('a bundle below the part size is one PutObject; from the part size on it is multipart', () => {
  assert.deepEqual(bundleUploadRequests(16 * MIB - 1, 16 * MIB), { putObject: 1, createMultipartUpload: 0, uploadPart: 0, completeMultipartUpload: 0 });
  assert.deepEqual(bundleUploadRequests(16 * MIB, 16 * MIB), { putObject: 0, createMultipartUpload: 1, uploadPart: 1, completeMultipartUpload: 1 });
  // 40 MiB / 16 MiB = 2.5 -> 3 parts
  assert.deepEqual(bundleUploadRequests(40 * MIB, 16 * MIB), { putObject: 0, createMultipartUpload: 1, uploadPart: 3, completeMultipartUpload: 1 });
});

test('zip overhead per entry and per bundle', () => {
  assert.equal(zipEntryOverheadBytes(60, 100_000), 214); // 30 + 46 + 2×60 + 2×9
  assert.equal(zipEntryOverheadBytes(60, 9 * MIB), 230); // + 16 data descriptor above 8 MiB
  assert.equal(zipEndOverheadBytes(65_535, 1000), 22); // EOCD only
  assert.equal(zipEndOverheadBytes(65_536, 1000), 98); // + 76 zip64 end record and locator
  assert.equal(zipEndOverheadBytes(10, 2 ** 32), 98);
  assert.equal(manifestBytes(1000, 60), 150_000); // 1000 × (90 + 60)
  assert.equal(manifestBytes(1000, 60, 0.3), 45_000);
});

test('1,000,000 objects of 100,000 bytes pack into 195 full bundles and one of 1,600 entries', () => {
  // the engine caps source bytes: floor(512,000,000 / 100,000) = 5,120 entries; 1,000,000 = 195 × 5,120 + 1,600
  // full bundle = 5,120 × (100,000 + 214 zip overhead) (513,095,680) + manifest entry deflated
  //   5,120 × 150 × 0.3 (230,400) + its headers 30 + 46 + 2×22 + 18 (138) + EOCD 22 = 513,326,240 B
  // last bundle = 1,600 × 100,214 (160,342,400) + 1,600 × 45 (72,000) + 138 + 22 = 160,414,560 B
  const plan = planBundles(populationFromAverage(1_000_000, 100_000));
  assert.equal(plan.shards, 1);
  assert.equal(plan.partBytes, 16 * MIB);
  assert.deepEqual(plan.groups, [
    { count: 195, entries: 5120, bytes: 513_326_240, sourceBytes: 512_000_000 },
    { count: 1, entries: 1600, bytes: 160_414_560, sourceBytes: 160_000_000 },
  ]);
  assert.equal(plan.bundles, 196);
  assert.equal(plan.bundleBytes, 195 * 513_326_240 + 160_414_560); // 100,259,031,360
  assert.equal(plan.manifestBytes, 45_000_000); // gzip copies: 1,000,000 × 150 × 0.3
});

test('the entry cap, shards and objects larger than the cap', () => {
  // 250,000 objects of 1 KB: 1,214 B entries -> 421,746 per 512 MB, capped at 100,000 entries
  const small = planBundles(populationFromAverage(250_000, 1000));
  assert.deepEqual(
    small.groups.map((g) => [g.count, g.entries]),
    [
      [2, 100_000],
      [1, 50_000],
    ],
  );
  // 2,500,000 objects -> 3 shards (1,000,000 max each): 833,334 + 833,333 + 833,333 objects
  const sharded = planBundles(populationFromAverage(2_500_000, 1000));
  assert.equal(sharded.shards, 3);
  assert.equal(
    sharded.groups.reduce((n, g) => n + g.count * g.entries, 0),
    2_500_000,
  );
  // objects of 600 MB exceed the 512 MB cap: one bundle each
  const big = planBundles(populationFromAverage(3, 600_000_000));
  assert.deepEqual(
    big.groups.map((g) => [g.count, g.entries]),
    [[3, 1]],
  );
  assert.equal(planBundles(populationFromAverage(0, 0)).bundles, 0);
});
