/**
 * Field input (a tester's): keys near the 1,000-byte cut of the directory sort key. With a cut at a
 * byte budget, `P+'～'` (1,000 bytes) stayed whole while `P+'😀'` (1,001 bytes) was cut to P, so the
 * bundle holding both sorted below keys it holds: a lookup by key missed `P+'～'` (lost to key
 * restores once its source is deleted) and a re-run packed `M/a` and `P+'a'` again. The sort key is
 * now cut in code points (`directorySortKey`), which keeps key order. On moto, through the real
 * engine and restore service.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { createRestoreService } from '../../src/entrypoints/restore-composition.js';
import { startArchiveFixture, seed, listRequest, type ArchiveFixture } from '../support/archive-fixture.js';

let fx: ArchiveFixture;
before(async () => {
  fx = await startArchiveFixture('lsk-');
});
after(async () => {
  await fx?.close();
});

test('keys whose 1,000-byte cut would not keep their order: every key found by key, a re-run packs none again, a key restore after the delete', async () => {
  const p = 'M/' + 'y'.repeat(995); // 997 bytes
  const keys = ['M/a', p + 'a', p + '\uFF5E', p + '\u{1F600}', 'M/z'];
  await seed(fx.clients.s3, 'src', Object.fromEntries(keys.map((k, i) => [k, `body ${i}`])));
  const first = await fx.archive.service.submit(listRequest('M/', { max_files_per_bundle: 2, delete_source: false }), {});
  assert.equal((await fx.archive.engine.run(first.job_id)).status, 'SUCCEEDED');
  const svc = createRestoreService(fx.config, fx.clients);
  for (const k of keys) assert.equal((await svc.byKey('src', k, { limit: 10 })).items.length, 1, `found by key: …${k.slice(-2)}`);

  const again = await fx.archive.service.submit(listRequest('M/', { max_files_per_bundle: 2 }), {});
  const report = await fx.archive.engine.run(again.job_id);
  assert.deepEqual([report.files_archived, report.already_archived], [0, 5], 'nothing packed twice');
  assert.equal((await fx.clients.s3.send(new ListObjectsV2Command({ Bucket: 'src', Prefix: 'M/' }))).KeyCount, 0, 'sources deleted');

  const r = await svc.submit(
    { selection: { kind: 'keys', keys: [p + '\uFF5E'] }, bucket: 'src', tier: 'Standard', days: 1, all_matches: false, requested_by: 't' },
    {},
  );
  await svc.reconcile(r.restore_id);
  const view = (await svc.get(r.restore_id))!;
  assert.equal(view.status, 'AVAILABLE', JSON.stringify(view.files));
});
