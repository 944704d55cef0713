/**
 * The extractor on the in-memory object store: one ranged GET per file, byte-exact copies in
 * memory and streamed, a corrupted byte fails the file and writes nothing, a bundle without a
 * restored copy is reported as not readable.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { IntegrityError } from '../../../src/domain/errors.js';
import { fileRecordOf } from '../../../src/domain/restore-records.js';
import { BundleNotReadableError, Extractor } from '../../../src/restore/extractor.js';
import { RESTORE, SOURCE, memoryRestoreEnv, putMemoryBundle } from '../../support/memory-restore-env.js';

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const BIG = Buffer.concat([randomBytes(40_000), Buffer.alloc(60_000, 'z')]);
const FILES = [
  { key: 'd/empty.bin', data: Buffer.alloc(0), method: 0 as const },
  { key: 'd/ünï €.txt', data: Buffer.from('unicode key\n'.repeat(50)) },
  { key: 'd/big.bin', data: BIG, method: 8 as const },
];

for (const [mode, bufferedMaxBytes] of [
  ['in memory', undefined],
  ['streamed', 16],
] as const) {
  test(`extraction ${mode}: byte-exact, one ranged GET of the entry only, metadata with the SHA-256`, async () => {
    const env = memoryRestoreEnv();
    const b = await putMemoryBundle(env, FILES, { storageClass: 'STANDARD' });
    const extractor = new Extractor(env.objects, { restoreBucket: RESTORE, ...(bufferedMaxBytes ? { bufferedMaxBytes } : {}) });
    for (const item of b.items) {
      const before = env.objects.calls.length;
      const out = await extractor.extract('rst-1', fileRecordOf('rst-1', 0, item, '2024-05-01T00:00:00Z'));
      const original = FILES.find((f) => f.key === item.key)!.data;
      assert.equal(out.restoreKey, `restores/rst-1/${item.bucket}/${item.key}`);
      assert.equal(out.bytes, original.length);
      const stored = env.objects.object(RESTORE, out.restoreKey)!;
      assert.equal(sha(stored.body), sha(original), item.key);
      assert.equal(stored.metadata['coldpack-sha256'], item.sha256);
      const calls = env.objects.calls.slice(before);
      assert.deepEqual(
        calls.map((c) => c.op),
        ['GetObject', bufferedMaxBytes ? 'Upload' : 'PutObject'],
      );
    }
  });

  test(`extraction ${mode}: a corrupted byte is an IntegrityError and nothing is written`, async () => {
    const env = memoryRestoreEnv();
    const b = await putMemoryBundle(env, [{ key: 'd/bad.bin', data: randomBytes(5_000), method: 0 }], {
      storageClass: 'STANDARD',
      mutate: (buf, entries) => {
        const e = entries[0]!;
        const at = e.offset + e.length - e.compressedSize + 100; // a byte of the stored data
        buf[at] = buf[at]! ^ 0xff;
      },
    });
    const extractor = new Extractor(env.objects, { restoreBucket: RESTORE, ...(bufferedMaxBytes ? { bufferedMaxBytes } : {}) });
    await assert.rejects(
      extractor.extract('rst-1', fileRecordOf('rst-1', 0, b.items[0]!, '')),
      (err: unknown) => err instanceof IntegrityError && /CRC-32|SHA-256/.test(err.message),
    );
    assert.deepEqual([...env.objects.buckets.get(RESTORE)!.keys()], []);
  });
}

test('a bundle without a restored copy (INVALID_OBJECT_STATE) is BundleNotReadableError', async () => {
  const env = memoryRestoreEnv();
  const b = await putMemoryBundle(env, [{ key: 'd/a.txt', data: Buffer.from('a') }], { storageClass: 'DEEP_ARCHIVE' });
  const extractor = new Extractor(env.objects, { restoreBucket: RESTORE });
  await assert.rejects(extractor.extract('rst-1', fileRecordOf('rst-1', 0, b.items[0]!, '')), BundleNotReadableError);
});

test('through the service: a corrupted file is FAILED with INTEGRITY_ERROR, its neighbour AVAILABLE, the request PARTIAL', async () => {
  const env = memoryRestoreEnv();
  await putMemoryBundle(
    env,
    [
      { key: 'p/good.txt', data: Buffer.from('good'), method: 0 },
      { key: 'p/bad.txt', data: Buffer.from('bad bytes here'), method: 0 },
    ],
    {
      storageClass: 'STANDARD',
      mutate: (buf, entries) => {
        const e = entries.find((x) => x.name === 'p/bad.txt')!;
        const at = e.offset + e.length - e.compressedSize + 2;
        buf[at] = buf[at]! ^ 0xff;
      },
    },
  );
  const r = await env
    .service()
    .submit({ selection: { kind: 'keys', keys: ['p/good.txt', 'p/bad.txt'] }, tier: 'Standard', days: 3, all_matches: false, requested_by: 't' }, {});
  const byKey = new Map(r.files.map((f) => [f.key, f]));
  assert.equal(r.status, 'PARTIAL');
  assert.equal(byKey.get('p/good.txt')?.status, 'AVAILABLE');
  assert.equal(byKey.get('p/bad.txt')?.status, 'FAILED');
  assert.equal(byKey.get('p/bad.txt')?.error_code, 'INTEGRITY_ERROR');
  assert.deepEqual([...env.objects.buckets.get(RESTORE)!.keys()], [`restores/${r.restore_id}/${SOURCE}/p/good.txt`]);
});

test('through the service: access denied on the restore bucket fails the file with a hint about the role; the request is FAILED and notified', async () => {
  const env = memoryRestoreEnv();
  await putMemoryBundle(env, [{ key: 'p/one.txt', data: Buffer.from('one') }], { storageClass: 'STANDARD' });
  env.objects.failNext('PutObject', 'ACCESS_DENIED');
  const r = await env
    .service()
    .submit({ selection: { kind: 'keys', keys: ['p/one.txt'] }, tier: 'Standard', days: 3, all_matches: false, requested_by: 't' }, {});
  assert.equal(r.status, 'FAILED');
  assert.equal(r.files[0]?.error_code, 'ACCESS_DENIED');
  assert.match(String(r.files[0]?.message), /PutObject s3:\/\/mem-restore\/restores\/.+kms:GenerateDataKey/);
  assert.deepEqual(
    env.notifier.sent.map((n) => n.message.event),
    ['restore.failed'],
  );
});
