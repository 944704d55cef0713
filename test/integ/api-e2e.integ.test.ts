/**
 * End to end over real HTTP, as the source application would use it: `coldpack serve`'s server
 * with the real archive engine (jobs in-process) and restore pipeline on moto.
 * POST /archive (folder-name prefix) -> poll the status URL -> sources archived and deleted, the
 * sibling folder `202404101/` untouched -> POST /restore by file names -> AVAILABLE -> the restored
 * bytes equal the originals.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { bearerAuthorizer } from '../../src/api/auth.js';
import { createApiHandler } from '../../src/api/handler.js';
import { startLocalServer, type LocalServer } from '../../src/api/local-server.js';
import { ensureTables } from '../../src/adapters/dynamo/tables.js';
import { tableNames } from '../../src/domain/config.js';
import { composeArchive, type ArchiveComposition } from '../../src/entrypoints/archive-composition.js';
import { loadConfig } from '../../src/entrypoints/config.js';
import { createRestoreService } from '../../src/entrypoints/restore-composition.js';
import { startMotoFixture, type MotoFixture } from '../support/moto.js';

const TOKEN = 'e2e-token-0123456789abcdef';
const SRC = 'amazon-1234567890-us-east-1-src';
const FILES = Array.from({ length: 30 }, (_, i) => `5000_20240410_${String(i).padStart(3, '0')}.csv`);
const content = (name: string) => `id,value\n${name},${'x'.repeat(name.length * 7)}\n`;

let moto: MotoFixture;
let server: LocalServer;
let archive: ArchiveComposition;

async function call(method: string, url: string, body?: object) {
  const res = await fetch(url.startsWith('http') ? url : server.url + url, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function poll<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

before(async () => {
  moto = await startMotoFixture();
  const config = loadConfig({
    AWS_REGION: moto.region,
    COLDPACK_TABLE_PREFIX: 'e2e-',
    COLDPACK_ARCHIVE_BUCKET: 'e2e-archive',
    COLDPACK_RESTORE_BUCKET: 'e2e-restore',
  });
  await ensureTables(moto.clients.dynamo, tableNames(config.tablePrefix));
  for (const b of [config.archiveBucket, config.restoreBucket, SRC]) await moto.clients.s3.send(new CreateBucketCommand({ Bucket: b }));
  for (const f of FILES) await moto.clients.s3.send(new PutObjectCommand({ Bucket: SRC, Key: `20240410/${f}`, Body: content(f) }));
  await moto.clients.s3.send(new PutObjectCommand({ Bucket: SRC, Key: '202404101/not-this-folder.csv', Body: 'keep me' }));
  archive = composeArchive(config, moto.clients);
  const restore = createRestoreService(config, moto.clients);
  server = await startLocalServer({
    handler: createApiHandler({ archive: archive.service, restore, files: restore, deployment: { region: config.region }, authorize: bearerAuthorizer(TOKEN) }),
    port: 0,
    reconcile: () => restore.reconcile(),
    reconcileIntervalMs: 250,
  });
});
after(async () => {
  await server?.close();
  await archive?.drain();
  await moto?.close();
});

describe('source application flow over HTTP on moto', () => {
  it('archives a folder, then restores two files by name, byte-exact', async () => {
    const a = await call('POST', '/archive', {
      project_name: 'amazon',
      bucket_name: SRC,
      prefix: '20240410',
      file_count: FILES.length,
      archive_size: 1,
      region: 'us-east-1',
      output_prefix: 'amazon-20240410',
    });
    assert.equal(a.status, 202, JSON.stringify(a.body));
    const job = await poll('the archive job', async () => {
      const s = await call('GET', String(a.body.status_url));
      return ['SUCCEEDED', 'PARTIAL', 'FAILED'].includes(String(s.body.status)) ? s.body : undefined;
    });
    assert.equal(job.status, 'SUCCEEDED', JSON.stringify(job));
    const counters = job.counters as Record<string, number>;
    assert.equal(counters.files_archived, FILES.length);

    const left = await moto.clients.s3.send(new ListObjectsV2Command({ Bucket: SRC }));
    assert.deepEqual(
      (left.Contents ?? []).map((o) => o.Key),
      ['202404101/not-this-folder.csv'],
      'only the sibling folder remains',
    );

    const where = await call('GET', `/files?name=${encodeURIComponent(FILES[3]!)}`);
    assert.equal((where.body.items as { key: string }[])[0]?.key, `20240410/${FILES[3]}`);

    const r = await call('POST', '/restore', { project_name: 'amazon', filename: `${FILES[3]},${FILES[17]}`, retrieval_tier: 'Bulk' });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    const done = await poll('the restore', async () => {
      const s = await call('GET', String(r.body.status_url));
      return ['AVAILABLE', 'PARTIAL', 'FAILED'].includes(String(s.body.status)) ? s.body : undefined;
    });
    assert.equal(done.status, 'AVAILABLE', JSON.stringify(done));
    for (const f of done.files as { key: string; location: string }[]) {
      const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(f.location)!;
      const obj = await moto.clients.s3.send(new GetObjectCommand({ Bucket: m[1], Key: m[2] }));
      assert.equal(await obj.Body!.transformToString(), content(f.key.split('/').pop()!));
    }
  });
});
