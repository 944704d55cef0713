import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { streamedMethod } from '../../../src/bundle/compression-policy.js';
import { ZipBundleWriter, type WrittenEntry } from '../../../src/bundle/zip-bundle-writer.js';
import { extractEntry, crc32Hex } from '../../../src/bundle/zip-entry-reader.js';
import { FileSink } from '../../support/file-sink.js';
import { unzipEntry, unzipNames, unzipTest } from '../../support/unzip.js';

const when = new Date('2024-04-10T12:34:56Z');

async function* chunks(data: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

test('varied entries round-trip through their byte ranges and pass unzip -t', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'zipw-'));
  try {
    const path = join(dir, 'b.zip');
    const sink = await FileSink.create(path);
    const w = new ZipBundleWriter(sink);
    const longKey = 'k/' + '€'.repeat(340) + 'xy';
    assert.equal(Buffer.byteLength(longKey), 1024);
    const cases: Array<[string, Buffer, 0 | 8, 'buf' | 'stream']> = [
      ['empty/zero.bin', Buffer.alloc(0), 0, 'buf'],
      ['q/a b.txt', Buffer.from('space'), 8, 'buf'],
      ['q/a+b.txt', Buffer.from('plus'), 8, 'buf'],
      ['q/a%2Bb.txt', Buffer.from('percent'), 0, 'buf'],
      ['q/x?y#z.txt', Buffer.from('query hash'), 8, 'buf'],
      ['ünï/cødé/日本.csv', Buffer.from('a,b\n'.repeat(1000)), 8, 'buf'],
      [longKey, Buffer.from('0123456789'), 0, 'buf'],
      ['big/random.bin', randomBytes(3 << 20), 0, 'stream'],
      ['big/text.csv', Buffer.from('x,y,z\n'.repeat(300_000)), 8, 'stream'],
      ['a/index.js', Buffer.from('one'), 8, 'buf'],
      ['b/index.js', Buffer.from('two'), 8, 'buf'],
    ];
    const written: WrittenEntry[] = [];
    for (const [name, data, method, how] of cases) {
      const input = { name, modified: when };
      written.push(how === 'buf' ? await w.addBuffer(input, data, method) : await w.addStream(input, chunks(data, 65536), method, data.length));
    }
    const { bytes, entries } = await w.finish();
    await sink.close();
    assert.equal(entries, cases.length);
    const file = await readFile(path);
    assert.equal(file.length, bytes);
    unzipTest(path);
    assert.deepEqual(
      unzipNames(path),
      cases.map((c) => c[0]),
    );
    for (let i = 0; i < cases.length; i++) {
      const [name, data] = cases[i]!;
      const e = written[i]!;
      assert.equal(e.sha256, createHash('sha256').update(data).digest('hex'));
      const range = file.subarray(e.offset, e.offset + e.length);
      const out = extractEntry(range, { key: name, size: e.size, compressed_size: e.compressedSize, crc32: crc32Hex(e.crc32), sha256: e.sha256 });
      assert.ok(out.equals(data), `byte range of ${name}`);
      assert.ok(unzipEntry(path, name).equals(data), `unzip -p of ${name}`);
    }
    // entries tile the file up to the central directory: no gaps, no overlaps
    for (let i = 1; i < written.length; i++) assert.equal(written[i]!.offset, written[i - 1]!.offset + written[i - 1]!.length);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('stream shorter than announced is an integrity error', async () => {
  const w = new ZipBundleWriter({ write: async () => undefined });
  await assert.rejects(w.addStream({ name: 'x', modified: when }, chunks(Buffer.alloc(10), 4), 0, 11), /delivered 10 bytes/);
});

test('a stored streamed entry with a known CRC-32 has sizes and CRC in its local header and no data descriptor', async () => {
  const data = randomBytes(200_000);
  const out: Buffer[] = [];
  const w = new ZipBundleWriter({ write: async (c) => void out.push(Buffer.from(c)) });
  const e = await w.addStream({ name: 'r.bin', modified: when }, chunks(data, 4096), 0, data.length, crc32(data) >>> 0);
  const local = Buffer.concat(out);
  assert.equal(local.readUInt16LE(6) & 0x0008, 0, 'no data-descriptor flag');
  assert.equal(local.readUInt32LE(14), crc32(data) >>> 0);
  assert.equal(local.readUInt32LE(18), data.length);
  assert.equal(local.readUInt32LE(22), data.length);
  assert.equal(e.length, local.length, 'nothing after the data');
  assert.equal(local.indexOf(Buffer.from([0x50, 0x4b, 0x07, 0x08]), 30 + 5), -1, 'no descriptor signature');
  const bad = new ZipBundleWriter({ write: async () => undefined });
  await assert.rejects(
    bad.addStream({ name: 'r.bin', modified: when }, chunks(data, 4096), 0, data.length, (crc32(data) + 1) >>> 0),
    /CRC-32 of the bytes read/,
  );
});

test('streamed method rule: stored by extension or when the first MiB does not shrink to 97 %, else deflated', () => {
  assert.equal(streamedMethod('v/movie.mp4', 9 << 20, 1 << 20, 100), 0);
  assert.equal(streamedMethod('r/random.bin', 9 << 20, 1 << 20, (1 << 20) + 300), 0);
  assert.equal(streamedMethod('r/almost.bin', 9 << 20, 1000, 980), 0);
  assert.equal(streamedMethod('t/table.csv', 9 << 20, 1000, 970), 8);
});

test('70,000 entries (> 65,535) get a zip64 end record that unzip reads in full', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'zipw-'));
  try {
    const path = join(dir, 'many.zip');
    const sink = await FileSink.create(path);
    const w = new ZipBundleWriter(sink);
    let last;
    for (let i = 1; i <= 70_000; i++) {
      const name = `n/${String(i).padStart(6, '0')}`;
      last = await w.addBuffer({ name, modified: when }, Buffer.from(`v${i}`.repeat(1 + (i % 4))), 0);
    }
    const res = await w.finish();
    await sink.close();
    assert.equal(res.entries, 70_000);
    const names = unzipNames(path);
    assert.equal(names.length, 70_000);
    assert.equal(names[69_999], 'n/070000');
    unzipTest(path);
    const file = await readFile(path);
    assert.equal(file.readUInt32LE(file.length - 22), 0x06054b50);
    assert.equal(file.readUInt16LE(file.length - 22 + 10), 0xffff, 'classic EOCD defers to zip64');
    assert.equal(file.readUInt32LE(file.length - 42), 0x07064b50, 'zip64 locator present');
    assert.ok(unzipEntry(path, 'n/070000').equals(Buffer.from('v70000'.repeat(1))));
    assert.ok(last);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
