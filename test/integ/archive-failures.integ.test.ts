import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { DeleteObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import type { ArchivedFile } from '../../src/domain/catalog.js';
import { catalogFiles } from '../support/catalog-files.js';
import { startArchiveFixture, seed, listRequest, type ArchiveFixture } from '../support/archive-fixture.js';
import { awsError, injectFault } from '../support/faults.js';

let fx: ArchiveFixture;
before(async () => {
  fx = await startArchiveFixture();
});
after(async () => fx.close());

async function keysUnder(bucket: string, prefix: string): Promise<string[]> {
  const res = await fx.clients.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (res.Contents ?? []).map((o) => o.Key!);
}
/** The archived files under `prefix` as the catalog holds them (directory entries + manifests). */
function indexItems(prefix: string): Promise<ArchivedFile[]> {
  return catalogFiles(fx.clients, fx.tables.bundles, prefix);
}
function files(prefix: string, n: number, size = 3000): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < n; i++) out[`${prefix}${String(i).padStart(4, '0')}.csv`] = `${i};`.repeat(size).slice(0, size);
  return out;
}

test('QC mismatch fails the job before anything is written or deleted', async () => {
  await seed(fx.clients.s3, 'src', files('qc/', 5));
  const view = await fx.archive.service.submit(listRequest('qc/', { expected_file_count: 6 }), {});
  await assert.rejects(fx.archive.engine.run(view.job_id), (err: Error) => /expected 6, listed 5/.test(err.message));
  const failed = await fx.archive.service.get(view.job_id);
  assert.equal(failed?.status, 'FAILED');
  assert.equal(failed?.errors?.[0]?.code, 'QC_MISMATCH');
  assert.equal((await keysUnder('src', 'qc/')).length, 5);
  assert.deepEqual(await keysUnder('archive', `bundles/test/${view.job_id}`), []);
  assert.deepEqual(await keysUnder('archive', `plans/test/${view.job_id}`), []);
  assert.equal((await indexItems('qc/')).length, 0);
});

test('dry run writes nothing and reports the plan', async () => {
  await seed(fx.clients.s3, 'src', files('dry/', 7));
  const view = await fx.archive.service.submit(listRequest('dry/', { dry_run: true, max_files_per_bundle: 3 }), {});
  assert.equal(view.counters.files_listed, 7);
  assert.equal(view.counters.bundles_planned, 3);
  assert.equal((await keysUnder('archive', 'plans/')).filter((k) => k.includes('dry')).length, 0);
});

test('an object deleted between listing and GET is skipped; job PARTIAL; others archived and deleted', async () => {
  await seed(fx.clients.s3, 'src', files('gone/', 6));
  const view = await fx.archive.service.submit(listRequest('gone/'), {});
  await fx.archive.engine.plan(view.job_id);
  await fx.clients.s3.send(new DeleteObjectCommand({ Bucket: 'src', Key: 'gone/0003.csv' }));
  const report = await fx.archive.engine.run(view.job_id);
  assert.equal(report.status, 'PARTIAL');
  assert.equal(report.files_archived, 5);
  assert.equal(report.files_skipped, 1);
  assert.equal(report.skipped[0]?.key, 'gone/0003.csv');
  assert.equal(report.skipped[0]?.reason, 'GONE');
  assert.equal((await indexItems('gone/')).length, 5);
});

test('a bundle whose objects all vanished writes no empty bundle object', async () => {
  await seed(fx.clients.s3, 'src', files('allgone/', 2));
  const view = await fx.archive.service.submit(listRequest('allgone/'), {});
  await fx.archive.engine.plan(view.job_id);
  for (const k of await keysUnder('src', 'allgone/')) await fx.clients.s3.send(new DeleteObjectCommand({ Bucket: 'src', Key: k }));
  const report = await fx.archive.engine.run(view.job_id);
  assert.equal(report.status, 'PARTIAL');
  assert.equal(report.files_skipped, 2);
  assert.equal(report.bundles, 0);
  assert.deepEqual(await keysUnder('archive', `bundles/test/${view.job_id}/`), []);
});

test('an upload failure deletes no source; a re-run of the same job finishes without duplicates', async () => {
  const objs = files('crash/', 12, 100_000); // ~100 KB each, bundles of ≤ 300 KB -> 4 bundles
  await seed(fx.clients.s3, 'src', objs);
  const view = await fx.archive.service.submit(listRequest('crash/', { max_bundle_bytes: 300_000 }), {});
  const fault = injectFault(fx.clients.s3, {
    command: 'PutObjectCommand',
    when: (input) => String(input.Key).endsWith('/000002.zip'),
    times: 1,
    error: () => awsError('InjectedCrash', 400),
  });
  await assert.rejects(fx.archive.engine.run(view.job_id), /injected InjectedCrash/);
  fault.remove();
  assert.equal(fault.count(), 1);
  assert.equal((await fx.archive.service.get(view.job_id))?.status, 'FAILED');
  assert.equal((await keysUnder('src', 'crash/')).length, 12, 'no source deleted');
  const before = await keysUnder('archive', `bundles/test/${view.job_id}/`);
  assert.equal(before.length, 2, 'bundles 0 and 1 were committed before the crash');

  const report = await fx.archive.engine.run(view.job_id);
  assert.equal(report.status, 'SUCCEEDED');
  assert.equal(report.bundles, 4);
  const bundles = await keysUnder('archive', `bundles/test/${view.job_id}/`);
  assert.equal(bundles.length, 4);
  const items = await indexItems('crash/');
  assert.equal(items.length, 12, 'one index item per object');
  assert.equal(new Set(items.map((i) => `${i.bucket}/${i.key}|${i.archived_at}#${i.job_id}`)).size, 12);
  assert.equal((await keysUnder('src', 'crash/')).length, 0);
});

test('503 SlowDown on GETs and on a part upload is retried; the job completes', async () => {
  const objs: Record<string, string | Buffer> = {};
  for (let i = 0; i < 300; i++) objs[`t/${String(i).padStart(4, '0')}`] = 'x'.repeat(100);
  objs['t/zz-big.jpg'] = randomBytes(17 * 1024 * 1024); // stored, > one 16 MiB part: a multipart bundle
  await seed(fx.clients.s3, 'src', objs);
  const gets = injectFault(fx.clients.s3, {
    command: 'GetObjectCommand',
    when: (i) => String(i.Key).startsWith('t/'),
    times: 3,
    error: () => awsError('SlowDown', 503),
  });
  const part = injectFault(fx.clients.s3, { command: 'UploadPartCommand', times: 1, error: () => awsError('SlowDown', 503) });
  try {
    const view = await fx.archive.service.submit(listRequest('t/', { max_bundle_bytes: 64_000_000 }), {});
    const report = await fx.archive.engine.run(view.job_id);
    assert.equal(report.status, 'SUCCEEDED');
    assert.equal(report.files_archived, 301);
    assert.equal(gets.count(), 3);
    assert.equal(part.count(), 1);
  } finally {
    gets.remove();
    part.remove();
  }
});

test('a GET denied (e.g. SSE-KMS without kms:Decrypt) is reported as ACCESS_DENIED; the rest is archived', async () => {
  await seed(fx.clients.s3, 'src', { 's/one.txt': 'one', 's/two.txt': 'two', 's/secret.bin': 'secret' });
  const denied = injectFault(fx.clients.s3, {
    command: 'GetObjectCommand',
    when: (i) => i.Key === 's/secret.bin',
    times: 100,
    error: () => awsError('AccessDenied', 403),
  });
  try {
    const view = await fx.archive.service.submit(listRequest('s/'), {});
    const report = await fx.archive.engine.run(view.job_id);
    assert.equal(report.status, 'PARTIAL');
    assert.equal(report.files_archived, 2);
    assert.deepEqual(
      report.skipped.map((s) => [s.key, s.reason]),
      [['s/secret.bin', 'ACCESS_DENIED']],
    );
    assert.ok(denied.count() >= 1 && denied.count() <= 5, `GET tried ${denied.count()} times (retry policy bound)`);
    assert.deepEqual(await keysUnder('src', 's/'), ['s/secret.bin'], 'the unreadable object is kept');
    assert.equal((await indexItems('s/')).length, 2, 'no placeholder index item');
  } finally {
    denied.remove();
  }
});

test('a second job for the same source while one is queued is refused with 409 and the running id', async () => {
  await seed(fx.clients.s3, 'src', files('lock/', 2));
  const first = await fx.archive.service.submit(listRequest('lock/'), {});
  await assert.rejects(
    fx.archive.service.submit(listRequest('lock/'), {}),
    (err: Error & { status?: number; details?: { job_id?: string } }) => err.status === 409 && err.details?.job_id === first.job_id,
  );
});

test('an overlapping prefix (k3 vs k3/) is refused while the other job runs; a disjoint one is not', async () => {
  await seed(fx.clients.s3, 'src', { ...files('k3/', 2), 'k3/sub/x.csv': 'x' });
  const first = await fx.archive.service.submit(listRequest('k3/'), {});
  await assert.rejects(
    fx.archive.service.submit(listRequest('k3'), {}),
    (err: Error & { details?: { job_id?: string } }) => err.details?.job_id === first.job_id && /overlaps/.test(err.message),
  );
  await assert.rejects(fx.archive.service.submit(listRequest('k3/sub/'), {}), /overlaps/);
  await seed(fx.clients.s3, 'src', files('k4/', 1));
  const other = await fx.archive.service.submit(listRequest('k4/'), {});
  assert.notEqual(other.job_id, first.job_id);
  await fx.archive.engine.run(first.job_id);
  const after = await fx.archive.service.submit(listRequest('k3', { allow_mismatch: true }), {}).catch((e: Error) => e);
  assert.ok(!(after instanceof Error && /overlaps/.test(after.message)), 'lock released when the job ended');
});

test('re-running a finished job returns its report and deletes nothing more', async () => {
  await seed(fx.clients.s3, 'src', files('again/', 3));
  const view = await fx.archive.service.submit(listRequest('again/'), {});
  const first = await fx.archive.engine.run(view.job_id);
  assert.equal(first.status, 'SUCCEEDED');
  await seed(fx.clients.s3, 'src', { 'again/0000.csv': 'written after the job' });
  const second = await fx.archive.engine.run(view.job_id);
  assert.equal(second.finished_at, first.finished_at, 'the stored report, not a new one');
  assert.deepEqual(await keysUnder('src', 'again/'), ['again/0000.csv'], 'the new object is not deleted');
});

test('a repeated idempotency key returns the same job', async () => {
  await seed(fx.clients.s3, 'src', files('idem/', 2));
  const a = await fx.archive.service.submit(listRequest('idem/'), { idempotencyKey: 'key-1' });
  const b = await fx.archive.service.submit(listRequest('idem/'), { idempotencyKey: 'key-1' });
  assert.equal(a.job_id, b.job_id);
  await assert.rejects(
    fx.archive.service.submit(listRequest('idem/', { expected_file_count: 99 }), { idempotencyKey: 'key-1' }),
    (err: Error & { code?: string; status?: number }) => err.code === 'IDEMPOTENCY_KEY_REUSED' && err.status === 409,
  );
});

test('a bucket that does not exist is a 400 naming bucket_name', async () => {
  await assert.rejects(
    fx.archive.service.submit(listRequest('x/', { source: { kind: 'list', bucket: 'no-such-bucket', prefix: 'x/' } }), {}),
    (err: Error & { status?: number; field?: string }) => err.status === 400 && err.field === 'bucket_name',
  );
  await fx.clients.s3.send(new PutObjectCommand({ Bucket: 'src', Key: 'keep.txt', Body: 'k' }));
});
