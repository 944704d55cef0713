import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, createHash } from 'node:crypto';
import { ListObjectsV2Command, HeadObjectCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { extractEntry } from '../../src/bundle/zip-entry-reader.js';
import { compareKeys } from '../../src/domain/keys.js';
import { catalogFiles, directoryEntries } from '../support/catalog-files.js';
import { startArchiveFixture, seed, listRequest, rangeOf, type ArchiveFixture } from '../support/archive-fixture.js';
import { unzipTest, unzipNames } from '../support/unzip.js';

let fx: ArchiveFixture;
before(async () => {
  fx = await startArchiveFixture();
});
after(async () => fx.close());

const longKey = 'rt/k/' + '€'.repeat(339) + 'xy'; // 1,024 UTF-8 bytes

test('every object round-trips byte-exact through its manifest byte range; directory entries hold each bundle\u2019s key range; bundles pass unzip -t', async () => {
  assert.equal(Buffer.byteLength(longKey), 1024);
  const objects: Record<string, Buffer | string> = {
    'rt/empty.bin': Buffer.alloc(0),
    'rt/q/a b.txt': 'space',
    'rt/q/a+b.txt': 'plus',
    'rt/q/a%2Bb.txt': 'percent',
    'rt/q/x?y#z.txt': 'query-hash',
    'rt/ünïcødé/日本語.csv': 'a,b\n1,2\n'.repeat(100),
    [longKey]: '0123456789',
    'rt/a/index.js': 'module.exports = 1;\n'.repeat(20),
    'rt/b/index.js': 'module.exports = 2;\n'.repeat(20),
    'rt/photo.jpg': randomBytes(5000),
    'rt/big/data.csv': 'x,y,z\n'.repeat(2_000_000), // 12 MB: streamed entry (≥ 8 MiB)
    'rt/folder/': '',
  };
  for (let i = 0; i < 40; i++) objects[`rt/many/${String(i).padStart(3, '0')}_20240410_001.csv`] = `${i},`.repeat(i * 50);
  const contents = await seed(fx.clients.s3, 'src', objects);
  const files = [...contents.keys()].filter((k) => k !== 'rt/folder/');
  const view = await fx.archive.service.submit(listRequest('rt/', { expected_file_count: files.length, max_bundle_bytes: 2_000_000 }), {});
  const report = await fx.archive.engine.run(view.job_id);
  assert.equal(report.status, 'SUCCEEDED', JSON.stringify(report.problems));
  assert.equal(report.files_archived, files.length);
  assert.equal(report.folder_markers, 1);
  assert.equal(report.files_deleted, files.length);
  assert.ok(report.bundles >= 3, `expected several bundles, got ${report.bundles}`);
  const requests = report.requests as Record<string, number>;
  assert.equal(requests['S3:GetObject:STANDARD'], files.length + 1 + report.bundles, 'one GET per object, the shard plan, each manifest before deleting');
  assert.equal(requests['S3:DeleteObjects'] ?? requests['S3:DeleteObjects:STANDARD'], 1);
  const cost = report.cost as { measured: { total_usd: number }; lifecycle_equivalent: { total_usd: number }; savings_usd: number };
  assert.ok(cost.measured.total_usd > 0 && cost.lifecycle_equivalent.total_usd > 0);
  assert.equal(typeof cost.savings_usd, 'number');

  const left = await fx.clients.s3.send(new ListObjectsV2Command({ Bucket: 'src', Prefix: 'rt/' }));
  assert.deepEqual(
    (left.Contents ?? []).map((o) => o.Key),
    ['rt/folder/'],
    'sources deleted, folder marker kept',
  );

  // The compact catalog: one directory entry per bundle (min/max key in UTF-8 byte order), the rows in the manifests.
  const entries = await directoryEntries(fx.clients.dynamo, fx.tables.bundles);
  assert.equal(entries.length, report.bundles);
  const items = await catalogFiles(fx.clients, fx.tables.bundles, 'rt/');
  assert.equal(items.length, files.length, 'one manifest row per archived object');
  for (const e of entries) {
    const keys = items
      .filter((i) => i.bundle_key === e.bundle_key)
      .map((i) => i.key)
      .sort(compareKeys);
    assert.deepEqual([e.min_key, e.max_key, e.entry_count, e.source_bucket], [keys[0], keys.at(-1), keys.length, 'src'], e.bundle_key);
  }
  const bundleKeys = new Set<string>();
  for (const key of files) {
    const item = items.find((i) => i.key === key);
    assert.ok(item, `manifest row for ${key}`);
    bundleKeys.add(item.bundle_key);
    const range = await rangeOf(fx.clients.s3, 'archive', item.bundle_key, item.offset, item.length);
    assert.equal(range.length, item.length);
    const data = extractEntry(range, item);
    assert.ok(data.equals(contents.get(key)!), `bytes of ${key}`);
    assert.equal(item.sha256, createHash('sha256').update(contents.get(key)!).digest('hex'));
  }
  const photo = items.find((i) => i.key === 'rt/photo.jpg')!;
  assert.equal(photo.method, 0, 'already-compressed extension is stored');
  const csv = items.find((i) => i.key === 'rt/big/data.csv')!;
  assert.equal(csv.method, 8, 'csv is deflated');

  const dir = await mkdtemp(join(tmpdir(), 'bundles-'));
  try {
    for (const key of bundleKeys) {
      const head = await fx.clients.s3.send(new HeadObjectCommand({ Bucket: 'archive', Key: key }));
      assert.equal(head.StorageClass, 'DEEP_ARCHIVE');
      const body = await fx.clients.s3.send(new GetObjectCommand({ Bucket: 'archive', Key: key }));
      const path = join(dir, 'b.zip');
      await writeFile(path, Buffer.from(await body.Body!.transformToByteArray()));
      unzipTest(path);
      const names = unzipNames(path);
      assert.equal(names.at(-1), '.coldpack/manifest.csv', 'manifest is the last entry');
      assert.equal(names.length - 1, items.filter((i) => i.bundle_key === key).length);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
