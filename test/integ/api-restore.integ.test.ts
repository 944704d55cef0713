/**
 * The HTTP API wired to the real restore pipeline (`src/restore/`) on moto, over real HTTP through
 * the local server: the ports as the restore engineer implemented them behave as the API expects
 * (202 + status URL, per-file NOT_FOUND, paged status, file lookups, 404 for an unknown id).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { bearerAuthorizer } from '../../src/api/auth.js';
import { createApiHandler } from '../../src/api/handler.js';
import { startLocalServer, type LocalServer } from '../../src/api/local-server.js';
import { unwiredArchiveJobs } from '../support/unwired-ports.js';
import { ensureTables } from '../../src/adapters/dynamo/tables.js';
import { tableNames } from '../../src/domain/config.js';
import { loadConfig } from '../../src/entrypoints/config.js';
import { createRestoreService } from '../../src/entrypoints/restore-composition.js';
import { startMotoFixture, type MotoFixture } from '../support/moto.js';

const TOKEN = 'restore-integ-token-0123456789';
let moto: MotoFixture;
let server: LocalServer;

async function call(method: string, path: string, body?: object) {
  const res = await fetch(server.url + path, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

before(async () => {
  moto = await startMotoFixture();
  const config = loadConfig({
    AWS_REGION: moto.region,
    COLDPACK_TABLE_PREFIX: 'apitest-',
    COLDPACK_ARCHIVE_BUCKET: 'apitest-archive',
    COLDPACK_RESTORE_BUCKET: 'apitest-restore',
  });
  await ensureTables(moto.clients.dynamo, tableNames(config.tablePrefix));
  for (const b of [config.archiveBucket, config.restoreBucket]) await moto.clients.s3.send(new CreateBucketCommand({ Bucket: b }));
  const restore = createRestoreService(config, moto.clients);
  server = await startLocalServer({
    handler: createApiHandler({
      archive: unwiredArchiveJobs(),
      restore,
      files: restore,
      deployment: { region: config.region },
      authorize: bearerAuthorizer(TOKEN),
    }),
    port: 0,
  });
});
after(async () => {
  await server?.close();
  await moto?.close();
});

describe('API + restore pipeline on moto', () => {
  it('POST /restore of unknown names -> 202; the status lists them NOT_FOUND', async () => {
    const r = await call('POST', '/restore', { project_name: 'amazon', filename: 'nope_1.csv,nope_2.csv', retrieval_tier: 'Bulk' });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    assert.match(String(r.body.status_url), /\/restore\//);
    const s = await call('GET', `/restore/${encodeURIComponent(String(r.body.restore_id))}`);
    assert.equal(s.status, 200, JSON.stringify(s.body));
    const files = s.body.files as { key: string; status: string }[];
    assert.deepEqual(
      files.map((f) => f.status),
      ['NOT_FOUND', 'NOT_FOUND'],
    );
  });

  it('an Idempotency-Key returns the same restore', async () => {
    const body = { key: 'missing/key.txt' };
    const headers = { authorization: `Bearer ${TOKEN}`, 'idempotency-key': 'restore-once' };
    const a = (await (await fetch(`${server.url}/restore`, { method: 'POST', headers, body: JSON.stringify(body) })).json()) as { restore_id: string };
    const b = (await (await fetch(`${server.url}/restore`, { method: 'POST', headers, body: JSON.stringify(body) })).json()) as { restore_id: string };
    assert.equal(a.restore_id, b.restore_id);
  });

  it('POST /restore naming a key list that does not exist, or a prefix of a bucket never archived -> 400 {code, message, field}; nothing recorded; keys of it end FAILED SOURCE_NOT_FOUND', async () => {
    const items = async (): Promise<number> => (await moto.clients.dynamo.send(new ScanCommand({ TableName: 'apitest-jobs' }))).Items?.length ?? 0;
    const before = await items();
    const list = await call('POST', '/restore', { keys_manifest: 's3://apitest-restore/key-lists/missing.txt' });
    assert.equal(list.status, 400, JSON.stringify(list.body));
    assert.equal(list.body.code, 'SOURCE_NOT_FOUND');
    assert.equal(list.body.field, 'keys_manifest');
    assert.match(String(list.body.message), /s3:\/\/apitest-restore\/key-lists\/missing\.txt does not exist/);
    const bucket = await call('POST', '/restore', { bucket_name: 'never-archived', prefix: 'a/' });
    assert.equal(bucket.status, 400, JSON.stringify(bucket.body));
    assert.equal(bucket.body.code, 'SOURCE_NOT_FOUND');
    assert.equal(bucket.body.field, 'bucket_name');
    assert.match(String(bucket.body.message), /bucket never-archived has no archived files/);
    assert.equal(await items(), before, 'no request item, no open marker');
    // Keys are looked up first (2 catalog requests for one key): their bucket is checked when none is found.
    // (this API resolves in-process: the refusal is the answer, and the request is recorded FAILED)
    const keys = await call('POST', '/restore', { bucket_name: 'never-archived', key: 'a/b.txt' });
    assert.equal(keys.status, 400, JSON.stringify(keys.body));
    assert.equal(keys.body.code, 'SOURCE_NOT_FOUND');
    assert.match(String(keys.body.message), /bucket never-archived has no archived files: .*the request is recorded FAILED/);
    assert.equal(await items(), before + 1, 'the request item (FAILED); no open marker left');
  });

  it('GET /restore/{unknown} -> 404; GET /files of an unarchived key -> empty page', async () => {
    assert.equal((await call('GET', '/restore/does-not-exist')).status, 404);
    const f = await call('GET', `/files?key=${encodeURIComponent('q/a+b.txt')}`);
    assert.equal(f.status, 200, JSON.stringify(f.body));
    assert.deepEqual(f.body.items, []);
  });
});
