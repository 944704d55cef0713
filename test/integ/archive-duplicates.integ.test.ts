/**
 * ISSUE-11 item 3: repeated rows in a CSV manifest or an S3 Inventory report. With the per-file
 * catalog, DynamoDB refuses a BatchWriteItem holding two writes to one key; moto refuses only
 * byte-identical items (two index items of one object differ in their offsets), so DynamoDB's rule
 * is added with an SDK middleware that answers such a call with a 400 ValidationException, as
 * DynamoDB does. (With the default compact catalog the object would be archived twice.)
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { FileIndexItem } from '../../src/domain/model.js';
import { startArchiveFixture, seed, listRequest, type ArchiveFixture } from '../support/archive-fixture.js';
import { enforceBatchWriteKeyRule } from '../support/faults.js';
import { unzipNames } from '../support/unzip.js';

let fx: ArchiveFixture;
let dir: string;
let rule: ReturnType<typeof enforceBatchWriteKeyRule>;
before(async () => {
  fx = await startArchiveFixture('dup-', 'per_file');
  rule = enforceBatchWriteKeyRule(fx.clients.dynamo, { [fx.tables.files]: ['pk', 'sk'] });
  dir = await mkdtemp(join(tmpdir(), 'dup-'));
});
after(async () => {
  rule.remove();
  await rm(dir, { recursive: true, force: true });
  await fx.close();
});

async function indexed(prefix: string): Promise<FileIndexItem[]> {
  const res = await fx.clients.dynamo.send(new ScanCommand({ TableName: fx.tables.files }));
  return ((res.Items ?? []) as FileIndexItem[]).filter((i) => i.key.startsWith(prefix));
}

async function bundleNames(jobId: string): Promise<string[]> {
  const res = await fx.clients.s3.send(new GetObjectCommand({ Bucket: 'archive', Key: `bundles/test/${jobId}/00000/000000.zip` }));
  const path = join(dir, `${jobId}.zip`);
  await writeFile(path, Buffer.from(await res.Body!.transformToByteArray()));
  return unzipNames(path);
}

test('a CSV row given twice (apart, in any order) is archived once and counted; the QC guard counts distinct objects', async () => {
  await seed(fx.clients.s3, 'src', { 'd/1.txt': 'twelve bytes', 'd/2.txt': 'two', 'd/3.txt': 'three' });
  const path = join(dir, 'dups.csv');
  await writeFile(path, 'src,d/3.txt,5\nsrc,d/1.txt,12\nsrc,d/2.txt,3\nsrc,d/1.txt,12\n');
  // Four rows, three objects: file_count 4 (the rows) is a QC mismatch found once the repeat is dropped;
  // the job fails with nothing left behind (its shard plan is deleted) and nothing archived or deleted.
  const rows = await fx.archive.service.submit(
    listRequest('', { source: { kind: 'csv', bucket: '', manifest: path }, expected_file_count: 4, storage_class: 'STANDARD' }),
    {},
  );
  await assert.rejects(fx.archive.engine.run(rows.job_id), (err: Error & { code?: string }) => {
    assert.equal(err.code, 'QC_MISMATCH');
    assert.match(err.message, /file_count: expected 4, listed 3 distinct objects \(1 repeated manifest row dropped\)/);
    assert.match(err.message, /the job's shard plans were deleted/);
    return true;
  });
  const left = await fx.clients.s3.send(new ListObjectsV2Command({ Bucket: 'archive', Prefix: `plans/test/${rows.job_id}/` }));
  assert.equal(left.KeyCount ?? 0, 0, 'no plan left');
  const bundles = await fx.clients.s3.send(new ListObjectsV2Command({ Bucket: 'archive', Prefix: `bundles/test/${rows.job_id}/` }));
  assert.equal(bundles.KeyCount ?? 0, 0, 'nothing archived');
  // Fewer rows than file_count is refused by the first pass already (rows bound the distinct objects).
  const tooFew = await fx.archive.service.submit(
    listRequest('', { source: { kind: 'csv', bucket: '', manifest: path }, expected_file_count: 5, storage_class: 'STANDARD' }),
    {},
  );
  await assert.rejects(fx.archive.engine.run(tooFew.job_id), /file_count: expected 5, the manifest has only 4 rows/);

  const view = await fx.archive.service.submit(
    listRequest('', { source: { kind: 'csv', bucket: '', manifest: path }, expected_file_count: 3, storage_class: 'STANDARD' }),
    {},
  );
  const report = await fx.archive.engine.run(view.job_id);
  assert.equal(report.status, 'SUCCEEDED', JSON.stringify({ problems: report.problems, skipped: report.skipped }));
  assert.equal(rule.refused(), 0, 'no BatchWriteItem held two writes to one key');
  assert.equal(report.files_listed, 4);
  assert.equal(report.duplicates_dropped, 1);
  assert.deepEqual(report.duplicates, ['src/d/1.txt']);
  assert.equal(report.files_archived, 3);
  assert.deepEqual((await bundleNames(view.job_id)).filter((n) => n.startsWith('d/')).sort(), ['d/1.txt', 'd/2.txt', 'd/3.txt'], 'each object once in the zip');
  assert.equal((await indexed('d/')).length, 3);
});

test('an S3 Inventory report listing a key in two data files is archived once', async () => {
  await fx.clients.s3.send(new CreateBucketCommand({ Bucket: 'dup-inventory' }));
  await seed(fx.clients.s3, 'src', { 'inv/a.txt': 'aaaa', 'inv/b.txt': 'bbbb' });
  const file = (rows: string[]): Buffer => gzipSync(Buffer.from(rows.map((r) => `${r}\n`).join('')));
  await fx.clients.s3.send(
    new PutObjectCommand({ Bucket: 'dup-inventory', Key: 'src/data/1.csv.gz', Body: file(['"src","inv/b.txt","4"', '"src","inv/a.txt","4"']) }),
  );
  await fx.clients.s3.send(new PutObjectCommand({ Bucket: 'dup-inventory', Key: 'src/data/2.csv.gz', Body: file(['"src","inv/a.txt","4"']) }));
  const manifest = {
    sourceBucket: 'src',
    destinationBucket: 'arn:aws:s3:::dup-inventory',
    fileFormat: 'CSV',
    fileSchema: 'Bucket, Key, Size',
    files: [{ key: 'src/data/1.csv.gz' }, { key: 'src/data/2.csv.gz' }],
  };
  await fx.clients.s3.send(new PutObjectCommand({ Bucket: 'dup-inventory', Key: 'src/manifest.json', Body: JSON.stringify(manifest) }));
  const view = await fx.archive.service.submit(
    listRequest('', { source: { kind: 'inventory', bucket: 'dup-inventory', manifest: 'src/manifest.json', prefix: 'inv/' } }),
    {},
  );
  const report = await fx.archive.engine.run(view.job_id);
  assert.equal(report.status, 'SUCCEEDED', JSON.stringify(report.problems));
  assert.equal(report.duplicates_dropped, 1);
  assert.equal(report.files_archived, 2);
  assert.equal((await indexed('inv/')).length, 2);
});
