/**
 * ISSUE-11 item 1: keys the XML layer cannot carry. On moto, as on S3: a plain ListObjectsV2
 * answer turns a CR in a key into LF (the SDK's XML parser normalizes line ends), and a
 * DeleteObjects body holding U+000B is refused (moto: 500 HTML page; S3: 400 MalformedXML, which
 * the second test injects with an SDK middleware below the retry step, answering as S3 does).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Readable } from 'node:stream';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { readManifest } from '../../src/bundle/manifest.js';
import { S3ObjectStore } from '../../src/adapters/s3/s3-object-store.js';
import { startArchiveFixture, seed, listRequest, type ArchiveFixture } from '../support/archive-fixture.js';
import { awsError, injectFault, recordCalls } from '../support/faults.js';

let fx: ArchiveFixture;
before(async () => {
  fx = await startArchiveFixture();
});
after(async () => fx.close());

async function sourceKeys(prefix: string): Promise<string[]> {
  const res = await fx.clients.s3.send(new ListObjectsV2Command({ Bucket: 'src', Prefix: prefix, EncodingType: 'url' }));
  return (res.Contents ?? []).map((o) => decodeURIComponent(o.Key!.replace(/\+/g, ' ')));
}
/** Keys of a job's manifests (the catalog's per-file rows). */
async function archivedKeys(jobId: string): Promise<string[]> {
  const list = await fx.clients.s3.send(new ListObjectsV2Command({ Bucket: 'archive', Prefix: `manifests/test/${jobId}/` }));
  const keys: string[] = [];
  for (const o of list.Contents ?? []) {
    const res = await fx.clients.s3.send(new GetObjectCommand({ Bucket: 'archive', Key: o.Key! }));
    for await (const e of readManifest(res.Body as Readable)) keys.push(e.key);
  }
  return keys.sort();
}

const CONTROL_KEYS = ['ctl/a\rb.txt', 'ctl/v\u000bt.txt', 'ctl/nul\u0001.txt', 'ctl/a b.txt', 'ctl/a+b.txt', 'ctl/a%2Bb.txt', 'ctl/x?y#z.txt', 'ctl/ok.txt'];

test('listing decodes every key once: CR, control characters, space, + and %2B all survive', async () => {
  await seed(fx.clients.s3, 'src', Object.fromEntries(CONTROL_KEYS.map((k, i) => [k, `body ${i}`])));
  const listed: string[] = [];
  for await (const o of new S3ObjectStore(fx.clients.s3).listObjects('src', 'ctl/')) listed.push(o.key);
  assert.deepEqual([...listed].sort(), [...CONTROL_KEYS].sort());
  const prefixes: string[] = [];
  await seed(fx.clients.s3, 'src', { 'cp/a b/x': '1', 'cp/a+b/x': '2', 'cp/c\rd/x': '3' });
  for await (const p of new S3ObjectStore(fx.clients.s3).listCommonPrefixes('src', 'cp/')) prefixes.push(p);
  assert.deepEqual(prefixes.sort(), ['cp/a b/', 'cp/a+b/', 'cp/c\rd/'].sort());
});

test('a prefix with CR and U+000B keys is archived whole, every source deleted, job SUCCEEDED', async () => {
  const keys = CONTROL_KEYS.map((k) => k.replace('ctl/', 'ctl2/'));
  await seed(fx.clients.s3, 'src', Object.fromEntries(keys.map((k, i) => [k, `payload ${i} `.repeat(20)])));
  const view = await fx.archive.service.submit(listRequest('ctl2/'), {});
  const report = await fx.archive.engine.run(view.job_id);
  assert.equal(report.status, 'SUCCEEDED', JSON.stringify({ skipped: report.skipped, kept: report.kept, problems: report.problems }));
  assert.equal(report.files_archived, keys.length);
  assert.equal(report.files_skipped, 0, 'no key reported GONE');
  assert.equal(report.files_deleted, keys.length);
  assert.deepEqual(await sourceKeys('ctl2/'), [], 'every source deleted');
  assert.deepEqual(await archivedKeys(view.job_id), [...keys].sort(), 'catalogued under the exact keys');
});

test('a DeleteObjects batch refused with 400 MalformedXML (as S3 answers) is deleted key by key with If-Match', async () => {
  const keys = ['mx/1.txt', 'mx/2.txt', 'mx/3.txt'];
  await seed(fx.clients.s3, 'src', Object.fromEntries(keys.map((k) => [k, `content of ${k}`])));
  const view = await fx.archive.service.submit(listRequest('mx/'), {});
  const malformed = injectFault(fx.clients.s3, {
    command: 'DeleteObjectsCommand',
    times: 1,
    error: () => awsError('MalformedXML', 400, 'The XML you provided was not well-formed'),
  });
  const singles = recordCalls(fx.clients.s3, 'DeleteObjectCommand');
  try {
    const report = await fx.archive.engine.run(view.job_id);
    assert.equal(malformed.count(), 1);
    assert.equal(report.status, 'SUCCEEDED');
    assert.equal(report.files_deleted, 3);
    const mine = singles.inputs.filter((i) => String(i.Key).startsWith('mx/'));
    assert.equal(mine.length, 3, 'one DeleteObject per key');
    assert.ok(
      mine.every((i) => typeof i.IfMatch === 'string' && /^".+"$/.test(i.IfMatch as string)),
      'each conditional on the archived ETag',
    );
    assert.deepEqual(await sourceKeys('mx/'), []);
  } finally {
    malformed.remove();
    singles.remove();
  }
});
