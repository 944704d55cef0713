/**
 * End to end on moto: archive with the real archive engine, then restore with the file names the
 * source application sends (no bucket), a prefix, and a key from a nested folder, byte-exact.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { startArchiveFixture, seed, listRequest, type ArchiveFixture } from '../support/archive-fixture.js';
import { countS3 } from '../support/restore-fixtures.js';
import { createRestoreService } from '../../src/entrypoints/restore-composition.js';
import type { RestoreRequestInput } from '../../src/domain/restore-request.js';

let fx: ArchiveFixture;
let contents: Map<string, Buffer>;

const input = (selection: RestoreRequestInput['selection'], extra: Partial<RestoreRequestInput> = {}): RestoreRequestInput => ({
  selection,
  tier: 'Standard',
  days: 3,
  all_matches: false,
  requested_by: 'test',
  ...extra,
});

before(async () => {
  fx = await startArchiveFixture('e2e-');
  const objects: Record<string, Buffer | string> = {
    '20240410/5000_20240517_003.csv': 'id,value\n'.repeat(500),
    '20240410/5000_20240517_004.csv': 'id,other\n'.repeat(500),
    '20240410/deep/nested/folder/ünïcødé €.txt': 'nested unicode',
    '20240410/q/a+b.txt': 'plus',
    '20240410/q/a b.txt': 'space',
    '20240410/blob.bin': randomBytes(400_000),
  };
  contents = await seed(fx.clients.s3, 'src', objects);
  const view = await fx.archive.service.submit(
    listRequest('20240410/', { project: 'amazon', expected_file_count: contents.size, max_bundle_bytes: 300_000 }),
    {},
  );
  const report = await fx.archive.engine.run(view.job_id);
  assert.ok(report, 'archive job ran');
});
after(async () => fx?.close());

async function restored(restoreId: string, key: string): Promise<Buffer> {
  const res = await fx.clients.s3.send(new GetObjectCommand({ Bucket: fx.config.restoreBucket, Key: `restores/${restoreId}/src/${key}` }));
  return Buffer.from(await res.Body!.transformToByteArray());
}

test("the source application's comma-separated filename (no bucket) restores both files byte-exact", async () => {
  const svc = createRestoreService(fx.config, fx.clients);
  const r = await svc.submit(input({ kind: 'names', names: ['5000_20240517_003.csv', '5000_20240517_004.csv'] }, { project: 'amazon' }), {});
  assert.deepEqual(
    r.files.map((f) => f.status === 'NOT_FOUND'),
    [false, false],
    JSON.stringify(r.files),
  );
  await svc.reconcile(r.restore_id);
  const done = (await svc.get(r.restore_id))!;
  assert.equal(done.status, 'AVAILABLE', JSON.stringify(done.files));
  for (const f of done.files) assert.deepEqual(await restored(r.restore_id, f.key), contents.get(f.key));
});

test('a prefix and a nested unicode key restore byte-exact; one ranged GET per file, less than the bundle', async () => {
  const svc = createRestoreService(fx.config, fx.clients);
  const counter = countS3(fx.clients.s3);
  try {
    const p = await svc.submit(input({ kind: 'prefix', prefix: '20240410/q/' }), {});
    assert.deepEqual(p.files.map((f) => f.key).sort(), ['20240410/q/a b.txt', '20240410/q/a+b.txt']);
    const k = await svc.submit(input({ kind: 'keys', keys: ['20240410/deep/nested/folder/ünïcødé €.txt'] }, { bucket: 'src' }), {});
    await svc.reconcile();
    for (const r of [p, k]) {
      const done = (await svc.get(r.restore_id))!;
      assert.equal(done.status, 'AVAILABLE', JSON.stringify(done.files));
      for (const f of done.files) assert.deepEqual(await restored(r.restore_id, f.key), contents.get(f.key));
    }
    const rangedGets = counter.inputs.filter(
      (i) => i.command === 'GetObject' && i.input.Bucket === fx.config.archiveBucket && String(i.input.Key).endsWith('.zip'),
    );
    assert.equal(rangedGets.length, 3);
    assert.ok(rangedGets.every((g) => /^bytes=\d+-\d+$/.test(String(g.input.Range))));
  } finally {
    counter.stop();
  }
});
