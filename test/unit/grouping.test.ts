import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BundleCutter } from '../../src/domain/grouping.js';
import { preferredMethod, keepDeflated, extensionOf } from '../../src/bundle/compression-policy.js';

test('bundles close at the byte cap, in order, without splitting files', () => {
  const c = new BundleCutter(100, 1000);
  assert.deepEqual(
    [40, 40, 30, 100, 1, 250, 5].map((s) => c.assign(s)),
    [0, 0, 1, 2, 3, 4, 5],
  );
  // 40+40=80; +30 > 100 -> new; 30+100 > 100 -> new; 100+1 > 100 -> new; 1+250 -> new (250 alone); then new
  assert.equal(c.bundleCount, 6);
});

test('bundles close at the file cap; zero-byte objects count as files', () => {
  const c = new BundleCutter(1_000_000, 3);
  assert.deepEqual(
    [0, 0, 0, 0, 0, 0, 0].map((s) => c.assign(s)),
    [0, 0, 0, 1, 1, 1, 2],
  );
});

test('an object larger than the cap gets a bundle of its own even when it comes first', () => {
  const c = new BundleCutter(10, 10);
  assert.deepEqual(
    [50, 1, 2].map((s) => c.assign(s)),
    [0, 1, 1],
  );
});

test('invalid limits are refused', () => {
  assert.throws(() => new BundleCutter(0, 1), /maxBytes/);
  assert.throws(() => new BundleCutter(1, 1.5), /maxFiles/);
});

test('compression rule: compressed extensions and tiny files are stored', () => {
  assert.equal(preferredMethod('a/b/photo.JPG', 10_000), 0);
  assert.equal(preferredMethod('a/data.csv', 10_000), 8);
  assert.equal(preferredMethod('a/tiny.csv', 10), 0);
  assert.equal(preferredMethod('a/noext', 1000), 8);
  assert.equal(extensionOf('dir.d/file'), '');
  assert.equal(extensionOf('.hidden'), '');
  assert.equal(keepDeflated(1000, 970), true);
  assert.equal(keepDeflated(1000, 971), false);
});
