/**
 * Catalog requests of a restore by key in a catalog of 100,000 files, on moto, counted per request
 * (SDK middleware on the real clients) up to the RestoreObject.
 *
 * The catalog is written directly, as the archive would have written it, instead of archiving
 * 100,000 objects through moto: bucket `big-src`, job `j-apr` (sorted, generation 2024-04-10) with
 * 10 bundles of 10,000 keys `data/2024-04/<6 digits>.csv`, and job `j-rerun` (generation 2024-05-01)
 * re-archiving keys 050,000-059,999 in one bundle. For each bundle: its COMMITTED bundle item (the
 * directory entry, through the real DynamoBundleStore), its gzip CSV manifest of 10,000 rows, and a
 * small placeholder bundle object in DEEP_ARCHIVE (the restore stops at RestoreObject: nothing is
 * extracted); each job's scope through the real DynamoBundleDirectoryStore.
 *
 * Catalog requests = the scope Query (jobs table `SCOPE#...`), directory Queries (bundles GSIs
 * `by_bucket` and `by_range`) and manifest GETs (`manifests/...`).
 */
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { DynamoBundleStore } from '../../src/adapters/dynamo/dynamo-bundle-store.js';
import { DynamoBundleDirectoryStore } from '../../src/adapters/dynamo/dynamo-bundle-directory-store.js';
import { ensureTables, tableDefinitions } from '../../src/adapters/dynamo/tables.js';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { manifestHeader, manifestRow } from '../../src/bundle/manifest.js';
import { tableNames } from '../../src/domain/config.js';
import { bundleKeys } from '../../src/domain/keys.js';
import { composeRestoreService } from '../../src/entrypoints/restore-composition.js';
import { startMotoFixture, type MotoFixture } from '../support/moto.js';

const SRC = 'big-src';
const ARCHIVE = 'lk-archive';
const RESTORE = 'lk-restore';
const tables = tableNames('lk-');
const key = (i: number): string => `data/2024-04/${String(i).padStart(6, '0')}.csv`;
let fx: MotoFixture;

/** Write one bundle of `keys` (sorted) of `job`: placeholder object, manifest, directory entry. */
async function writeBundle(job: string, generation: string, seq: number, first: number, count: number, t = tables): Promise<void> {
  const keys = bundleKeys('proj', job, 0, seq);
  let csv = manifestHeader();
  for (let i = first; i < first + count; i++) {
    const offset = (i - first) * 100;
    csv += manifestRow(SRC, {
      key: key(i),
      size: 40,
      etag: `e${i}`,
      last_modified: generation,
      offset,
      length: 100,
      compressed_size: 40,
      method: 0,
      crc32: '00000000',
      sha256: '0'.repeat(64),
    });
  }
  await fx.clients.s3.send(new PutObjectCommand({ Bucket: ARCHIVE, Key: keys.bundle, Body: Buffer.alloc(1024), StorageClass: 'DEEP_ARCHIVE' }));
  await fx.clients.s3.send(new PutObjectCommand({ Bucket: ARCHIVE, Key: keys.manifest, Body: gzipSync(csv) }));
  await new DynamoBundleStore(fx.clients.dynamo, t.bundles).markCommitted({
    bundle_key: keys.bundle,
    archive_bucket: ARCHIVE,
    job_id: job,
    project: 'proj',
    shard: 0,
    seq,
    state: 'COMMITTED',
    storage_class: 'DEEP_ARCHIVE',
    source_bucket: SRC,
    generation,
    min_key: key(first),
    max_key: key(first + count - 1),
    entry_count: count,
    bytes: 1024,
    source_bytes: count * 40,
    manifest_key: keys.manifest,
  });
}

before(async () => {
  fx = await startMotoFixture();
  for (const b of [ARCHIVE, RESTORE]) await fx.clients.s3.send(new CreateBucketCommand({ Bucket: b }));
  await ensureTables(fx.clients.dynamo, tables);
  for (let b = 0; b < 10; b++) await writeBundle('j-apr', '2024-04-10T03:00:00.000Z', b, b * 10_000, 10_000);
  await writeBundle('j-rerun', '2024-05-01T03:00:00.000Z', 0, 50_000, 10_000);
  const directory = new DynamoBundleDirectoryStore(fx.clients.dynamo, tables);
  const scope = { bucket: SRC, project: 'proj', sorted: true, catalog: 'compact' as const };
  await directory.putScope({ ...scope, job_id: 'j-apr', generation: '2024-04-10T03:00:00.000Z', min_key: key(0), max_key: key(99_999), files: 100_000 });
  await directory.putScope({ ...scope, job_id: 'j-rerun', generation: '2024-05-01T03:00:00.000Z', min_key: key(50_000), max_key: key(59_999), files: 10_000 });
});
after(async () => fx.close());

/** Requests sent on the fixture's clients until the first RestoreObject, classified. */
function recorder(): { catalog: () => string[]; all: string[]; stop: () => void } {
  const all: string[] = [];
  const name = `lookup-recorder-${Math.random()}`;
  const record =
    (service: string) => (next: (a: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: { input: Record<string, unknown> }) => {
      const op = String(context.commandName).replace(/Command$/, '');
      const i = args.input;
      const what =
        service === 'S3'
          ? String(i.Key ?? '')
          : `${String(i.TableName)}${i.IndexName ? `/${String(i.IndexName)}` : ''} ${JSON.stringify(i.ExpressionAttributeValues ?? i.Key ?? {}).slice(0, 60)}`;
      all.push(`${service}:${op} ${what}`);
      return next(args);
    };
  fx.clients.s3.middlewareStack.add(record('S3') as never, { step: 'initialize', name });
  fx.clients.dynamo.middlewareStack.add(record('DynamoDB') as never, { step: 'initialize', name });
  return {
    all,
    catalog: () => {
      const until = all.findIndex((r) => r.startsWith('S3:RestoreObject'));
      return all
        .slice(0, until < 0 ? all.length : until)
        .filter((r) => /by_range|by_bucket|SCOPE#|ARCHIVED_BUCKETS/.test(r) || r.startsWith('S3:GetObject manifests/'));
    },
    stop: () => {
      fx.clients.s3.middlewareStack.remove(name);
      fx.clients.dynamo.middlewareStack.remove(name);
    },
  };
}

const restoreKey = (k: string) => ({
  selection: { kind: 'keys' as const, keys: [k] },
  bucket: SRC,
  tier: 'Bulk' as const,
  days: 1,
  all_matches: false,
  requested_by: 'test',
});

test('a restore of one key among 100,000: 2 catalog requests before RestoreObject, in a fresh process too (the bucket directory Query, the manifest GET)', async () => {
  for (const [i, bundle] of [
    [12_345, 1],
    [87_654, 8],
  ] as const) {
    const svc = composeRestoreService(fx.clients, { tables, archiveBucket: ARCHIVE, restoreBucket: RESTORE }); // a fresh process: nothing cached
    const rec = recorder();
    try {
      const r = await svc.submit(restoreKey(key(i)), {});
      assert.equal(r.files[0]?.status, 'RESTORING');
      assert.equal(r.files[0]?.bundle_key, bundleKeys('proj', 'j-apr', 0, bundle).bundle);
      assert.ok(rec.all.some((x) => x.startsWith('S3:RestoreObject')));
      assert.deepEqual(
        rec.catalog().map((x) => x.split(' ')[0]),
        ['DynamoDB:Query', 'S3:GetObject'],
        rec.catalog().join('\n'),
      );
      assert.match(rec.catalog()[0]!, /by_bucket/);
      assert.match(rec.catalog()[1]!, new RegExp(bundleKeys('proj', 'j-apr', 0, bundle).manifest.replace(/[.]/g, '\\.')));
    } finally {
      rec.stop();
    }
  }
});

test('a key archived twice: every generation is found by a lookup; a restore takes the newest reading only its bundle', async () => {
  const svc = composeRestoreService(fx.clients, { tables, archiveBucket: ARCHIVE, restoreBucket: RESTORE });
  const gens = await svc.byKey(SRC, key(55_555), { limit: 10 });
  assert.deepEqual(
    gens.items.map((f) => f.job_id),
    ['j-apr', 'j-rerun'],
  );
  const rec = recorder();
  try {
    const r = await svc.submit(restoreKey(key(55_555)), {});
    assert.equal(r.files[0]?.job_id, 'j-rerun');
    assert.deepEqual(
      rec.catalog().map((x) => x.split(' ')[0]),
      ['DynamoDB:Query', 'S3:GetObject'],
      'the bucket directory names both generations; only the newest job\u2019s manifest is read',
    );
    assert.match(rec.catalog()[1]!, /j-rerun/);
  } finally {
    rec.stop();
  }
  const none = await svc.byKey(SRC, 'data/2024-04/not-there.csv', { limit: 10 });
  assert.deepEqual(none.items, []);
});

test('without a bucket every archived bucket is searched (the archived-bucket list, then each bucket\u2019s scopes)', async () => {
  const svc = composeRestoreService(fx.clients, { tables, archiveBucket: ARCHIVE, restoreBucket: RESTORE });
  const rec = recorder();
  try {
    const found = await svc.byKey(undefined, key(99_999), { limit: 10 });
    assert.deepEqual(
      found.items.map((f) => [f.bucket, f.job_id]),
      [[SRC, 'j-apr']],
    );
    assert.deepEqual(rec.all.filter((x) => /ARCHIVED_BUCKETS|SCOPE#/.test(x)).length, 2);
  } finally {
    rec.stop();
  }
});

test('a bucket directory larger than one page (DynamoDB answers with LastEvaluatedKey, injected by SDK middleware: moto needs 1 MB of items): the lookup goes job by job and still finds every generation', async () => {
  const name = 'one-page-only';
  // As DynamoDB does when the items from the key on pass 1 MB: the by_bucket Query is not the last page.
  const cut =
    (next: (a: unknown) => Promise<{ output: Record<string, unknown> }>, context: { commandName?: string }) =>
    async (args: { input: Record<string, unknown> }) => {
      const res = await next(args);
      if (context.commandName === 'QueryCommand' && args.input.IndexName === 'by_bucket')
        res.output.LastEvaluatedKey = { bundle_key: 'next-page', source_bucket: SRC, dir_sk: 'z' };
      return res;
    };
  fx.clients.dynamo.middlewareStack.add(cut as never, { step: 'initialize', name });
  const rec = recorder();
  try {
    const svc = composeRestoreService(fx.clients, { tables, archiveBucket: ARCHIVE, restoreBucket: RESTORE });
    const gens = await svc.byKey(SRC, key(55_555), { limit: 10 });
    assert.deepEqual(
      gens.items.map((f) => f.job_id),
      ['j-apr', 'j-rerun'],
    );
    const kinds = rec.catalog().map((x) => (/by_bucket/.test(x) ? 'by_bucket' : /SCOPE#/.test(x) ? 'scopes' : /by_range/.test(x) ? 'by_range' : 'manifest'));
    assert.deepEqual(kinds, ['by_bucket', 'scopes', 'by_range', 'manifest', 'by_range', 'manifest'], 'per job, newest first: its directory, then its manifest');
  } finally {
    rec.stop();
    fx.clients.dynamo.middlewareStack.remove(name);
  }
});

test('a table made before by_bucket existed (or while DynamoDB builds it): the lookup goes job by job and still finds the key', async () => {
  const old = tableNames('lk-old-');
  for (const def of tableDefinitions(old)) {
    const gsis = def.GlobalSecondaryIndexes?.filter((g) => g.IndexName !== 'by_bucket');
    await fx.clients.dynamo.send(
      new CreateTableCommand({
        ...def,
        AttributeDefinitions: def.AttributeDefinitions?.filter((a) => a.AttributeName !== 'source_bucket'),
        ...(gsis ? { GlobalSecondaryIndexes: gsis } : {}),
      }),
    );
  }
  await writeBundle('j-old', '2023-01-10T03:00:00.000Z', 0, 0, 10, old);
  await new DynamoBundleDirectoryStore(fx.clients.dynamo, old).putScope({
    bucket: SRC,
    project: 'proj',
    sorted: true,
    catalog: 'compact',
    job_id: 'j-old',
    generation: '2023-01-10T03:00:00.000Z',
    min_key: key(0),
    max_key: key(9),
    files: 10,
  });
  const rec = recorder();
  try {
    const svc = composeRestoreService(fx.clients, { tables: old, archiveBucket: ARCHIVE, restoreBucket: RESTORE });
    const found = await svc.byKey(SRC, key(3), { limit: 10 });
    assert.deepEqual(
      found.items.map((f) => [f.key, f.job_id]),
      [[key(3), 'j-old']],
    );
    const kinds = rec.catalog().map((x) => (/by_bucket/.test(x) ? 'by_bucket' : /SCOPE#/.test(x) ? 'scopes' : /by_range/.test(x) ? 'by_range' : 'manifest'));
    assert.deepEqual(kinds, ['by_bucket', 'scopes', 'by_range', 'manifest'], 'the refused by_bucket Query, then the job-by-job path');
  } finally {
    rec.stop();
  }
});
