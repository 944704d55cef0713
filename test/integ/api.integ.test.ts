/**
 * The HTTP API over real HTTP: the local server (`coldpack serve`'s adapter) in-process on a free
 * port, with in-memory ports (validation, auth, routing, limits, idempotency, 409), plus one run of
 * the real `coldpack serve` command as a child process.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { bearerAuthorizer } from '../../src/api/auth.js';
import { costEstimator } from '../../src/api/cost-estimator.js';
import { createApiHandler } from '../../src/api/handler.js';
import { startLocalServer, type LocalServer } from '../../src/api/local-server.js';
import { MemoryArchiveJobs, MemoryFileLookup, MemoryRestoreRequests, indexItem } from '../unit/api/fakes.js';

const TOKEN = 'integ-token-0123456789abcdef';
const AUTH = { authorization: `Bearer ${TOKEN}` };

/** The source application's documented sample bodies, verbatim (the first lacks a comma after "amazon"). */
const SAMPLE_ARCHIVE = `{
"project_name": "amazon"
"bucket_name": "amazon-1234567890-us-east-1_src",
"prefix": "20240410",
"file_count": 50000,
"archive_size": 500,
"account": "1234567890",
"region": "us-east-1",
"storage_class": "GLACIER",
"output_prefix": "amazon-20240410"
}`;
const SAMPLE_RESTORE = `{
"project_name": "amazon",
"filename": "5000_20240517_003.csv",
"account": "1234567890",
"region": "ap-south-1",
"retrieval_tier": "Expedited",
"sns_topic_arn": "ARN"
}`;

let server: LocalServer;
let reconciles = 0;
const archive = new MemoryArchiveJobs(new Set(['amazon-1234567890-us-east-1-src', 'src-bucket']));
const restore = new MemoryRestoreRequests();
const files = new MemoryFileLookup([indexItem('src-bucket', 'q/a b.txt'), indexItem('src-bucket', 'q/a+b.txt', 1)]);

async function call(method: string, path: string, body?: string | object, headers: Record<string, string> = AUTH) {
  const res = await fetch(server.url + path, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

before(async () => {
  const handler = createApiHandler({
    archive,
    restore,
    files,
    estimator: costEstimator(),
    deployment: { region: 'us-east-1', account: '001234567890' },
    authorize: bearerAuthorizer(TOKEN),
  });
  server = await startLocalServer({
    handler,
    port: 0,
    reconcile: async () => {
      reconciles++;
    },
    reconcileIntervalMs: 50,
  });
});
after(async () => server.close());

describe('API over HTTP (coldpack serve adapter)', () => {
  it('GET /health needs no auth; other routes answer 401 without and 403 with a wrong token', async () => {
    assert.equal((await call('GET', '/health', undefined, {})).status, 200);
    const r = await call('GET', '/archive/x', undefined, {});
    assert.equal(r.status, 401);
    assert.equal(r.body.code, 'UNAUTHORIZED');
    assert.equal((await call('GET', '/archive/x', undefined, { authorization: 'Bearer nope-nope-nope-nope' })).status, 403);
  });

  it('the sample archive body (missing comma) -> 400 pointing at line 3', async () => {
    const r = await call('POST', '/archive', SAMPLE_ARCHIVE);
    assert.equal(r.status, 400);
    assert.equal(r.body.code, 'MALFORMED_JSON');
    assert.match(String(r.body.message), /line 3, column 1/);
    assert.match(String(r.body.message), /"project_name": "amazon"/);
  });

  it('the sample with the comma fixed -> 400 on bucket_name (underscore)', async () => {
    const fixed = SAMPLE_ARCHIVE.replace('"amazon"\n', '"amazon",\n');
    const r = await call('POST', '/archive', fixed);
    assert.equal(r.status, 400);
    assert.equal(r.body.field, 'bucket_name');
  });

  it('a valid archive body -> 202, the status URL answers, a repeat while RUNNING -> 409 with the job id', async () => {
    const body = JSON.parse(SAMPLE_ARCHIVE.replace('"amazon"\n', '"amazon",\n').replace('_src', '-src')) as object;
    const r = await call('POST', '/archive', body);
    assert.equal(r.status, 202);
    assert.equal(r.headers.get('location'), r.body.status_url);
    const status = await fetch(String(r.body.status_url), { headers: AUTH });
    assert.equal(status.status, 200);
    const job = (await status.json()) as { request: { source: { prefix: string }; max_bundle_bytes: number; storage_class: string } };
    assert.equal(job.request.source.prefix, '20240410/');
    assert.equal(job.request.max_bundle_bytes, 500_000_000);
    assert.equal(job.request.storage_class, 'GLACIER');
    const again = await call('POST', '/archive', body);
    assert.equal(again.status, 409);
    assert.equal(again.body.job_id, r.body.job_id);
  });

  it('Idempotency-Key returns the same job', async () => {
    const body = { project_name: 'p', bucket_name: 'src-bucket', prefix: 'idem' };
    const a = await call('POST', '/archive', body, { ...AUTH, 'idempotency-key': 'abc-1' });
    const b = await call('POST', '/archive', body, { ...AUTH, 'idempotency-key': 'abc-1' });
    assert.equal(a.status, 202);
    assert.equal(b.status, 202);
    assert.equal(a.body.job_id, b.body.job_id);
  });

  it('a bucket that does not exist -> 400 from the service, nothing started', async () => {
    const r = await call('POST', '/archive', { project_name: 'p', bucket_name: 'no-such-bucket', prefix: 'x' });
    assert.equal(r.status, 400);
    assert.equal(r.body.field, 'bucket_name');
  });

  it('unknown fields, wrong types, zero sizes, unknown storage class -> 400 naming the field', async () => {
    const base = { project_name: 'p', bucket_name: 'src-bucket', prefix: 'v' };
    for (const [extra, field] of [
      [{ colour: 'red' }, 'colour'],
      [{ file_count: '5' }, 'file_count'],
      [{ archive_size: 0 }, 'archive_size'],
      [{ total_size: -1 }, 'total_size'],
      [{ storage_class: 'ICE' }, 'storage_class'],
      [{ region: 'eu-west-1' }, 'region'],
      [{ account: '999999999999' }, 'account'],
    ] as const) {
      const r = await call('POST', '/archive', { ...base, ...extra });
      assert.equal(r.status, 400, JSON.stringify(extra));
      assert.equal(r.body.field, field, JSON.stringify(r.body));
      assert.equal(typeof r.body.message, 'string');
    }
  });

  it('the sample restore body -> 400 on region (not the deployment region)', async () => {
    const r = await call('POST', '/restore', SAMPLE_RESTORE);
    assert.equal(r.status, 400);
    assert.equal(r.body.field, 'region');
    assert.equal(r.body.code, 'WRONG_DEPLOYMENT');
    assert.match(String(r.body.message), /ap-south-1.*us-east-1/);
  });

  it('the sample restore body in the right region -> 202; the status answers', async () => {
    const r = await call('POST', '/restore', SAMPLE_RESTORE.replace('ap-south-1', 'us-east-1'));
    assert.equal(r.status, 202);
    const sent = restore.submitted.at(-1)!;
    assert.deepEqual(sent.selection, { kind: 'names', names: ['5000_20240517_003.csv'] });
    assert.equal(sent.tier, 'Expedited');
    assert.equal(sent.days, 3);
    const s = await call('GET', `/restore/${String(r.body.restore_id)}`);
    assert.equal(s.status, 200);
    assert.equal((s.body.files as unknown[]).length, 1);
  });

  it('restore: unknown tier and days 0 -> 400', async () => {
    assert.equal((await call('POST', '/restore', { key: 'k', retrieval_tier: 'Instant' })).body.field, 'retrieval_tier');
    assert.equal((await call('POST', '/restore', { key: 'k', days: 0 })).body.field, 'days');
  });

  it('C16: 50,000 keys (~6.5 MB) -> 413 pointing to keys_manifest; over 10 MiB -> 413 too', async () => {
    const keys = Array.from({ length: 50_000 }, (_, i) => `data/2024/05/17/export-${String(i).padStart(6, '0')}-part.csv.gz`);
    const r = await call('POST', '/restore', { keys });
    assert.equal(r.status, 413);
    assert.match(String(r.body.message), /keys_manifest/);
    const huge = await call('POST', '/restore', JSON.stringify({ keys: [...keys, ...keys] }));
    assert.equal(huge.status, 413);
  });

  it('404 for unknown routes, 405 with Allow for wrong methods', async () => {
    assert.equal((await call('GET', '/nope')).status, 404);
    const r = await call('DELETE', '/archive');
    assert.equal(r.status, 405);
    assert.equal(r.headers.get('allow'), 'POST');
  });

  it('GET /files: a percent-encoded "+" finds q/a+b.txt, not "q/a b.txt"', async () => {
    const r = await call('GET', `/files?key=${encodeURIComponent('q/a+b.txt')}`);
    assert.equal(r.status, 200);
    assert.deepEqual(
      (r.body.items as { key: string }[]).map((i) => i.key),
      ['q/a+b.txt'],
    );
    const s = await call('GET', `/files?key=${encodeURIComponent('q/a b.txt')}`);
    assert.deepEqual(
      (s.body.items as { key: string }[]).map((i) => i.key),
      ['q/a b.txt'],
    );
  });

  it('POST /estimate answers with the cost model', async () => {
    const r = await call('POST', '/estimate', { objects: 1_000_000, avg_size_bytes: 4096 });
    assert.equal(r.status, 200);
    assert.ok('coldpack' in r.body && 'lifecycle' in r.body);
  });

  it('runs the reconcile hook periodically', async () => {
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(reconciles >= 2, `reconciles: ${reconciles}`);
  });
});

describe('coldpack serve (child process)', () => {
  it('listens on --port 0, prints its URL, serves /health and requires the token', async () => {
    const child = spawn(process.execPath, ['bin/coldpack.js', '--json', 'serve', '--port', '0'], {
      env: { ...process.env, COLDPACK_API_TOKEN: TOKEN, COLDPACK_SCHEDULE_REQUEST: '', COLDPACK_SCHEDULE: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let out = '';
      const url = await new Promise<string>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 30_000);
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /"url": "([^"]+)"/.exec(out);
          if (m) {
            clearTimeout(t);
            resolve(m[1]!);
          }
        });
        child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${out}`)));
      });
      assert.equal((await fetch(`${url}/health`)).status, 200);
      assert.equal((await fetch(`${url}/schedule`)).status, 401);
      assert.equal((await fetch(`${url}/schedule`, { headers: AUTH })).status, 200);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  });
});
