import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ZipBundleWriter } from '../../src/bundle/zip-bundle-writer.js';
import { extractEntry, crc32Hex } from '../../src/bundle/zip-entry-reader.js';
import { FileSink, zeros } from '../support/file-sink.js';
import { unzipEntry, unzipNames, unzipTest } from '../support/unzip.js';

const when = new Date('2024-04-10T00:00:00Z');
const GiB = 1024 ** 3;

// Synthetic multi-GiB streams of zeros written to a sparse file: the zip layer is exercised past
// 2^32 (entry size and local-header offset) while the disk holds almost nothing.
test('bundle past 4 GiB: stored 4.25 GiB entry, then an entry whose local header is past 2^32', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'zip64-'));
  try {
    const path = join(dir, 'big.zip');
    const sink = await FileSink.create(path, true);
    const w = new ZipBundleWriter(sink);
    const bigSize = 4 * GiB + 256 * 1024 * 1024;
    const big = await w.addStream({ name: 'big/0001', modified: when }, zeros(bigSize), 0, bigSize);
    assert.equal(big.size, bigSize);
    const tail = Buffer.from('the last entry, past 4 GiB');
    const after = await w.addBuffer({ name: 'big/1100', modified: when }, tail, 8);
    assert.ok(after.offset > 0xffffffff, `offset ${after.offset} must exceed 2^32 - 1`);
    assert.ok(Number.isSafeInteger(after.offset));
    await w.finish();
    await sink.close();
    assert.deepEqual(unzipNames(path), ['big/0001', 'big/1100']);
    unzipTest(path);
    assert.ok(unzipEntry(path, 'big/1100').equals(tail));
    const fh = await open(path, 'r');
    const range = Buffer.alloc(after.length);
    await fh.read(range, 0, after.length, after.offset);
    await fh.close();
    const out = extractEntry(range, {
      key: 'big/1100',
      size: after.size,
      compressed_size: after.compressedSize,
      crc32: crc32Hex(after.crc32),
      sha256: after.sha256,
    });
    assert.ok(out.equals(tail));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
