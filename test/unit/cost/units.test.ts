import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseByteSize, parseCount, formatBytes, formatUsd } from '../../../src/cost/units.js';
import { ValidationError } from '../../../src/domain/errors.js';

test('parseByteSize reads plain numbers, decimal and binary units', () => {
  assert.equal(parseByteSize('100000', 'avg-size'), 100_000);
  assert.equal(parseByteSize('100KB', 'avg-size'), 100_000); // 100 × 1,000
  assert.equal(parseByteSize('1.5 MB', 'avg-size'), 1_500_000); // 1.5 × 1,000,000
  assert.equal(parseByteSize('1MiB', 'avg-size'), 1_048_576); // 1 × 1,024²
  assert.equal(parseByteSize('128kib', 'avg-size'), 131_072); // 128 × 1,024
  assert.equal(parseByteSize('2GiB', 'avg-size'), 2_147_483_648);
});

test('parseByteSize rejects unknown units and negative numbers with the field name', () => {
  for (const bad of ['1x', '-5', 'KB', '', '1.2.3MB']) {
    assert.throws(
      () => parseByteSize(bad, 'avg-size'),
      (err: unknown) => err instanceof ValidationError && err.field === 'avg-size',
    );
  }
});

test('parseCount accepts separators and rejects fractions', () => {
  assert.equal(parseCount('1,000,000', 'objects'), 1_000_000);
  assert.equal(parseCount('1_000', 'objects'), 1000);
  assert.throws(() => parseCount('1.5', 'objects'), ValidationError);
  assert.throws(() => parseCount('ten', 'objects'), ValidationError);
});

test('formatters', () => {
  assert.equal(formatBytes(100_000_000_000), '93.1 GiB'); // 1e11 / 2^30 = 93.13
  assert.equal(formatUsd(50), '$50.00');
  assert.equal(formatUsd(0.0922), '$0.0922');
  assert.equal(formatUsd(1234.5), '$1,234.50');
  assert.equal(formatUsd(-21.01), '-$21.01');
  assert.equal(formatUsd(-0.5), '-$0.5000');
});
