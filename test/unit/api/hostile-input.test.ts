/**
 * Issue 12 items 1-5: hostile input is a 400 naming the field, never a 500 or a frozen server.
 * The same kinds are fuzzed against `coldpack serve` in test/integ/api-fuzz.integ.test.ts.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createApiHandler } from '../../../src/api/handler.js';
import { costEstimator } from '../../../src/api/cost-estimator.js';
import { MAX_JSON_DEPTH, describeValue, jsonNestingDepth } from '../../../src/api/http.js';
import { decodePageToken, encodePageToken, offsetOf } from '../../../src/domain/page-token.js';
import { ValidationError } from '../../../src/domain/errors.js';
import { memoryRestoreEnv, putMemoryBundle } from '../../support/memory-restore-env.js';
import { MemoryArchiveJobs, MemoryFileLookup, MemoryRestoreRequests, indexItem } from './fakes.js';
import { proxyEvent } from './event.js';

function setup() {
  const restore = new MemoryRestoreRequests();
  const handler = createApiHandler({
    archive: new MemoryArchiveJobs(),
    restore,
    files: new MemoryFileLookup([indexItem('src-bucket', 'a/x.csv')]),
    estimator: costEstimator(),
    deployment: { region: 'us-east-1', account: '123456789012' },
    now: () => new Date('2024-04-10T03:00:00Z'),
  });
  return { handler, restore };
}
const parse = (r: { body: string }) => JSON.parse(r.body) as { code: string; message: string; field?: string };
const archive = { project_name: 'amazon', bucket_name: 'src-bucket', prefix: '20240410' };

async function expect400(body: unknown, path: string, field: string | undefined): Promise<void> {
  const r = await setup().handler(proxyEvent('POST', path, { body }));
  assert.equal(r.statusCode, 400, r.body.slice(0, 300));
  const b = parse(r);
  assert.equal(b.field, field, b.message);
  assert.ok(b.message.length < 2000, `message of ${b.message.length} characters`);
}

describe('hostile input (issue 12)', () => {
  it('item 1: POST /estimate with absurd numbers answers 400 at once', async () => {
    const started = Date.now();
    await expect400({ objects: 1000, avg_size_bytes: 1e308 }, '/estimate', 'avg_size_bytes');
    await expect400({ objects: 1000, avg_size_bytes: 1e16 }, '/estimate', 'avg_size_bytes');
    await expect400({ objects: 1e300, avg_size_bytes: 1 }, '/estimate', 'objects');
    assert.ok(Date.now() - started < 3000);
  });

  it('item 2: a body nested 5,000 levels deep is a 400, and messages never stringify the whole value', async () => {
    const deep = `{"days":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    await expect400(deep, '/restore', undefined);
    await expect400(`${'['.repeat(100_000)}`, '/archive', undefined);
    assert.equal(jsonNestingDepth('{"a":"[[[[[[","b":[{"c":[]}]}'), 4);
    assert.equal(jsonNestingDepth('"\\"[[["'), 0);
    assert.ok(jsonNestingDepth('['.repeat(1e6), MAX_JSON_DEPTH) === MAX_JSON_DEPTH + 1);
    // a value at the limit still gets its own message, short
    await expect400({ ...archive, file_count: [[[[[[1]]]]]] }, '/archive', 'file_count');
    const huge = { ...archive, file_count: { x: 'y'.repeat(500_000) } };
    await expect400(huge, '/archive', 'file_count');
    assert.equal(describeValue([1, 2, 3]), 'an array of 3 items');
    assert.ok(describeValue('z'.repeat(10_000)).length <= 82);
  });

  it('item 3: a lone UTF-16 surrogate in any string field is a 400 naming it', async () => {
    const lone = 'a\ud800b';
    await expect400({ ...archive, prefix: lone }, '/archive', 'prefix');
    await expect400({ ...archive, prefix: undefined, s3_prefix: lone }, '/archive', 's3_prefix');
    await expect400({ ...archive, output_prefix: '\udc00' }, '/archive', 'output_prefix');
    await expect400({ key: lone }, '/restore', 'key');
    await expect400({ keys: ['ok', lone] }, '/restore', 'keys.1');
    await expect400({ key: 'ok', generation: lone }, '/restore', 'generation');
    await expect400({ filename: lone }, '/restore', 'filename');
    await expect400({ key: 'ok', [lone]: 1 }, '/restore', 'a\ufffdb');
    // a well-formed pair (an emoji) is fine
    const ok = await setup().handler(proxyEvent('POST', '/restore', { body: { key: 'photos/😀.jpg' } }));
    assert.equal(ok.statusCode, 202, ok.body);
    const q = await setup().handler(proxyEvent('GET', '/files', { query: { key: lone } }));
    assert.equal(q.statusCode, 400);
    assert.equal(parse(q).field, 'key');
  });

  it('item 4: a crafted nextToken is a 400 on nextToken, on every paginated route', async () => {
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const { handler, restore } = setup();
    const created = parse(await handler(proxyEvent('POST', '/restore', { body: { key: 'a/x.csv' } }))) as unknown as { restore_id: string };
    assert.ok(restore);
    for (const token of [b64({ b: 0, t: 'zz' }), b64({ b: 0, t: 123 }), b64({ o: -1 }), b64({ o: 1e9 }), b64('x'), 'not base64!', 'x'.repeat(9000)]) {
      const r = await handler(proxyEvent('GET', `/restore/${created.restore_id}`, { query: { nextToken: token } }));
      assert.equal(r.statusCode, 400, `${token.slice(0, 40)}: ${r.body}`);
      assert.equal(parse(r).field, 'nextToken');
    }
    // the file lookup across buckets (GET /files) uses the same codec
    const env = memoryRestoreEnv();
    await putMemoryBundle(
      env,
      [
        { key: 'a/x.csv', data: Buffer.from('1') },
        { key: 'b/x.csv', data: Buffer.from('2') },
      ],
      { sourceBucket: 'b1' },
    );
    const lookup = env.service();
    const crafted = [b64({ b: 0, t: 'zz' }), b64({ o: 'x' }), b64({ o: -1 }), b64({ o: 1, extra: 1 }), b64([]), '%%%'];
    for (const token of crafted) {
      await assert.rejects(
        lookup.byKey(undefined, 'a/x.csv', { limit: 10, nextToken: token }),
        (e: unknown) => e instanceof ValidationError && e.field === 'nextToken',
      );
      await assert.rejects(
        lookup.byName(undefined, 'x.csv', { limit: 10, nextToken: token }),
        (e: unknown) => e instanceof ValidationError && e.field === 'nextToken',
      );
    }
    const first = await lookup.byName(undefined, 'x.csv', { limit: 1 });
    assert.equal(first.items.length, 1);
    const second = await lookup.byName(undefined, 'x.csv', { limit: 1, nextToken: first.nextToken! });
    assert.equal(second.items.length, 1);
    assert.equal(decodePageToken(encodePageToken(7), offsetOf), 7);
    assert.equal(decodePageToken(undefined, offsetOf), undefined);
  });

  it('item 5: every string field has the limit of where it is stored', async () => {
    const big = 'p'.repeat(64 * 1024);
    await expect400({ ...archive, prefix: big }, '/archive', 'prefix');
    await expect400({ ...archive, prefix: 'é'.repeat(512) }, '/archive', 'prefix'); // 1,024 bytes + "/" > an S3 key
    await expect400({ prefix: big }, '/restore', 'prefix');
    await expect400({ key: 'k'.repeat(1025) }, '/restore', 'key');
    await expect400({ filename: `${'n'.repeat(1025)},b.csv` }, '/restore', 'filename');
    await expect400({ key: 'ok', sns_topic_arn: 'a'.repeat(257) }, '/restore', 'sns_topic_arn');
    const r = await setup().handler(proxyEvent('GET', `/archive/${'j'.repeat(300)}`));
    assert.equal(r.statusCode, 400);
    assert.equal(parse(r).field, 'job_id');
  });
});
