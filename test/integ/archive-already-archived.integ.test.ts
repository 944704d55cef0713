/**
 * ISSUE-11 item 2 on moto: an object already in a committed bundle is not archived again. A first
 * job archives a prefix without deleting its sources (as a job whose deletes failed, or that crashed
 * after committing, leaves them); one object is then re-generated (new ETag) and one is added; a NEW
 * job on the same prefix packs only those two, counts the rest `already_archived` and deletes them
 * (If-Match on the archived ETag). The bundles are read with Info-ZIP `unzip`; a restore of the
 * re-generated key gives its newest bytes; the counted S3 requests equal the cost model's.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, RestoreObjectCommand } from '@aws-sdk/client-s3';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { RequestMeter } from '../../src/adapters/request-meter.js';
import { predictRequests } from '../../src/cost/requests.js';
import { createRestoreService } from '../../src/entrypoints/restore-composition.js';
import type { BundleItem } from '../../src/domain/model.js';
import { startArchiveFixture, seed, listRequest, type ArchiveFixture } from '../support/archive-fixture.js';
import { unzipEntry, unzipNames } from '../support/unzip.js';

let fx: ArchiveFixture;
let dir: string;
before(async () => {
  fx = await startArchiveFixture('aa-');
  dir = await mkdtemp(join(tmpdir(), 'aa-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
  await fx?.close();
});

const MANIFEST_ENTRY = '.coldpack/manifest.csv';

/** Committed bundle items of a job, by shard and seq. */
async function bundlesOf(jobId: string): Promise<BundleItem[]> {
  const scan = await fx.clients.dynamo.send(new ScanCommand({ TableName: fx.tables.bundles }));
  return (scan.Items as BundleItem[]).filter((b) => b.job_id === jobId && b.state === 'COMMITTED' && b.entry_count).sort((a, b) => a.seq - b.seq);
}

/** Download a (DEEP_ARCHIVE) bundle to a file, restoring it first (moto completes restores at once). */
async function download(key: string): Promise<string> {
  await fx.clients.s3.send(new RestoreObjectCommand({ Bucket: 'archive', Key: key, RestoreRequest: { Days: 1, GlacierJobParameters: { Tier: 'Standard' } } }));
  const res = await fx.clients.s3.send(new GetObjectCommand({ Bucket: 'archive', Key: key }));
  const path = join(dir, key.replace(/\//g, '_'));
  await writeFile(path, Buffer.from(await res.Body!.transformToByteArray()));
  return path;
}

async function sourceKeys(prefix: string): Promise<string[]> {
  const res = await fx.clients.s3.send(new ListObjectsV2Command({ Bucket: 'src', Prefix: prefix }));
  return (res.Contents ?? []).map((o) => o.Key!);
}

test('a new job on an archived prefix packs only the re-generated and new objects, deletes the rest and counts them already archived', async () => {
  const original: Record<string, Buffer> = {};
  for (let i = 0; i < 5; i++) original[`again/00${i}.bin`] = randomBytes(20_000);
  await seed(fx.clients.s3, 'src', original);
  // bundles of at most 50,000 source bytes: [000, 001] [002, 003] [004]
  const first = await fx.archive.service.submit(listRequest('again/', { max_bundle_bytes: 50_000, delete_source: false }), {});
  const firstReport = await fx.archive.engine.run(first.job_id);
  assert.equal(firstReport.status, 'SUCCEEDED');
  assert.deepEqual([firstReport.files_archived, firstReport.bundles], [5, 3]);
  assert.equal((await sourceKeys('again/')).length, 5, 'the first job deleted nothing');

  const regenerated = randomBytes(20_000);
  await fx.clients.s3.send(new PutObjectCommand({ Bucket: 'src', Key: 'again/001.bin', Body: regenerated }));
  const added = randomBytes(20_000);
  await fx.clients.s3.send(new PutObjectCommand({ Bucket: 'src', Key: 'again/005.bin', Body: added }));

  const meter = new RequestMeter().attach(fx.clients.s3).attach(fx.clients.dynamo);
  const second = await fx.archive.service.submit(listRequest('again/', { max_bundle_bytes: 50_000 }), {});
  const report = await fx.archive.engine.run(second.job_id);
  const snap = meter.snapshot();
  meter.detach(fx.clients.s3);
  meter.detach(fx.clients.dynamo);

  assert.equal(report.status, 'SUCCEEDED', JSON.stringify({ problems: report.problems, kept: report.kept }));
  assert.equal(report.files_listed, 6);
  assert.equal(report.files_archived, 2, 'only the re-generated and the new object are packed');
  assert.equal(report.already_archived, 4);
  assert.equal(report.already_archived_bytes, 80_000);
  assert.equal(report.files_deleted, 6, 'the 2 archived and the 4 already archived');
  assert.deepEqual(await sourceKeys('again/'), []);
  const view = await fx.archive.service.get(second.job_id);
  assert.equal(view!.counters.already_archived, 4, 'GET /archive/{id} and coldpack status show the counter');
  assert.equal(view!.counters.catalog_manifests_read, 3);

  // Info-ZIP: the second job's one bundle holds the two new generations only; no (key, bytes) is in two bundles
  const secondBundles = await bundlesOf(second.job_id);
  assert.equal(secondBundles.length, 1);
  const secondZip = await download(secondBundles[0]!.bundle_key);
  assert.deepEqual(
    unzipNames(secondZip).filter((n) => n !== MANIFEST_ENTRY),
    ['again/001.bin', 'again/005.bin'],
  );
  assert.deepEqual(unzipEntry(secondZip, 'again/001.bin'), regenerated);
  const seen = new Map<string, string>();
  for (const b of [...(await bundlesOf(first.job_id)), ...secondBundles]) {
    const zip = await download(b.bundle_key);
    for (const name of unzipNames(zip).filter((n) => n !== MANIFEST_ENTRY)) {
      const bytes = unzipEntry(zip, name).toString('base64');
      assert.notEqual(seen.get(`${name} ${bytes}`), 'seen', `${name} with the same bytes in two bundles`);
      seen.set(`${name} ${bytes}`, 'seen');
    }
  }
  assert.equal(seen.size, 7, '5 first generations + the re-generated 001 + the new 005');

  // the counted S3 requests are the model's: 3 committed manifests read, the already-archived list written and read back
  const plans = await fx.clients.s3.send(new ListObjectsV2Command({ Bucket: 'archive', Prefix: `plans/test/${second.job_id}/` }));
  const planObjects = plans.Contents ?? [];
  const shardPlans = planObjects.filter((o) => /\/\d{5}\.csv\.gz$/.test(o.Key!)).map((o) => o.Size ?? 0);
  const list = planObjects.find((o) => o.Key!.endsWith('/already-archived.csv.gz'));
  assert.ok(list, 'the already-archived list');
  const predicted = predictRequests({
    objects: 2,
    bundles: secondBundles.map((b) => ({ count: 1, entries: b.entry_count ?? 0, bytes: b.bytes ?? 0, sourceBytes: b.source_bytes ?? 0 })),
    shards: shardPlans.length,
    shardPlanBytes: shardPlans,
    alreadyArchived: { objects: 4, manifests: 3, listBytes: list.Size ?? 0 },
  });
  const s3Only = (counts: Readonly<Record<string, number>>): Record<string, number> =>
    Object.fromEntries(Object.entries(counts).filter(([k]) => k.startsWith('S3:')));
  assert.deepEqual(s3Only(snap.requests), s3Only(predicted));
  assert.ok((snap.requests['DynamoDB:Query'] ?? 0) >= 2, 'the scope Query and the directory walk of the first job are counted by the meter');

  // a restore of the re-generated key gives its newest bytes
  const restore = createRestoreService(fx.config, fx.clients);
  const r = await restore.submit(
    { selection: { kind: 'keys', keys: ['again/001.bin'] }, bucket: 'src', tier: 'Standard', days: 1, all_matches: false, requested_by: 'test' },
    {},
  );
  await restore.reconcile(r.restore_id);
  const done = (await restore.get(r.restore_id))!;
  assert.equal(done.status, 'AVAILABLE', JSON.stringify(done.files));
  const restored = await fx.clients.s3.send(new GetObjectCommand({ Bucket: 'restore', Key: `restores/${r.restore_id}/src/again/001.bin` }));
  assert.deepEqual(Buffer.from(await restored.Body!.transformToByteArray()), regenerated);
});

test('a first run over a never-archived prefix makes no extra S3 request: the scope Query finds nothing to read', async () => {
  await seed(fx.clients.s3, 'src', { 'fresh/a.txt': 'a', 'fresh/b.txt': 'b' });
  const meter = new RequestMeter().attach(fx.clients.s3).attach(fx.clients.dynamo);
  const view = await fx.archive.service.submit(listRequest('fresh/'), {});
  const report = await fx.archive.engine.run(view.job_id);
  const snap = meter.snapshot();
  meter.detach(fx.clients.s3);
  meter.detach(fx.clients.dynamo);
  assert.deepEqual([report.status, report.files_archived], ['SUCCEEDED', 2]);
  assert.equal(report.already_archived, 0);
  const bundles = await bundlesOf(view.job_id);
  const plans = await fx.clients.s3.send(new ListObjectsV2Command({ Bucket: 'archive', Prefix: `plans/test/${view.job_id}/` }));
  const predicted = predictRequests({
    objects: 2,
    bundles: bundles.map((b) => ({ count: 1, entries: b.entry_count ?? 0, bytes: b.bytes ?? 0, sourceBytes: b.source_bytes ?? 0 })),
    shards: 1,
    shardPlanBytes: (plans.Contents ?? []).map((o) => o.Size ?? 0),
  });
  const s3Only = (counts: Readonly<Record<string, number>>): Record<string, number> =>
    Object.fromEntries(Object.entries(counts).filter(([k]) => k.startsWith('S3:')));
  assert.deepEqual(s3Only(snap.requests), s3Only(predicted));
  assert.equal((await fx.archive.service.get(view.job_id))!.counters.catalog_manifests_read, 0);
});
