import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { CreateBucketCommand, DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, RestoreObjectCommand } from '@aws-sdk/client-s3';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { RequestMeter } from '../../src/adapters/request-meter.js';
import { S3ObjectStore } from '../../src/adapters/s3/s3-object-store.js';
import { MultipartSink } from '../../src/archive/multipart-sink.js';
import { multipartPartSize, DEFAULT_MAX_BUNDLE_BYTES } from '../../src/cost/bundle-plan.js';
import { predictRequests } from '../../src/cost/requests.js';
import { priceMeterSnapshot } from '../../src/cost/meter-pricing.js';
import { DEFAULT_PRICE_TABLE } from '../../src/cost/price-table.js';
import { startArchiveFixture, seed, listRequest, type ArchiveFixture } from '../support/archive-fixture.js';
import { composeArchive } from '../../src/entrypoints/archive-composition.js';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { HeadObjectCommand, ListObjectsV2Command as ListCmd } from '@aws-sdk/client-s3';
import type { BundleItem } from '../../src/domain/model.js';
import { planBundles } from '../../src/cost/bundle-plan.js';
import { populationFromAverage } from '../../src/cost/population.js';

const MIB = 1024 * 1024;
const SRC = 'meter-src';
const ARCH = 'meter-arch';
const TABLE = 'meter-test-items';

let fx: ArchiveFixture;
before(async () => {
  fx = await startArchiveFixture('cpm-');
  await fx.clients.s3.send(new CreateBucketCommand({ Bucket: SRC }));
  await fx.clients.s3.send(new CreateBucketCommand({ Bucket: ARCH }));
  await fx.clients.dynamo.send(
    new CreateTableCommand({
      TableName: TABLE,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    }),
  );
});
after(async () => fx.close());

async function uploadBundle(key: string, bytes: number): Promise<void> {
  const sink = new MultipartSink(new S3ObjectStore(fx.clients.s3), {
    bucket: ARCH,
    key,
    storageClass: 'DEEP_ARCHIVE',
    partSize: multipartPartSize(DEFAULT_MAX_BUNDLE_BYTES), // 16 MiB, as the engine uses for 512 MB bundles
  });
  const data = randomBytes(bytes);
  for (let i = 0; i < data.length; i += 4 * MIB) await sink.write(data.subarray(i, i + 4 * MIB));
  await sink.complete();
  await fx.clients.s3.send(new HeadObjectCommand({ Bucket: ARCH, Key: key })); // verify, as the engine does
}

test('the meter counts a small archive run exactly, by operation and storage class', async () => {
  const meter = new RequestMeter().attach(fx.clients.s3).attach(fx.clients.dynamo);
  const keys = Array.from({ length: 20 }, (_, i) => `day/${String(i).padStart(3, '0')}.csv`);
  for (const key of keys) await fx.clients.s3.send(new PutObjectCommand({ Bucket: SRC, Key: key, Body: Buffer.alloc(1000, 65) }));
  // list in pages of 7 keys: 7 + 7 + 6 = 3 requests
  let token: string | undefined;
  do {
    const page = await fx.clients.s3.send(new ListObjectsV2Command({ Bucket: SRC, MaxKeys: 7, ContinuationToken: token }));
    token = page.NextContinuationToken;
  } while (token);
  for (const key of keys) {
    const res = await fx.clients.s3.send(new GetObjectCommand({ Bucket: SRC, Key: key }));
    await res.Body?.transformToByteArray();
  }
  await uploadBundle('bundles/1.zip', 1 * MIB); // below the 16 MiB part: one PutObject
  await uploadBundle('bundles/2.zip', 40 * MIB); // 40 / 16 -> CreateMultipartUpload + 3 UploadPart + Complete
  await fx.clients.s3.send(new DeleteObjectsCommand({ Bucket: SRC, Delete: { Objects: keys.map((Key) => ({ Key })) } }));
  await fx.clients.s3.send(new RestoreObjectCommand({ Bucket: ARCH, Key: 'bundles/1.zip', RestoreRequest: { Days: 1, Tier: 'Bulk' } }));
  const items = Array.from({ length: 30 }, (_, i) => ({ PutRequest: { Item: { pk: `src/${i}`, n: i } } }));
  for (let i = 0; i < items.length; i += 25) {
    await fx.clients.dynamo.send(new BatchWriteCommand({ RequestItems: { [TABLE]: items.slice(i, i + 25) } }));
  }

  const snap = meter.snapshot();
  assert.deepEqual(snap.requests, {
    'S3:PutObject:STANDARD': 20,
    'S3:ListObjectsV2:STANDARD': 3,
    'S3:GetObject:STANDARD': 20,
    'S3:PutObject:DEEP_ARCHIVE': 1,
    'S3:CreateMultipartUpload:DEEP_ARCHIVE': 1,
    'S3:UploadPart:DEEP_ARCHIVE': 3,
    'S3:CompleteMultipartUpload:DEEP_ARCHIVE': 1,
    'S3:HeadObject:DEEP_ARCHIVE': 2,
    'S3:DeleteObjects:STANDARD': 1,
    'S3:RestoreObject:Bulk': 1,
    'DynamoDB:BatchWriteItem': 2,
  });
  assert.deepEqual(snap.unbilled, {});
  assert.equal(snap.bytes_sent['S3:PutObject:STANDARD'], 20 * 1000);
  assert.equal(snap.bytes_received['S3:GetObject:STANDARD'], 20 * 1000);
  assert.equal(snap.bytes_sent['S3:PutObject:DEEP_ARCHIVE'], 1 * MIB);
  assert.equal(snap.bytes_sent['S3:UploadPart:DEEP_ARCHIVE'], 40 * MIB);
  assert.deepEqual(snap.dynamodb_items_written, { [TABLE]: 30 });

  // the model predicts the same bundle uploads for these two bundles
  const predicted = predictRequests({
    objects: 20,
    bundles: [
      { count: 1, entries: 10, bytes: 1 * MIB },
      { count: 1, entries: 10, bytes: 40 * MIB },
    ],
  });
  const archiveClass = (counts: Readonly<Record<string, number>>): Record<string, number> =>
    Object.fromEntries(Object.entries(counts).filter(([k]) => k.endsWith(':DEEP_ARCHIVE')));
  assert.deepEqual(archiveClass(snap.requests), archiveClass(predicted));

  // priced: 23 Standard PUT/LIST + 4 Deep Archive part requests (CreateMultipartUpload + 3 UploadPart, billed at
  // the Standard rate) × $0.005, 20 GET × $0.0004, 2 Deep Archive PUT (PutObject, CompleteMultipartUpload) × $0.05,
  // 2 Deep Archive HEAD × $0.0004, 1 Bulk restore × $0.025 (all per 1,000), DeleteObjects free, 30 items × 2 WRU × $0.625 / 1e6
  const priced = priceMeterSnapshot(snap, DEFAULT_PRICE_TABLE, { writeUnitsPerItem: { [TABLE]: 2 } });
  const expected = (27 * 0.005 + 20 * 0.0004 + 2 * 0.05 + 2 * 0.0004 + 0.025) / 1000 + (60 * 0.625) / 1e6;
  assert.ok(Math.abs(priced.total_usd - expected) < 1e-12, `${priced.total_usd} != ${expected}`);
});

/** Run the real CLI against the emulator (AWS_ENDPOINT_URL), returning its parsed --json output. */
function cliJson(args: string[]): Promise<{ input: { objects: number; bytes: number }; coldpack: { requests: Record<string, number> } }> {
  const bin = fileURLToPath(new URL('../../bin/coldpack.js', import.meta.url));
  const env = { ...process.env, AWS_ENDPOINT_URL: fx.moto.endpoint, AWS_REGION: fx.region };
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [bin, '--json', 'estimate', ...args], { env, timeout: 120_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${error.message}\n${stderr}`));
      else resolve(JSON.parse(stdout) as never);
    });
  });
}

test('coldpack estimate streams a bucket listing and an S3 Inventory report from the emulator', async () => {
  const bucket = 'meter-estimate';
  await fx.clients.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  // 12 objects under p/: sizes 100, 200, ... 1,200 bytes (sum 7,800); one object outside the prefix
  for (let i = 1; i <= 12; i++) {
    await fx.clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: `p/${i}.csv`, Body: Buffer.alloc(i * 100) }));
  }
  await fx.clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'other/x.csv', Body: Buffer.alloc(5000) }));
  const listed = await cliJson(['--bucket', bucket, '--prefix', 'p/']);
  assert.equal(listed.input.objects, 12);
  assert.equal(listed.input.bytes, 7800);
  // predicted for the run: 1 source check + 2 listing passes of 1 page
  assert.equal(listed.coldpack.requests['S3:ListObjectsV2:STANDARD'], 3);

  // an S3 Inventory report (CSV): manifest.json + one gzip data file, keys URL-encoded
  const rows = ['"meter-estimate","p/a%20b.csv","300"', '"meter-estimate","p/c.csv","700"', '"meter-estimate","q/d.csv","900"'];
  await fx.clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'inv/data/1.csv.gz', Body: gzipSync(rows.join('\n') + '\n') }));
  const manifest = {
    sourceBucket: bucket,
    destinationBucket: `arn:aws:s3:::${bucket}`,
    fileFormat: 'CSV',
    fileSchema: 'Bucket, Key, Size',
    files: [{ key: 'inv/data/1.csv.gz', size: 0 }],
  };
  await fx.clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'inv/manifest.json', Body: JSON.stringify(manifest) }));
  const inventory = await cliJson(['--inventory', `s3://${bucket}/inv/manifest.json`, '--prefix', 'p/']);
  assert.equal(inventory.input.objects, 2);
  assert.equal(inventory.input.bytes, 1000);
  assert.equal(inventory.coldpack.requests['S3:ListObjectsV2:STANDARD'], undefined); // manifest source: no LIST
});

for (const catalog of ['compact', 'per_file'] as const) {
  test(`a real archive run makes exactly the S3 requests and index batches the model predicts (catalog ${catalog})`, async () => {
    // 60 objects of 20,000 bytes, bundles capped at 500,000 source bytes: 25 + 25 + 10 entries
    const prefix = `run-${catalog}/`;
    const objects: Record<string, Buffer> = {};
    for (let i = 0; i < 60; i++) objects[`${prefix}${String(i).padStart(3, '0')}.bin`] = randomBytes(20_000);
    await seed(fx.clients.s3, 'src', objects);
    const archive = composeArchive({ ...fx.config, catalog }, fx.clients, { starter: { start: async () => undefined } });
    const meter = new RequestMeter().attach(fx.clients.s3).attach(fx.clients.dynamo);
    const view = await archive.service.submit(listRequest(prefix, { max_bundle_bytes: 500_000 }), {});
    const report = await archive.engine.run(view.job_id);
    assert.equal(report.status, 'SUCCEEDED', JSON.stringify(report.problems));
    const snap = meter.snapshot();
    meter.detach(fx.clients.s3);
    meter.detach(fx.clients.dynamo);

    // the run's actual bundles and shard plan, read after the run
    const scan = await fx.clients.dynamo.send(new ScanCommand({ TableName: fx.tables.bundles }));
    const bundles = (scan.Items as BundleItem[]).filter((b) => b.job_id === view.job_id);
    const plans = await fx.clients.s3.send(new ListCmd({ Bucket: 'archive', Prefix: 'plans/' }));
    const planBytes = (plans.Contents ?? []).filter((o) => o.Key?.includes(view.job_id)).map((o) => o.Size ?? 0);
    const predicted = predictRequests({
      objects: 60,
      bundles: bundles.map((b) => ({ count: 1, entries: b.entry_count ?? 0, bytes: b.bytes ?? 0, sourceBytes: b.source_bytes ?? 0 })),
      shards: planBytes.length,
      shardPlanBytes: planBytes,
      catalog,
    });
    const modelled = (counts: Readonly<Record<string, number>>): Record<string, number> =>
      Object.fromEntries(Object.entries(counts).filter(([k]) => k.startsWith('S3:') || k === 'DynamoDB:BatchWriteItem'));
    assert.deepEqual(modelled(snap.requests), modelled(predicted));
    // compact: no per-file item at all; per_file: one per archived file
    assert.equal(snap.dynamodb_items_written[fx.tables.files] ?? 0, catalog === 'per_file' ? 60 : 0);
    // the directory: one entry per bundle, written when it commits (the COMMITTED bundle item)
    assert.equal(bundles.filter((b) => b.state === 'COMMITTED' && b.min_key && b.max_key).length, 3);

    // the bundles the model plans from the population alone are the ones the engine wrote
    const plan = planBundles(populationFromAverage(60, 20_000), { maxBundleBytes: 500_000 });
    assert.deepEqual(
      plan.groups.flatMap((g) => Array.from({ length: g.count }, () => g.entries)),
      bundles.map((b) => b.entry_count).sort((a, b) => (b ?? 0) - (a ?? 0)),
    );
  });
}
