/**
 * ISSUE-11 item 9: `POST /restore` records the request and answers 202 in bounded time whatever
 * the selection. The API handler is wired as the Lambda wires it (restore resolution `deferred`),
 * on moto, with a request meter on its clients: one key, 1,000 keys, a prefix of 3,000 archived
 * files and a base name all make the same requests. The restore worker (here `resolve`, which the
 * reconciler runs) then looks the 3,000 files up and records them in BatchWriteItem calls of 25.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createApiHandler } from '../../src/api/handler.js';
import { bearerAuthorizer } from '../../src/api/auth.js';
import { RequestMeter } from '../../src/adapters/request-meter.js';
import { unwiredArchiveJobs } from '../support/unwired-ports.js';
import { proxyEvent } from '../unit/api/event.js';
import { startMotoFixture, type MotoFixture } from '../support/moto.js';
import { putBundle, setupRestoreEnv, type RestoreEnv } from '../support/restore-fixtures.js';

const TOKEN = 'restore-requests-token-0123456789';
let fx: MotoFixture;
let env: RestoreEnv;

before(async () => {
  fx = await startMotoFixture();
  env = await setupRestoreEnv(fx);
  const files = Array.from({ length: 3000 }, (_, i) => ({ key: `big/${String(i).padStart(5, '0')}.csv`, data: Buffer.from(`row ${i}\n`) }));
  await putBundle(env, files, { storageClass: 'STANDARD', jobId: 'j-big' });
});
after(async () => fx.close());

test('POST /restore makes the same requests for 1 key, 1,000 keys, a prefix of 3,000 files and a name; the worker records the files in batches', async () => {
  const svc = env.service({ resolution: 'deferred', extractOnSubmit: false });
  const handler = createApiHandler({
    archive: unwiredArchiveJobs(),
    restore: svc,
    files: svc,
    deployment: { region: fx.region },
    authorize: bearerAuthorizer(TOKEN),
  });
  const bodies = [
    { bucket_name: env.sourceBucket, keys: ['big/00001.csv'] },
    { bucket_name: env.sourceBucket, keys: Array.from({ length: 1000 }, (_, i) => `big/${String(i).padStart(5, '0')}.csv`) },
    { bucket_name: env.sourceBucket, prefix: 'big/' },
    { filename: '00042.csv' },
  ];
  const counts: Record<string, number>[] = [];
  const ids: string[] = [];
  for (const body of bodies) {
    const meter = new RequestMeter().attach(fx.clients.s3).attach(fx.clients.dynamo);
    const started = performance.now();
    const res = await handler(proxyEvent('POST', '/restore', { body: { ...body, retrieval_tier: 'Bulk' }, headers: { authorization: `Bearer ${TOKEN}` } }));
    const ms = performance.now() - started;
    meter.detach(fx.clients.s3);
    meter.detach(fx.clients.dynamo);
    assert.equal(res.statusCode, 202, res.body);
    const answer = JSON.parse(res.body) as { restore_id: string; status: string };
    assert.equal(answer.status, 'RESOLVING');
    assert.ok(ms < 5000, `answered in ${Math.round(ms)} ms`);
    ids.push(answer.restore_id);
    counts.push(meter.snapshot().requests);
  }
  // The open marker and the request item, nothing else; for the prefix also the named bucket's scopes
  // (is it archived? one Query; keys are looked up first and their bucket checked only if none is found).
  assert.deepEqual(counts[0], { 'DynamoDB:PutItem': 2 });
  assert.deepEqual(counts[1], { 'DynamoDB:PutItem': 2 });
  assert.deepEqual(counts[2], { 'DynamoDB:Query': 1, 'DynamoDB:PutItem': 2 });
  assert.deepEqual(counts[3], { 'DynamoDB:PutItem': 2 }, 'no bucket named for the file name');

  // The worker's part for the prefix: 3,000 files looked up (one manifest) and recorded 25 a call.
  const meter = new RequestMeter().attach(fx.clients.s3).attach(fx.clients.dynamo);
  await svc.resolve(ids[2]!);
  meter.detach(fx.clients.s3);
  meter.detach(fx.clients.dynamo);
  const worker = meter.snapshot().requests;
  assert.equal(worker['DynamoDB:BatchWriteItem'], 120);
  assert.equal(worker['S3:GetObject:STANDARD'], 1, 'the one manifest');
  const view = await svc.get(ids[2]!);
  assert.equal(view?.files.length, 3000);
  assert.equal(view?.status, 'PENDING', 'recorded; extraction is left to the reconciler (extractOnSubmit false)');
});
