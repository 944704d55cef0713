/**
 * Issue 11 item 10, the request record's kind, on moto: the request item held the whole key list
 * of a restore request, so a `POST /restore` body of 3,500 keys of 250 bytes (875 KB, under the
 * API's 1 MiB body limit) made an item over DynamoDB's 400 KB limit and the API answered 500
 * ("Item size has exceeded the maximum allowed size"). The list is now kept apart in
 * `SELECTION#` items of at most 300,000 bytes: the API answers 202 with a small body (the list is
 * not echoed), the request item stays small, and the restore worker resolves every key.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { createApiHandler } from '../../src/api/handler.js';
import { bearerAuthorizer } from '../../src/api/auth.js';
import { RequestMeter } from '../../src/adapters/request-meter.js';
import { unwiredArchiveJobs } from '../support/unwired-ports.js';
import { proxyEvent } from '../unit/api/event.js';
import { startMotoFixture, type MotoFixture } from '../support/moto.js';
import { putBundle, setupRestoreEnv, type RestoreEnv } from '../support/restore-fixtures.js';

const TOKEN = 'large-selection-token-0123456789';
let fx: MotoFixture;
let env: RestoreEnv;

before(async () => {
  fx = await startMotoFixture();
  env = await setupRestoreEnv(fx);
});
after(async () => fx?.close());

test('POST /restore with 875 KB of keys answers 202, keeps the request item small, and every key is resolved', async () => {
  const key = (i: number): string => `large/${'k'.repeat(230)}/${String(i).padStart(6, '0')}.csv`;
  const keys = Array.from({ length: 3500 }, (_, i) => key(i));
  await putBundle(
    env,
    [7, 1000, 3499].map((i) => ({ key: key(i), data: Buffer.from(`row ${i}\n`) })),
    { storageClass: 'STANDARD', jobId: 'j-large' },
  );
  const svc = env.service({ resolution: 'deferred', extractOnSubmit: false });
  const handler = createApiHandler({
    archive: unwiredArchiveJobs(),
    restore: svc,
    files: svc,
    deployment: { region: fx.region },
    authorize: bearerAuthorizer(TOKEN),
  });
  const body = { bucket_name: env.sourceBucket, keys, retrieval_tier: 'Bulk' };
  const bodyBytes = Buffer.byteLength(JSON.stringify(body));
  assert.ok(bodyBytes > 800_000 && bodyBytes < 1024 * 1024, `body of ${bodyBytes} bytes`);
  const meter = new RequestMeter().attach(fx.clients.dynamo);
  const res = await handler(proxyEvent('POST', '/restore', { body, headers: { authorization: `Bearer ${TOKEN}` } }));
  meter.detach(fx.clients.dynamo);
  assert.equal(res.statusCode, 202, res.body.slice(0, 500));
  const answer = JSON.parse(res.body) as { restore_id: string };
  assert.deepEqual(meter.snapshot().requests, { 'DynamoDB:PutItem': 2, 'DynamoDB:BatchWriteItem': 1 }, 'marker, request item, the list in one batch');
  const status = await handler(proxyEvent('GET', `/restore/${answer.restore_id}`, { headers: { authorization: `Bearer ${TOKEN}` } }));
  assert.equal(status.statusCode, 200);
  assert.ok(status.body.length < 10_000, `status of ${status.body.length} bytes: the list is not echoed`);
  const shown = JSON.parse(status.body) as { status: string; request: { selection: unknown }; counters: { selection_items?: number } };
  assert.equal(shown.status, 'RESOLVING');
  assert.deepEqual(shown.request.selection, { kind: 'keys', keys: [] });
  assert.equal(shown.counters.selection_items, 3500);

  const item = await fx.clients.dynamo.send(
    new GetCommand({ TableName: env.tables.jobs, Key: { pk: `RESTORE#${answer.restore_id}`, sk: 'REQUEST' }, ConsistentRead: true }),
  );
  const itemBytes = Buffer.byteLength(JSON.stringify(item.Item));
  assert.ok(itemBytes < 4096, `request item of ${itemBytes} bytes`);

  await svc.resolve(answer.restore_id);
  await svc.reconcile(answer.restore_id);
  const view = (await svc.get(answer.restore_id))!;
  assert.equal(view.files.length, 3500, 'every key of the list was resolved');
  assert.deepEqual(
    view.files.filter((f) => f.status === 'AVAILABLE').map((f) => f.key),
    [key(7), key(1000), key(3499)],
  );
  assert.equal(view.files.filter((f) => f.status === 'NOT_FOUND').length, 3497);
  assert.equal(view.status, 'PARTIAL');
});
