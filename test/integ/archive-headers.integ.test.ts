/**
 * ISSUE-11 item 4: object headers, user metadata and (opt-in) tags survive archive and restore.
 * On moto, end to end: archive with the real engine, restore with the real restore service, then
 * HeadObject / GetObjectTagging on the restored copy. Both write paths of the extractor are used
 * (one PutObject for small files, a streamed upload above `bufferedMaxBytes`).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { gzipSync, gunzipSync } from 'node:zlib';
import { Readable } from 'node:stream';
import { GetObjectCommand, GetObjectTaggingCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { startArchiveFixture, listRequest, type ArchiveFixture } from '../support/archive-fixture.js';
import { createRestoreService } from '../../src/entrypoints/restore-composition.js';
import { readManifest } from '../../src/bundle/manifest.js';
import type { JobReport } from '../../src/archive/finalizer.js';

let fx: ArchiveFixture;
let report: JobReport;
const EXPIRES = new Date('2031-05-06T07:08:09Z');
const HEADERS = {
  ContentType: 'text/html; charset=utf-8',
  ContentEncoding: 'gzip',
  CacheControl: 'public, max-age=3600',
  ContentDisposition: 'attachment; filename="page.html"',
  ContentLanguage: 'de-CH',
  Expires: EXPIRES,
  Metadata: { owner: 'team-a', 'review-state': 'approved ok' },
};
const bodies = {
  'h/page.html.gz': gzipSync(Buffer.from('<p>hallo</p>'.repeat(100))),
  'h/big.bin': randomBytes(300_000),
  'h/plain.txt': Buffer.from('no headers'),
};

before(async () => {
  fx = await startArchiveFixture('hd-');
  for (const [key, body] of Object.entries(bodies)) {
    const decorated = key !== 'h/plain.txt';
    await fx.clients.s3.send(
      new PutObjectCommand({ Bucket: 'src', Key: key, Body: body, ...(decorated ? { ...HEADERS, Tagging: 'tier=gold&note=a%20b%2Bc' } : {}) }),
    );
  }
  const view = await fx.archive.service.submit(listRequest('h/', { archive_tags: true }), {});
  report = await fx.archive.engine.run(view.job_id);
});
after(async () => fx?.close());

test('the manifest records every header, the user metadata and (asked for) the tags; tags cost one request per object', async () => {
  assert.equal(report.status, 'SUCCEEDED');
  const requests = report.requests as Record<string, number>;
  assert.equal(requests['S3:GetObjectTagging:STANDARD'], 3);
  const manifestKey = `manifests/test/${report.job_id}/00000/000000.csv.gz`;
  const res = await fx.clients.s3.send(new GetObjectCommand({ Bucket: 'archive', Key: manifestKey }));
  const raw = gunzipSync(Buffer.from(await res.Body!.transformToByteArray()));
  const entries = [];
  for await (const e of readManifest(Readable.from([raw]), false)) entries.push(e);
  const page = entries.find((e) => e.key === 'h/page.html.gz')!;
  assert.equal(page.content_encoding, 'gzip');
  assert.equal(page.cache_control, HEADERS.CacheControl);
  assert.equal(page.content_disposition, HEADERS.ContentDisposition);
  assert.equal(page.content_language, HEADERS.ContentLanguage);
  assert.equal(new Date(page.expires!).getTime(), EXPIRES.getTime());
  assert.deepEqual(page.user_metadata, HEADERS.Metadata);
  assert.deepEqual(page.tags, { tier: 'gold', note: 'a b+c' });
  const plain = entries.find((e) => e.key === 'h/plain.txt')!;
  assert.equal(plain.user_metadata, undefined);
  assert.equal(plain.tags, undefined);
});

test('restored copies carry the headers, the user metadata and the tags again (PutObject and streamed upload)', async () => {
  const svc = createRestoreService(fx.config, fx.clients, { bufferedMaxBytes: 100_000 });
  const r = await svc.submit(
    { selection: { kind: 'keys', keys: Object.keys(bodies) }, bucket: 'src', tier: 'Standard', days: 1, all_matches: false, requested_by: 'test' },
    {},
  );
  await svc.reconcile(r.restore_id);
  const done = (await svc.get(r.restore_id))!;
  assert.equal(done.status, 'AVAILABLE', JSON.stringify(done.files));
  for (const key of ['h/page.html.gz', 'h/big.bin']) {
    const restoreKey = `restores/${r.restore_id}/src/${key}`;
    const head = await fx.clients.s3.send(new HeadObjectCommand({ Bucket: 'restore', Key: restoreKey }));
    assert.equal(head.ContentType, HEADERS.ContentType, key);
    assert.equal(head.ContentEncoding, 'gzip', key);
    assert.equal(head.CacheControl, HEADERS.CacheControl, key);
    assert.equal(head.ContentDisposition, HEADERS.ContentDisposition, key);
    assert.equal(head.ContentLanguage, HEADERS.ContentLanguage, key);
    assert.equal(head.Expires?.getTime(), EXPIRES.getTime(), key);
    assert.equal(head.Metadata?.owner, 'team-a', key);
    assert.equal(head.Metadata?.['review-state'], 'approved ok', key);
    assert.ok(head.Metadata?.['coldpack-restore-id'], 'coldpack metadata still added where it fits');
    const tags = await fx.clients.s3.send(new GetObjectTaggingCommand({ Bucket: 'restore', Key: restoreKey }));
    assert.deepEqual(Object.fromEntries((tags.TagSet ?? []).map((t) => [t.Key, t.Value])), { tier: 'gold', note: 'a b+c' }, key);
    const body = await fx.clients.s3.send(new GetObjectCommand({ Bucket: 'restore', Key: restoreKey }));
    assert.deepEqual(Buffer.from(await body.Body!.transformToByteArray()), bodies[key as keyof typeof bodies], `${key} byte-exact (no re-encoding)`);
  }
});
