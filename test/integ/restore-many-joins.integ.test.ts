/**
 * Issue 11 item 10 on moto: any number of restore requests join one bundle restore. The requests
 * waiting for a bundle used to be a list appended to the bundle item; after 6,751 joins on moto
 * (~13,000 on AWS) the item passed DynamoDB's 400 KB item limit and every further join answered 500
 * although the request was recorded. Now each waiting request is its own item (pk
 * `BUNDLE_WAIT#<bundle_key>`, sk `<restore_id>` in the jobs table), read in pages.
 *
 * 100 requests through the real service (inline resolution) join one Deep Archive bundle: the
 * bundle item is byte-identical after 99 joins and after the first claim (with the list, every join
 * added the restore id to it: this test fails on that code), one RestoreObject is sent, and one
 * reconcile pass extracts every request's file byte-exact and leaves no wait item behind. N is kept
 * at 100 because the whole pipeline costs ~16 moto requests per request; 7,000 joins (past moto's
 * old limit) are in `test/heavy/restore-7000-joins.test.ts`.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { waitPk } from '../../src/adapters/dynamo/dynamo-bundle-restore-store.js';
import type { RestoreRequestInput } from '../../src/domain/restore-request.js';
import { mapLimit } from '../../src/restore/map-limit.js';
import { startMotoFixture, type MotoFixture } from '../support/moto.js';
import { countS3, putBundle, setupRestoreEnv, type RestoreEnv } from '../support/restore-fixtures.js';

let fx: MotoFixture;
let env: RestoreEnv;

before(async () => {
  fx = await startMotoFixture();
  env = await setupRestoreEnv(fx);
});
after(async () => fx?.close());

const input = (key: string): RestoreRequestInput => ({
  selection: { kind: 'keys', keys: [key] },
  bucket: env.sourceBucket,
  tier: 'Bulk',
  days: 3,
  all_matches: false,
  requested_by: 'test',
});

/** The bundle item as stored, and its serialized size in bytes (JSON of the item). */
async function bundleItem(bundleKey: string): Promise<{ item: Record<string, unknown>; bytes: number }> {
  const res = await fx.clients.dynamo.send(new GetCommand({ TableName: env.tables.bundles, Key: { bundle_key: bundleKey }, ConsistentRead: true }));
  assert.ok(res.Item, `bundle item ${bundleKey}`);
  return { item: res.Item, bytes: Buffer.byteLength(JSON.stringify(res.Item)) };
}

/** Wait items of a bundle (all pages, counted). */
async function waitItems(bundleKey: string): Promise<number> {
  let n = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const res = await fx.clients.dynamo.send(
      new QueryCommand({
        TableName: env.tables.jobs,
        KeyConditionExpression: 'pk = :p',
        ExpressionAttributeValues: { ':p': waitPk(bundleKey) },
        Select: 'COUNT',
        ExclusiveStartKey: start,
      }),
    );
    n += res.Count ?? 0;
    start = res.LastEvaluatedKey;
  } while (start);
  return n;
}

test('100 requests join one bundle restore through the service: the bundle item keeps its size, one reconcile pass restores every file', async () => {
  const N = 100;
  const key = (i: number): string => `joins/${String(i).padStart(4, '0')}.txt`;
  const data = (i: number): Buffer => Buffer.from(`file ${i} `.repeat(10 + (i % 7)));
  const b = await putBundle(
    env,
    Array.from({ length: N }, (_, i) => ({ key: key(i), data: data(i) })),
    { storageClass: 'DEEP_ARCHIVE', jobId: 'j-joins' },
  );
  const svc = env.service({ topicArn: undefined }); // no SNS topic: notifications are not what this test measures
  const s3 = countS3(fx.clients.s3);
  const ids: string[] = [];
  try {
    // The first request claims the bundle (and sends the one RestoreObject); the others join it.
    const first = await svc.submit(input(key(0)), {});
    assert.equal(first.status, 'RESTORING');
    ids.push(first.restore_id);
    const claimed = await bundleItem(b.bundleKey);
    assert.equal(claimed.item.restore_state, 'REQUESTED');
    const rest = await mapLimit(
      Array.from({ length: N - 1 }, (_, i) => i + 1),
      4,
      async (i) => svc.submit(input(key(i)), {}),
    );
    for (const r of rest) {
      assert.equal(r.status, 'RESTORING', r.restore_id);
      ids.push(r.restore_id);
    }
    assert.equal(s3.count('RestoreObject'), 1, `one RestoreObject for ${N} requests`);
    const joined = await bundleItem(b.bundleKey);
    assert.equal(joined.item.restore_state, 'REQUESTED');
    assert.equal(joined.bytes, claimed.bytes, `bundle item: ${claimed.bytes} bytes after the claim, ${joined.bytes} after ${N - 1} joins`);
    assert.deepEqual(joined.item, claimed.item, 'no attribute of the bundle item changed with the joins');
    assert.equal(await waitItems(b.bundleKey), N, 'one wait item per request');

    const summary = await svc.reconcile();
    assert.equal(summary.bundles_checked, 1);
    assert.equal(summary.bundles_ready, 1);
    assert.equal(summary.requests_finished, N);
    assert.equal(s3.count('HeadObject'), 1, 'one HeadObject for the bundle, whatever the number of waiting requests');
  } finally {
    s3.stop();
  }
  for (const [i, id] of ids.entries()) {
    const v = (await svc.get(id))!;
    assert.equal(v.status, 'AVAILABLE', id);
    assert.equal(v.files[0]?.key, key(i));
  }
  // Every restored copy holds its file's bytes.
  await mapLimit([...ids.entries()], 8, async ([i, id]) => {
    const got = await fx.clients.s3.send(new GetObjectCommand({ Bucket: env.restoreBucket, Key: `restores/${id}/${env.sourceBucket}/${key(i)}` }));
    assert.deepEqual(Buffer.from(await got.Body!.transformToByteArray()), data(i), key(i));
  });
  assert.equal(await waitItems(b.bundleKey), 0, 'finished requests leave no wait item');
  assert.equal((await bundleItem(b.bundleKey)).item.restore_state, 'READY');
});
