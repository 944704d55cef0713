/**
 * Issue 11 item 10 past the old limit, on moto: with the waiting requests kept as a list in the
 * bundle item, join 6,751 passed moto's 400 KB item limit (~13,000 on AWS) and every later join
 * failed. Here 7,000 requests join one bundle restore through `BundleRestores.joinOrClaim` on the
 * DynamoDB adapter (the join of the restore worker: one PutItem of the wait item, one GetItem of the
 * state): every join succeeds, the bundle item stays byte-identical, and the waiting requests are
 * read back in pages of at most 1,000. The whole pipeline with 100 requests is
 * `test/integ/restore-many-joins.integ.test.ts`. Heavy tier: ~14,000 moto requests (20-45 s).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoBundleRestoreStore } from '../../src/adapters/dynamo/dynamo-bundle-restore-store.js';
import { S3ObjectStore } from '../../src/adapters/s3/s3-object-store.js';
import { systemClock } from '../../src/domain/ports/clock.js';
import { BundleRestores } from '../../src/restore/bundle-restore.js';
import { mapLimit } from '../../src/restore/map-limit.js';
import { startMotoFixture, type MotoFixture } from '../support/moto.js';
import { putBundle, setupRestoreEnv, type RestoreEnv } from '../support/restore-fixtures.js';

let fx: MotoFixture;
let env: RestoreEnv;

before(async () => {
  fx = await startMotoFixture();
  env = await setupRestoreEnv(fx);
});
after(async () => fx?.close());

/** The bundle item's serialized size in bytes (JSON of the stored item). */
async function itemBytes(bundleKey: string): Promise<number> {
  const res = await fx.clients.dynamo.send(new GetCommand({ TableName: env.tables.bundles, Key: { bundle_key: bundleKey }, ConsistentRead: true }));
  assert.ok(res.Item);
  return Buffer.byteLength(JSON.stringify(res.Item));
}

test('7,000 joins of one bundle restore all succeed, the bundle item does not grow, the waiting requests are read in pages', async () => {
  const N = 7000;
  const b = await putBundle(env, [{ key: 'many/one.txt', data: Buffer.from('one') }], { storageClass: 'DEEP_ARCHIVE', jobId: 'j-many' });
  const bundles = new BundleRestores(new DynamoBundleRestoreStore(fx.clients.dynamo, env.tables), new S3ObjectStore(fx.clients.s3), systemClock);
  const id = (i: number): string => `rst-20250101T000000-${String(i).padStart(10, '0')}`;
  assert.equal(await bundles.joinOrClaim(b.bundleKey, id(0), 'Bulk', 3), 'CLAIMED');
  const claimed = await itemBytes(b.bundleKey);
  const outcomes = await mapLimit(
    Array.from({ length: N - 1 }, (_, i) => i + 1),
    16,
    (i) => bundles.joinOrClaim(b.bundleKey, id(i), 'Bulk', 3),
  );
  assert.equal(outcomes.filter((o) => o === 'JOINED').length, N - 1, 'every join succeeds');
  assert.equal(await itemBytes(b.bundleKey), claimed, `the bundle item after ${N - 1} joins is as large as after the claim (${claimed} bytes)`);

  assert.equal(await bundles.markReady(b.bundleKey), true);
  const pages: number[] = [];
  const seen = new Set<string>();
  for await (const page of bundles.waiters(b.bundleKey)) {
    pages.push(page.length);
    for (const w of page) seen.add(w);
  }
  assert.equal(seen.size, N, 'every waiting request is read back');
  assert.ok(Math.max(...pages) <= 1000 && pages.length >= 7, `pages of at most 1,000: ${pages.join(',')}`);
});
