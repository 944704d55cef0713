/**
 * The central directory kept as bytes while a bundle is open, and read back with ranged reads: a zip
 * of 70,000 entries (zip64 end records, a directory of several 1 MiB chunks) lists every entry with
 * its offset, sizes and CRC; bad input is an IntegrityError.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32 } from 'node:zlib';
import { ZipBundleWriter, type WrittenEntry } from '../../../src/bundle/zip-bundle-writer.js';
import { CentralDirectoryBuffer } from '../../../src/bundle/central-directory-buffer.js';
import { readCentralDirectory } from '../../../src/bundle/zip-central-directory.js';
import { IntegrityError } from '../../../src/domain/errors.js';

test('70,000 entries: zip64 end records, every record read back in order with offset, sizes and CRC-32', async () => {
  const chunks: Buffer[] = [];
  const w = new ZipBundleWriter({ write: async (c) => void chunks.push(Buffer.from(c)) });
  const modified = new Date('2024-04-10T00:00:00Z');
  const written: Array<{ e: WrittenEntry; data: Buffer }> = [];
  for (let i = 0; i < 70_000; i++) {
    const data = Buffer.from(`entry ${i}\n`);
    written.push({ e: await w.addPrepared({ name: `k/${String(i).padStart(6, '0')}.txt`, modified }, data, data, 0), data });
  }
  await w.finish();
  const zip = Buffer.concat(chunks);
  let reads = 0;
  const entries = await readCentralDirectory(async (s, e) => {
    reads++;
    return zip.subarray(s, e + 1);
  }, zip.length);
  assert.equal(entries.length, 70_000);
  assert.ok(reads <= 3, `${reads} ranged reads: the tail, the zip64 record, the directory`);
  for (const i of [0, 1, 65_534, 65_535, 69_999]) {
    const { e, data } = written[i]!;
    assert.deepEqual(entries[i], {
      name: e.name,
      flags: 0x0800,
      method: 0,
      crc32: crc32(data) >>> 0,
      compressedSize: data.length,
      size: data.length,
      offset: e.offset,
    });
  }
});

test('the directory buffer keeps records across chunk boundaries, byte for byte', () => {
  const b = new CentralDirectoryBuffer();
  const records = Array.from({ length: 30_000 }, (_, i) => Buffer.from(`record-${i}-`.repeat(1 + (i % 7))));
  for (const r of records) b.append(r);
  const all = Buffer.concat([...b.chunks()]);
  assert.deepEqual(all, Buffer.concat(records));
  assert.equal(b.count, 30_000);
  assert.equal(b.bytes, all.length);
  assert.ok([...b.chunks()].length > 1);
  assert.ok(b.heldBytes < b.bytes / 2, `records kept compressed: ${b.heldBytes} bytes held for ${b.bytes}`);
  b.release();
  assert.equal([...b.chunks()].length, 0);
  assert.equal(b.count, 30_000);
});

test('not a zip, or a truncated directory, is an IntegrityError', async () => {
  const junk = Buffer.alloc(1000, 7);
  await assert.rejects(
    readCentralDirectory(async (s, e) => junk.subarray(s, e + 1), junk.length),
    IntegrityError,
  );
});
