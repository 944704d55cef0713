import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PopulationBuilder, populationFromAverage, splitBySize } from '../../../src/cost/population.js';
import { ValidationError } from '../../../src/domain/errors.js';

test('the builder keeps exact counts and byte sums per power-of-two bucket', () => {
  const b = new PopulationBuilder();
  b.add(0, 10);
  b.add(1023, 10); // [0, 1 KiB)
  b.add(1024, 20); // [1 KiB, 2 KiB)
  b.add(131_071, 20); // [64 KiB, 128 KiB)
  b.add(131_072, 30); // [128 KiB, 256 KiB)
  const p = b.build();
  assert.equal(p.objects, 5);
  assert.equal(p.bytes, 0 + 1023 + 1024 + 131_071 + 131_072);
  assert.equal(p.avg_key_bytes, (10 + 10 + 20 + 20 + 30) / 5); // 18
  assert.deepEqual(
    p.buckets.map((x) => [x.min_bytes, x.max_bytes, x.objects, x.bytes]),
    [
      [0, 1024, 2, 1023],
      [1024, 2048, 1, 1024],
      [65_536, 131_072, 1, 131_071],
      [131_072, 262_144, 1, 131_072],
    ],
  );
});

test('the 128 KiB split of a streamed histogram is exact', () => {
  const b = new PopulationBuilder();
  for (let i = 0; i < 3; i++) b.add(131_071);
  for (let i = 0; i < 2; i++) b.add(131_072);
  const { below, atOrAbove } = splitBySize(b.build(), 131_072);
  assert.deepEqual(below, { objects: 3, bytes: 3 * 131_071 });
  assert.deepEqual(atOrAbove, { objects: 2, bytes: 2 * 131_072 });
});

test('a population from an average is one bucket that sits on the side of its average', () => {
  const p = populationFromAverage(1_000_000, 100_000);
  assert.equal(p.bytes, 100_000_000_000);
  assert.equal(splitBySize(p, 131_072).below.objects, 1_000_000);
  assert.equal(splitBySize(populationFromAverage(10, 200_000), 131_072).below.objects, 0);
});

test('bad sizes and counts are validation errors', () => {
  assert.throws(() => new PopulationBuilder().add(-1), ValidationError);
  assert.throws(() => new PopulationBuilder().add(1.5), ValidationError);
  assert.throws(
    () => populationFromAverage(-1, 10),
    (e: unknown) => e instanceof ValidationError && e.field === 'objects',
  );
  assert.throws(
    () => populationFromAverage(1, -10),
    (e: unknown) => e instanceof ValidationError && e.field === 'avg_size',
  );
});
