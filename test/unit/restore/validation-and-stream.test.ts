import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { ValidationError } from '../../../src/domain/errors.js';
import { restoreInputFromOptions } from '../../../src/entrypoints/cli/commands/restore.js';
import { openEntryStream } from '../../../src/bundle/entry-stream.js';
import { ZipBundleWriter, type WrittenEntry } from '../../../src/bundle/zip-bundle-writer.js';
import { crc32Hex } from '../../../src/bundle/zip-entry-reader.js';

test('CLI options map onto a restore request; bad input is a ValidationError', () => {
  const o = { tier: 'Standard', days: '3', interval: '5', timeout: '0' };
  assert.deepEqual(restoreInputFromOptions({ ...o, name: ['a.csv,b.csv', 'a.csv'] }).selection, { kind: 'names', names: ['a.csv', 'b.csv'] });
  assert.deepEqual(restoreInputFromOptions({ ...o, key: ['x y', 'x y'] }).selection, { kind: 'keys', keys: ['x y'] });
  assert.equal(restoreInputFromOptions({ ...o, prefix: 'p/', days: '7', tier: 'Bulk' }).days, 7);
  assert.throws(() => restoreInputFromOptions({ ...o }), ValidationError);
  assert.throws(() => restoreInputFromOptions({ ...o, key: ['a'], prefix: 'p' }), ValidationError);
  assert.throws(() => restoreInputFromOptions({ ...o, key: ['a'], days: 'three' }), ValidationError);
  assert.throws(() => restoreInputFromOptions({ ...o, key: ['a'], days: '1.5' }), ValidationError);
  assert.equal(restoreInputFromOptions({ ...o, key: ['a'], days: '0' }).days, 0, "the range is the restore service's rule, not the flag parser's");
  const field = (f: () => unknown): string | undefined => {
    try {
      f();
      return undefined;
    } catch (err) {
      assert.ok(err instanceof ValidationError);
      return err.field;
    }
  };
  assert.equal(
    field(() => restoreInputFromOptions({ ...o, key: ['€'.repeat(342)] })),
    'key',
  );
  assert.equal(
    field(() => restoreInputFromOptions({ ...o, key: [''] })),
    'key',
  );
  assert.equal(
    field(() => restoreInputFromOptions({ ...o, name: ['a/b.csv'] })),
    'name',
  );
  assert.equal(
    field(() => restoreInputFromOptions({ ...o, key: ['a'], tier: 'Fast' })),
    'tier',
  );
  assert.throws(() => restoreInputFromOptions({ ...o, key: ['a'], tier: 'Fast' }), ValidationError);
  assert.throws(() => restoreInputFromOptions({ ...o, key: ['a'], bucket: 'Bad_B' }), /--bucket "Bad_B": may contain only lowercase/);
});

/** Deterministic incompressible bytes (SHA-256 chain). */
function noise(n: number): Buffer {
  const out: Buffer[] = [];
  let h = Buffer.from('seed');
  for (let len = 0; len < n; len += 32) out.push((h = createHash('sha256').update(h).digest()));
  return Buffer.concat(out).subarray(0, n);
}

async function* once(b: Buffer): AsyncGenerator<Buffer> {
  yield b;
}
async function* chunked(b: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}
async function collect(it: AsyncIterable<Buffer>): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const c of it) out.push(c);
  return Buffer.concat(out);
}

async function zipOf(name: string, data: Buffer, method: 0 | 8, stream: boolean): Promise<{ zip: Buffer; e: WrittenEntry }> {
  const chunks: Buffer[] = [];
  const w = new ZipBundleWriter({ write: async (c) => void chunks.push(Buffer.from(c)) });
  const modified = new Date('2024-01-01T00:00:00Z');
  const e = stream ? await w.addStream({ name, modified }, once(data), method, data.length) : await w.addBuffer({ name, modified }, data, method);
  await w.finish();
  return { zip: Buffer.concat(chunks), e };
}

for (const [method, stream] of [
  [8, true],
  [0, true],
  [8, false],
  [0, false],
] as const) {
  test(`streaming extraction (method ${method}, ${stream ? 'data descriptor' : 'sizes in header'}) returns the bytes and rejects a flipped byte`, async () => {
    const data = Buffer.concat([noise(100_000), Buffer.alloc(200_000, 'z')]);
    const { zip, e } = await zipOf('d/ünï.bin', data, method, stream);
    const expected = { key: 'd/ünï.bin', size: e.size, compressed_size: e.compressedSize, crc32: crc32Hex(e.crc32), sha256: e.sha256 };
    const range = zip.subarray(e.offset, e.offset + e.length);
    const got = await collect(await openEntryStream(chunked(range, 7_777), expected));
    assert.equal(createHash('sha256').update(got).digest('hex'), createHash('sha256').update(data).digest('hex'));
    // Flip a byte early in the data (the incompressible part): a flip in the deflated run of 'z'
    // can decode to the very same bytes, so it would not prove anything.
    const bad = Buffer.from(range);
    const at = range.length - e.compressedSize - (stream ? 16 : 0) + 500;
    bad[at] = bad[at]! ^ 0x10;
    await assert.rejects(
      async () => collect(await openEntryStream(chunked(bad, 4096), expected)),
      (err: unknown) => (err as { code?: string }).code === 'INTEGRITY_ERROR',
    );
    await assert.rejects(async () => collect(await openEntryStream(chunked(range, 4096), { ...expected, key: 'other' })), /entry name mismatch/);
    await assert.rejects(
      async () => collect(await openEntryStream(chunked(range.subarray(0, range.length - 30 - (stream ? 24 : 0)), 4096), expected)),
      (err: unknown) => (err as { code?: string }).code === 'INTEGRITY_ERROR',
    );
  });
}
