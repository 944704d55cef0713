import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, PutBucketVersioningCommand, PutObjectCommand, DeleteObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import type { ArchivedFile } from '../../src/domain/catalog.js';
import { catalogFiles } from '../support/catalog-files.js';
import { extractEntry } from '../../src/bundle/zip-entry-reader.js';
import { startArchiveFixture, seed, listRequest, rangeOf, type ArchiveFixture } from '../support/archive-fixture.js';
import { recordCalls } from '../support/faults.js';

let fx: ArchiveFixture;
before(async () => {
  fx = await startArchiveFixture();
});
after(async () => fx.close());

/** The archived files of `bucket` under `prefix`, as the catalog holds them (directory entries + manifests). */
async function indexOf(prefix: string, bucket = 'src'): Promise<ArchivedFile[]> {
  return catalogFiles(fx.clients, fx.tables.bundles, prefix, bucket);
}
async function bytesOf(item: ArchivedFile): Promise<Buffer> {
  return extractEntry(await rangeOf(fx.clients.s3, 'archive', item.bundle_key, item.offset, item.length), item);
}

const trickyKeys = { 'q/a b.txt': 'space', 'q/a+b.txt': 'plus', 'q/a%2Bb.txt': 'literal percent', 'q/x?y#z.txt': 'query hash' };

test('S3 Inventory source: keys URL-decoded exactly once (+ is a space); four distinct index rows', async () => {
  await seed(fx.clients.s3, 'src', Object.fromEntries(Object.entries(trickyKeys).map(([k, v]) => [`inv-${k}`, v])));
  await fx.clients.s3.send(new CreateBucketCommand({ Bucket: 'inventory' }));
  const encode = (k: string): string => encodeURIComponent(k).replace(/%2F/g, '/').replace(/%20/g, '+');
  const rows = Object.keys(trickyKeys).map(
    (k) => `"src","${encode(`inv-${k}`)}","${Buffer.byteLength(trickyKeys[k as keyof typeof trickyKeys])}","2024-04-10T00:00:00.000Z","","STANDARD"`,
  );
  await fx.clients.s3.send(new PutObjectCommand({ Bucket: 'inventory', Key: 'src/daily/data/part-0.csv.gz', Body: gzipSync(rows.join('\n') + '\n') }));
  const manifest = {
    sourceBucket: 'src',
    destinationBucket: 'arn:aws:s3:::inventory',
    fileFormat: 'CSV',
    fileSchema: 'Bucket, Key, Size, LastModifiedDate, ETag, StorageClass',
    files: [{ key: 'src/daily/data/part-0.csv.gz', size: 1 }],
  };
  await fx.clients.s3.send(new PutObjectCommand({ Bucket: 'inventory', Key: 'src/daily/manifest.json', Body: JSON.stringify(manifest) }));
  const view = await fx.archive.service.submit(
    listRequest('', { source: { kind: 'inventory', bucket: 'inventory', manifest: 'src/daily/manifest.json', prefix: 'inv-q/' } }),
    {},
  );
  const report = await fx.archive.engine.run(view.job_id);
  assert.equal(report.status, 'SUCCEEDED', JSON.stringify(report));
  const items = await indexOf('inv-q/');
  assert.equal(items.length, 4);
  for (const [k, v] of Object.entries(trickyKeys)) {
    const item = items.find((i) => i.key === `inv-${k}`);
    assert.ok(item, `row for ${k}`);
    assert.equal((await bytesOf(item)).toString(), v);
  }
});

test('CSV manifest source (local file): bucket,key,size rows with quoting', async () => {
  await seed(fx.clients.s3, 'src', { 'csv/one,two.txt': 'comma', 'csv/"quoted".txt': 'quote', 'csv/plain.txt': 'plain' });
  const dir = await mkdtemp(join(tmpdir(), 'csv-'));
  try {
    const path = join(dir, 'm.csv');
    await writeFile(path, 'bucket,key,size\nsrc,"csv/one,two.txt",5\nsrc,"csv/""quoted"".txt",5\nsrc,csv/plain.txt,5\n');
    const view = await fx.archive.service.submit(listRequest('', { source: { kind: 'csv', bucket: '', manifest: path }, expected_file_count: 3 }), {});
    const report = await fx.archive.engine.run(view.job_id);
    assert.equal(report.status, 'SUCCEEDED', JSON.stringify(report));
    assert.deepEqual((await indexOf('csv/')).map((i) => i.key).sort(), ['csv/"quoted".txt', 'csv/one,two.txt', 'csv/plain.txt']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a CSV manifest row naming a key that is not in the bucket is skipped NOT_FOUND (never listed, so not GONE); a listed object deleted before its GET stays GONE', async () => {
  await seed(fx.clients.s3, 'src', { 'nf/here.txt': 'here', 'nf/gone.txt': 'soon gone' });
  const dir = await mkdtemp(join(tmpdir(), 'csv-'));
  try {
    const path = join(dir, 'missing.csv');
    await writeFile(path, 'src,nf/here.txt,4\nsrc,nf/never-existed.txt,7\n');
    const view = await fx.archive.service.submit(listRequest('', { source: { kind: 'csv', bucket: '', manifest: path } }), {});
    const report = await fx.archive.engine.run(view.job_id);
    assert.equal(report.status, 'PARTIAL', JSON.stringify(report));
    assert.equal(report.files_archived, 1);
    assert.deepEqual(report.skipped, [
      {
        key: 'nf/never-existed.txt',
        reason: 'NOT_FOUND',
        detail: 'listed in the manifest but not in the bucket (no such key in s3://src: it never existed, or was deleted before the job read it)',
      },
    ]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  // A listing: the key was listed, then deleted before its GET (planned, then deleted under the job).
  const listed = await fx.archive.service.submit(listRequest('nf/'), {});
  await fx.archive.engine.plan(listed.job_id);
  await fx.clients.s3.send(new DeleteObjectCommand({ Bucket: 'src', Key: 'nf/gone.txt' }));
  const report = await fx.archive.engine.run(listed.job_id);
  assert.deepEqual(
    report.skipped.map((s) => [s.key, s.reason, s.detail]),
    [['nf/gone.txt', 'GONE', 'object was deleted after listing']],
  );
});

test('versioned source: the current version is archived with its VersionId; delete markers are not files', async () => {
  await fx.clients.s3.send(new CreateBucketCommand({ Bucket: 'vsrc' }));
  await fx.clients.s3.send(new PutBucketVersioningCommand({ Bucket: 'vsrc', VersioningConfiguration: { Status: 'Enabled' } }));
  const put = (Key: string, Body: string) => fx.clients.s3.send(new PutObjectCommand({ Bucket: 'vsrc', Key, Body }));
  await put('v/a.txt', 'one');
  const two = await put('v/a.txt', 'two');
  await put('v/b.txt', 'x');
  await fx.clients.s3.send(new DeleteObjectCommand({ Bucket: 'vsrc', Key: 'v/b.txt' }));
  await put('v/c.txt', 'c');
  const view = await fx.archive.service.submit(listRequest('v/', { source: { kind: 'list', bucket: 'vsrc', prefix: 'v/' }, delete_source: false }), {});
  const report = await fx.archive.engine.run(view.job_id);
  assert.equal(report.status, 'SUCCEEDED');
  const items = await indexOf('v/', 'vsrc');
  assert.deepEqual(items.map((i) => i.key).sort(), ['v/a.txt', 'v/c.txt']);
  const a = items.find((i) => i.key === 'v/a.txt')!;
  assert.equal(a.version_id, two.VersionId);
  await put('v/a.txt', 'three');
  assert.equal((await bytesOf(a)).toString(), 'two');
});

test('sources are deleted only if unchanged: DeleteObjects carries each archived ETag; a changed object is kept', async () => {
  await seed(fx.clients.s3, 'src', { 'cd/a.txt': 'a', 'cd/b.txt': 'b', 'cd/c.txt': 'c' });
  const view = await fx.archive.service.submit(listRequest('cd/'), {});
  const job = view.job_id;
  await fx.archive.engine.plan(job);
  await fx.archive.engine.packShard(job, 0);
  // b.txt is rewritten after it was archived: its ETag no longer matches the archived one.
  await fx.clients.s3.send(new PutObjectCommand({ Bucket: 'src', Key: 'cd/b.txt', Body: 'b, changed' }));
  const current = await fx.clients.s3.send(new HeadObjectCommand({ Bucket: 'src', Key: 'cd/b.txt' }));
  const rec = recordCalls(fx.clients.s3, 'DeleteObjectsCommand');
  // moto 5.2.1 ignores per-object ETags in DeleteObjects; this double answers for the changed key as S3 does.
  const name = 'conditional-delete-double';
  fx.clients.s3.middlewareStack.add(
    (next, ctx) => async (args) => {
      if (ctx.commandName !== 'DeleteObjectsCommand') return next(args);
      const input = args.input as { Delete: { Objects: Array<{ Key: string; ETag?: string }> } };
      const stale = input.Delete.Objects.filter((o) => o.Key === 'cd/b.txt' && o.ETag !== current.ETag);
      input.Delete.Objects = input.Delete.Objects.filter((o) => !stale.includes(o));
      const out = (await next(args)) as { output: { Errors?: unknown[] } };
      out.output.Errors = [
        ...(out.output.Errors ?? []),
        ...stale.map((o) => ({ Key: o.Key, Code: 'PreconditionFailed', Message: 'At least one of the pre-conditions you specified did not hold' })),
      ];
      return out as never;
    },
    { step: 'initialize', name, priority: 'low' },
  );
  try {
    const report = await fx.archive.engine.finalize(job);
    assert.equal(report.status, 'PARTIAL');
    assert.equal(report.files_deleted, 2);
    assert.deepEqual(
      report.kept.map((k) => [k.key, k.code]),
      [['cd/b.txt', 'PreconditionFailed']],
    );
    const sent = rec.inputs[0] as { Delete: { Objects: Array<{ Key: string; ETag: string }> } };
    assert.equal(sent.Delete.Objects.length, 3);
    for (const o of sent.Delete.Objects) assert.match(o.ETag, /^"[0-9a-f]{32}"$/, `ETag sent for ${o.Key}`);
    assert.notEqual(sent.Delete.Objects.find((o) => o.Key === 'cd/b.txt')!.ETag, current.ETag);
    assert.equal((await fx.clients.s3.send(new HeadObjectCommand({ Bucket: 'src', Key: 'cd/b.txt' }))).ETag, current.ETag);
  } finally {
    rec.remove();
    fx.clients.s3.middlewareStack.remove(name);
  }
});

test("coldpack's own buckets are never sources: as bucket_name (400) or named by a CSV manifest (job FAILED, nothing written or deleted)", async () => {
  await assert.rejects(
    fx.archive.service.submit(listRequest('bundles/', { source: { kind: 'list', bucket: 'archive', prefix: 'bundles/' } }), {}),
    (err: Error & { status?: number; code?: string; field?: string }) => err.status === 400 && err.code === 'SOURCE_NOT_ALLOWED' && err.field === 'bucket_name',
  );
  await fx.clients.s3.send(new PutObjectCommand({ Bucket: 'archive', Key: 'bundles/victim.zip', Body: 'a bundle' }));
  const dir = await mkdtemp(join(tmpdir(), 'csv-'));
  try {
    const path = join(dir, 'evil.csv');
    await writeFile(path, 'archive,bundles/victim.zip,8\n');
    const view = await fx.archive.service.submit(listRequest('', { source: { kind: 'csv', bucket: '', manifest: path } }), {});
    await assert.rejects(fx.archive.engine.run(view.job_id), /one of coldpack's own buckets/);
    assert.equal((await fx.archive.service.get(view.job_id))?.status, 'FAILED');
    const head = await fx.clients.s3.send(new HeadObjectCommand({ Bucket: 'archive', Key: 'bundles/victim.zip' }));
    assert.equal(head.ContentLength, 8, 'untouched');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('with a source allow-list (COLDPACK_SOURCE_BUCKETS), other buckets are refused with a 400', async () => {
  const { composeArchive } = await import('../../src/entrypoints/archive-composition.js');
  const limited = composeArchive({ ...fx.config, sourceBuckets: ['vsrc'] }, fx.clients, { starter: { start: async () => undefined } });
  await assert.rejects(limited.service.submit(listRequest('csv/'), {}), /bucket src is not a source bucket of this deployment \(allowed: vsrc\)/);
});

test('a dry run refuses what the real run refuses: a CSV row naming the archive or restore bucket, a row off the allow-list, a running job', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'csv-'));
  try {
    for (const bucket of ['archive', 'restore']) {
      const path = join(dir, `${bucket}.csv`);
      await writeFile(path, `src,csv/plain.txt,5\n${bucket},bundles/victim.zip,8\n`);
      await assert.rejects(
        fx.archive.service.submit(listRequest('', { source: { kind: 'csv', bucket: '', manifest: path }, dry_run: true }), {}),
        (err: Error & { code?: string }) =>
          err.code === 'SOURCE_NOT_ALLOWED' && new RegExp(`bucket ${bucket}, one of coldpack's own buckets`).test(err.message),
      );
    }
    const { composeArchive } = await import('../../src/entrypoints/archive-composition.js');
    const limited = composeArchive({ ...fx.config, sourceBuckets: ['src'] }, fx.clients, { starter: { start: async () => undefined } });
    const other = join(dir, 'other.csv');
    await writeFile(other, 'src,csv/plain.txt,5\nvsrc,v/c.txt,1\n');
    await assert.rejects(
      limited.service.submit(listRequest('', { source: { kind: 'csv', bucket: '', manifest: other }, dry_run: true }), {}),
      /vsrc, which is not a source bucket of this deployment/,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  await seed(fx.clients.s3, 'src', { 'drylock/a.txt': 'a' });
  const running = await fx.archive.service.submit(listRequest('drylock/'), {});
  await assert.rejects(
    fx.archive.service.submit(listRequest('drylock/', { dry_run: true }), {}),
    (err: Error & { code?: string; details?: { job_id?: string } }) => err.code === 'JOB_RUNNING' && err.details?.job_id === running.job_id,
  );
});
