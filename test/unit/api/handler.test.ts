import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createApiHandler, type ApiOptions } from '../../../src/api/handler.js';
import { bearerAuthorizer, iamAuthorizer } from '../../../src/api/auth.js';
import { pageOf, PAGE_BYTE_BUDGET } from '../../../src/api/request.js';
import { MemoryArchiveJobs, MemoryFileLookup, MemoryRestoreRequests, indexItem } from './fakes.js';
import { proxyEvent } from './event.js';
import { ERROR_CODES, type ErrorCode } from '../../../src/domain/error-codes.js';
import { ColdpackError, IntegrityError, JobStartError } from '../../../src/domain/errors.js';

const TOKEN = 'test-token-0123456789';

function setup(over: Partial<ApiOptions> = {}) {
  const archive = new MemoryArchiveJobs();
  const restore = new MemoryRestoreRequests();
  const files = new MemoryFileLookup([indexItem('src-bucket', 'a/x.csv'), indexItem('src-bucket', 'b/x.csv', 1), indexItem('src-bucket', 'q/a+b.txt', 2)]);
  const handler = createApiHandler({
    archive,
    restore,
    files,
    deployment: { region: 'us-east-1', account: '123456789012' },
    now: () => new Date('2024-04-10T03:00:00Z'),
    ...over,
  });
  return { archive, restore, files, handler };
}
const parse = (r: { body: string }) => JSON.parse(r.body) as Record<string, unknown>;
const archiveBody = { project_name: 'amazon', bucket_name: 'src-bucket', prefix: '20240410', file_count: 5, archive_size: 500 };

describe('API handler', () => {
  it('POST /archive -> 202 with job_id, status and a status_url including the stage', async () => {
    const { handler, archive } = setup();
    const r = await handler(proxyEvent('POST', '/archive', { body: archiveBody, stage: 'prod' }));
    assert.equal(r.statusCode, 202);
    const b = parse(r);
    assert.equal(b.status, 'RUNNING');
    assert.equal(b.status_url, `https://api.example.com/prod/archive/${String(b.job_id)}`);
    assert.equal(archive.submitted[0]?.req.source.kind === 'list' && archive.submitted[0].req.source.prefix, '20240410/');
    const g = await handler(proxyEvent('GET', `/archive/${String(b.job_id)}`));
    assert.equal(g.statusCode, 200);
    assert.equal(parse(g).job_id, b.job_id);
  });

  it('POST /archive/{job_id}/resume: 409 while alive, 202 once stale, 404 unknown; a start failure answers 502 with the job id and state', async () => {
    const { handler, archive } = setup();
    const b = parse(await handler(proxyEvent('POST', '/archive', { body: archiveBody })));
    const id = String(b.job_id);
    const alive = await handler(proxyEvent('POST', `/archive/${id}/resume`));
    assert.equal(alive.statusCode, 409);
    assert.equal(parse(alive).job_id, id);
    archive.setStale(id);
    assert.equal(parse(await handler(proxyEvent('GET', `/archive/${id}`))).stale, true, 'GET shows the job stale');
    const r = await handler(proxyEvent('POST', `/archive/${id}/resume`, { stage: 'prod' }));
    assert.equal(r.statusCode, 202);
    assert.deepEqual(parse(r), { job_id: id, status: 'QUEUED', status_url: `https://api.example.com/prod/archive/${id}` });
    assert.deepEqual(archive.resumed, [id]);
    assert.equal((await handler(proxyEvent('POST', '/archive/nope/resume'))).statusCode, 404);
    archive.resume = async () => Promise.reject(new JobStartError(id, 'FAILED', new Error('SubmitJob throttled')));
    const failed = await handler(proxyEvent('POST', `/archive/${id}/resume`));
    assert.equal(failed.statusCode, 502);
    assert.deepEqual([parse(failed).code, parse(failed).job_id, parse(failed).status], ['JOB_START_FAILED', id, 'FAILED']);
  });

  it('GET /archive/{unknown} -> 404 with field job_id', async () => {
    const r = await setup().handler(proxyEvent('GET', '/archive/nope'));
    assert.equal(r.statusCode, 404);
    assert.deepEqual(parse(r), { code: 'NOT_FOUND', message: 'no archive job "nope"', field: 'job_id' });
  });

  it('passes the Idempotency-Key header or request_id and refuses both when they differ', async () => {
    const { handler, archive } = setup();
    const a = parse(await handler(proxyEvent('POST', '/archive', { body: archiveBody, headers: { 'Idempotency-Key': 'k1' } })));
    const b = parse(await handler(proxyEvent('POST', '/archive', { body: { ...archiveBody, request_id: 'k1' } })));
    assert.equal(a.job_id, b.job_id);
    assert.equal(archive.jobs.size, 1);
    const c = await handler(proxyEvent('POST', '/archive', { body: { ...archiveBody, request_id: 'k2' }, headers: { 'idempotency-key': 'k1' } }));
    assert.equal(c.statusCode, 400);
    assert.equal(parse(c).field, 'request_id');
  });

  it('answers 409 with the running job id for the same bucket and prefix', async () => {
    const { handler } = setup();
    const a = parse(await handler(proxyEvent('POST', '/archive', { body: archiveBody })));
    const r = await handler(proxyEvent('POST', '/archive', { body: archiveBody }));
    assert.equal(r.statusCode, 409);
    assert.equal(parse(r).job_id, a.job_id);
    assert.equal(parse(r).code, 'CONFLICT');
  });

  it('malformed JSON -> 400 MALFORMED_JSON with line and column', async () => {
    const r = await setup().handler(proxyEvent('POST', '/archive', { body: '{\n"project_name": "amazon"\n"bucket_name": "b"\n}' }));
    assert.equal(r.statusCode, 400);
    const b = parse(r);
    assert.equal(b.code, 'MALFORMED_JSON');
    assert.match(String(b.message), /line 3, column 1/);
  });

  it('body over the limit -> 413 pointing to keys_manifest', async () => {
    const { handler } = setup({ maxBodyBytes: 1000 });
    const r = await handler(proxyEvent('POST', '/restore', { body: { keys: Array.from({ length: 300 }, (_, i) => `k/${i}`) } }));
    assert.equal(r.statusCode, 413);
    assert.match(String(parse(r).message), /keys_manifest/);
  });

  it('GET /restore pages files by count and bytes', async () => {
    const { handler } = setup();
    const keys = Array.from({ length: 2500 }, (_, i) => `k/${String(i).padStart(5, '0')}`);
    const id = parse(await handler(proxyEvent('POST', '/restore', { body: { keys } }))).restore_id as string;
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const r = await handler(proxyEvent('GET', `/restore/${id}`, { query: token ? { nextToken: token } : {} }));
      assert.equal(r.statusCode, 200);
      const b = parse(r) as { files: { key: string }[]; nextToken?: string };
      assert.ok(b.files.length <= 1000);
      seen.push(...b.files.map((f) => f.key));
      token = b.nextToken;
    } while (token);
    assert.deepEqual(seen, keys);
    const bad = await handler(proxyEvent('GET', `/restore/${id}`, { query: { nextToken: 'garbage' } }));
    assert.equal(parse(bad).field, 'nextToken');
  });

  it('pageOf stops at the byte budget', () => {
    const big = Array.from({ length: 10 }, () => 'x'.repeat(PAGE_BYTE_BUDGET / 4));
    const p = pageOf(big, 1000, undefined);
    assert.equal(p.items.length, 3);
    assert.ok(p.nextToken);
  });

  it('GET /files by key and by name, exactly one of them', async () => {
    const { handler } = setup();
    const k = parse(await handler(proxyEvent('GET', '/files', { query: { key: 'q/a+b.txt' } }))) as { items: { key: string }[] };
    assert.deepEqual(
      k.items.map((i) => i.key),
      ['q/a+b.txt'],
    );
    const n = parse(await handler(proxyEvent('GET', '/files', { query: { name: 'x.csv', limit: '1' } }))) as { items: unknown[]; nextToken?: string };
    assert.equal(n.items.length, 1);
    assert.ok(n.nextToken);
    const both = await handler(proxyEvent('GET', '/files', { query: { key: 'a', name: 'b' } }));
    assert.equal(both.statusCode, 400);
    const unknown = await handler(proxyEvent('GET', '/files', { query: { key: 'a', colour: 'red' } }));
    assert.equal(parse(unknown).field, 'colour');
    const limit = await handler(proxyEvent('GET', '/files', { query: { key: 'a', limit: '0' } }));
    assert.equal(parse(limit).field, 'limit');
  });

  it('POST /estimate answers 501 without an estimator and the estimate with one', async () => {
    const body = { objects: 1000, avg_size_bytes: 4096 };
    assert.equal((await setup().handler(proxyEvent('POST', '/estimate', { body }))).statusCode, 501);
    const { handler } = setup({ estimator: { estimate: async (b) => ({ echoed: b }) } });
    const r = await handler(proxyEvent('POST', '/estimate', { body }));
    assert.equal(r.statusCode, 200);
    assert.deepEqual(parse(r), { echoed: body });
    assert.equal((await handler(proxyEvent('POST', '/estimate', { body: { ...body, colour: 1 } }))).statusCode, 400);
  });

  it('bearer auth: /health is public, missing -> 401 with WWW-Authenticate, wrong -> 403', async () => {
    const { handler } = setup({ authorize: bearerAuthorizer(TOKEN) });
    assert.equal((await handler(proxyEvent('GET', '/health'))).statusCode, 200);
    const missing = await handler(proxyEvent('GET', '/archive/x'));
    assert.equal(missing.statusCode, 401);
    assert.match(String(missing.headers?.['www-authenticate']), /Bearer/);
    assert.equal((await handler(proxyEvent('GET', '/archive/x', { headers: { Authorization: 'Basic abc' } }))).statusCode, 401);
    assert.equal((await handler(proxyEvent('GET', '/archive/x', { headers: { Authorization: 'Bearer wrong-token-0000000' } }))).statusCode, 403);
    assert.equal((await handler(proxyEvent('GET', '/archive/x', { headers: { Authorization: `Bearer ${TOKEN}` } }))).statusCode, 404);
    assert.equal((await handler(proxyEvent('GET', '/nope'))).statusCode, 401, 'unknown routes need auth too');
  });

  it('IAM guard: refuses events without a verified caller and records the caller', async () => {
    const { handler, restore } = setup({ authorize: iamAuthorizer });
    assert.equal((await handler(proxyEvent('POST', '/restore', { body: { key: 'k' } }))).statusCode, 401);
    const arn = 'arn:aws:iam::123456789012:user/qc';
    assert.equal((await handler(proxyEvent('POST', '/restore', { body: { key: 'k' }, userArn: arn }))).statusCode, 202);
    assert.equal(restore.submitted[0]?.requested_by, arn);
  });

  it('405 carries Allow; 5xx details are hidden', async () => {
    const r = await setup().handler(proxyEvent('PUT', '/archive'));
    assert.equal(r.statusCode, 405);
    assert.equal(r.headers?.allow, 'POST');
    const boom = setup();
    boom.archive.get = async () => {
      throw new Error('secret table name');
    };
    const e = await boom.handler(proxyEvent('GET', '/archive/x'));
    assert.equal(e.statusCode, 500);
    assert.doesNotMatch(e.body, /secret/);
    assert.match(String(parse(e).message), /request id req-1/);
  });

  it('every error answers the status of its code; 5xx bodies give the code and its meaning, never the details', async () => {
    const cases: Array<[unknown, number, string]> = [
      [Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:443'), { code: 'ECONNREFUSED' }), 503, 'AWS_UNREACHABLE'],
      [Object.assign(new Error('secret-table not found'), { name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 400 } }), 502, 'AWS_ERROR'],
      [new IntegrityError('bundle s3://secret-bucket/x.zip: crc mismatch'), 500, 'INTEGRITY_ERROR'],
      [new ColdpackError('CONFIG_ERROR', 'COLDPACK_CONCURRENCY must be ... got "secret"'), 500, 'CONFIG_ERROR'],
    ];
    for (const [thrown, status, code] of cases) {
      const logged: unknown[] = [];
      const boom = setup({ log: { info: () => undefined, error: (o: object) => logged.push(o) } });
      boom.archive.get = async () => {
        throw thrown;
      };
      const r = await boom.handler(proxyEvent('GET', '/archive/x'));
      assert.equal(r.statusCode, status, code);
      assert.equal(parse(r).code, code);
      assert.equal(parse(r).message, `${ERROR_CODES[code as ErrorCode].meaning}; quote request id req-1 when reporting it`);
      assert.doesNotMatch(r.body, /secret|10\.0\.0\.7/);
      assert.equal(logged.length, 1, 'the details are logged');
    }
  });

  it('takes the deployment account from the Lambda ARN when not configured', async () => {
    const { handler } = setup({ deployment: { region: 'us-east-1' } });
    const ctx = { invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:api' };
    const r = await handler(proxyEvent('POST', '/archive', { body: { ...archiveBody, account: '999999999999' } }), ctx);
    assert.equal(r.statusCode, 400);
    assert.equal(parse(r).field, 'account');
  });

  it('GET /schedule and POST /schedule/preview (day 31 refused, L accepted)', async () => {
    const { handler } = setup();
    assert.deepEqual(parse(await handler(proxyEvent('GET', '/schedule'))), { configured: false });
    const bad = await handler(proxyEvent('POST', '/schedule/preview', { body: { day_of_month: 31, hour: 2, time_zone: 'Europe/London' } }));
    assert.equal(bad.statusCode, 400);
    assert.equal(parse(bad).field, 'day_of_month');
    assert.match(String(parse(bad).message), /"L" for the last day/);
    const ok = parse(
      await handler(
        proxyEvent('POST', '/schedule/preview', { body: { day_of_month: 'L', hour: 2, time_zone: 'Europe/London', count: 3, from: '2025-01-15T00:00:00Z' } }),
      ),
    ) as { expression: string; next_runs: { utc: string; local: string }[] };
    assert.equal(ok.expression, 'cron(0 2 L * ? *)');
    assert.deepEqual(
      ok.next_runs.map((r) => r.local),
      ['2025-01-31T02:00', '2025-02-28T02:00', '2025-03-31T02:00'],
    );
    assert.equal(ok.next_runs[2]?.utc, '2025-03-31T01:00:00.000Z');
  });
});

describe('API handler: dry run', () => {
  it('POST /archive with dry_run answers 200 with the planned job view (no job to poll)', async () => {
    const { handler, archive } = setup();
    const r = await handler(proxyEvent('POST', '/archive', { body: { ...archiveBody, dry_run: true } }));
    assert.equal(r.statusCode, 200);
    assert.equal((parse(r).request as { dry_run: boolean }).dry_run, true);
    assert.equal(archive.submitted[0]?.req.dry_run, true);
  });
});
