/** keys_manifest: the key list must live under key-lists/ in the restore bucket and be at most 16 MiB. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { startMotoFixture, type MotoFixture } from '../support/moto.js';
import { putBundle, setupRestoreEnv, type RestoreEnv } from '../support/restore-fixtures.js';
import type { RestoreRequestInput } from '../../src/domain/restore-request.js';
import { KEY_LIST_MAX_BYTES } from '../../src/restore/resolver.js';

let fx: MotoFixture;
let env: RestoreEnv;
before(async () => {
  fx = await startMotoFixture();
  env = await setupRestoreEnv(fx);
  await putBundle(env, [
    { key: 'kl/one.txt', data: Buffer.from('one') },
    { key: 'kl/two.txt', data: Buffer.from('two') },
  ]);
});
after(async () => fx.close());

const byList = (bucket: string, key: string): RestoreRequestInput => ({
  selection: { kind: 'manifest', bucket, key },
  tier: 'Standard',
  days: 3,
  all_matches: false,
  requested_by: 'test',
});
const put = (Bucket: string, Key: string, Body: string | Buffer) => fx.clients.s3.send(new PutObjectCommand({ Bucket, Key, Body }));

test('a key list under key-lists/ in the restore bucket restores its keys', async () => {
  await put(env.restoreBucket, 'key-lists/mine.txt', 'kl/one.txt\nkl/two.txt\nkl/missing.txt\n');
  const view = await env.service().submit(byList(env.restoreBucket, 'key-lists/mine.txt'), {});
  assert.deepEqual(view.files.map((f) => [f.key, f.status === 'NOT_FOUND']).sort(), [
    ['kl/missing.txt', true],
    ['kl/one.txt', false],
    ['kl/two.txt', false],
  ]);
});

test('a key list anywhere else is refused before it is read (no reading arbitrary objects through error messages)', async () => {
  await put(env.sourceBucket, 'secret/payroll.csv', 'name,salary\nalice,1\n');
  for (const [bucket, key] of [
    [env.sourceBucket, 'secret/payroll.csv'],
    [env.archiveBucket, 'key-lists/x.txt'],
    [env.restoreBucket, 'restores/x.txt'],
    [env.restoreBucket, 'key-lists/../restores/x'],
  ] as const) {
    await assert.rejects(
      env.service().submit(byList(bucket, key), {}),
      (err: Error & { field?: string; status?: number }) => err.status === 400 && err.field === 'keys_manifest' && /key-lists\//.test(err.message),
    );
  }
});

test('a missing key list is a 400 SOURCE_NOT_FOUND; a UTF-8 BOM is not part of the first key', async () => {
  await assert.rejects(
    env.service().submit(byList(env.restoreBucket, 'key-lists/nope.txt'), {}),
    (err: Error & { status?: number; code?: string }) => err.status === 400 && err.code === 'SOURCE_NOT_FOUND',
  );
  await put(env.restoreBucket, 'key-lists/bom.txt', '\uFEFFkl/one.txt\r\n');
  const view = await env.service().submit(byList(env.restoreBucket, 'key-lists/bom.txt'), {});
  assert.deepEqual(
    view.files.map((f) => [f.key, f.status !== 'NOT_FOUND']),
    [['kl/one.txt', true]],
  );
});

test('a key list over 16 MiB is refused with its size', async () => {
  await put(env.restoreBucket, 'key-lists/huge.txt', Buffer.alloc(KEY_LIST_MAX_BYTES + 10, 'a'));
  await assert.rejects(env.service().submit(byList(env.restoreBucket, 'key-lists/huge.txt'), {}), /at most 16777216 bytes/);
});
