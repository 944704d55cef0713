/**
 * The archive side of the compact catalog, on in-memory ports: the directory attributes written at
 * commit (min/max key in UTF-8 byte order whatever the input order, source bucket of the entries
 * also for a CSV manifest kept elsewhere), the job scopes written by the planner before any bundle
 * commits, no per-file items unless `per_file`, one source bucket per bundle, and the manifest entry
 * identical to the manifest object.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { BundleCutter } from '../../../src/domain/grouping.js';
import { compareKeys, MANIFEST_ENTRY_NAME } from '../../../src/domain/keys.js';
import { readManifest } from '../../../src/bundle/manifest.js';
import { readCentralDirectory } from '../../../src/bundle/zip-central-directory.js';
import { parseLocalHeader } from '../../../src/bundle/zip-entry-reader.js';
import { inflateRawSync } from 'node:zlib';
import { ScopeTracker } from '../../../src/archive/scope-tracker.js';
import { listRequest } from '../../support/archive-request.js';
import { memoryArchive, seedSource, textFiles } from '../../support/memory-archive.js';

const committed = (a: ReturnType<typeof memoryArchive>) => [...a.bundles.items.values()].filter((b) => b.state === 'COMMITTED').sort((x, y) => x.seq - y.seq);

describe('compact catalog, archive side', () => {
  it('commits one directory entry per bundle and writes no per-file item; the planner wrote the scope first', async () => {
    const a = memoryArchive();
    seedSource(a.objects, textFiles('c/', 7, 1000));
    const job = await a.submit(listRequest('c/', { max_bundle_bytes: 3000 }));
    const report = await a.engine.run(job);
    assert.equal(report.status, 'SUCCEEDED');
    assert.deepEqual(a.index.all(), [], 'no per-file index items');
    const bundles = committed(a);
    assert.deepEqual(
      bundles.map((b) => [b.min_key, b.max_key, b.entry_count]),
      [
        ['c/0000.csv', 'c/0002.csv', 3],
        ['c/0003.csv', 'c/0005.csv', 3],
        ['c/0006.csv', 'c/0006.csv', 1],
      ],
    );
    for (const b of bundles) {
      assert.equal(b.source_bucket, 'src');
      assert.equal(b.generation, a.jobs.jobs.get(job)!.generation);
      assert.ok(b.manifest_key && b.checksum_crc32 && b.bytes && b.source_bytes);
    }
    assert.deepEqual(await a.directory.scopes('src'), [
      {
        bucket: 'src',
        job_id: job,
        project: 'test',
        generation: a.jobs.jobs.get(job)!.generation,
        min_key: 'c/0000.csv',
        max_key: 'c/0006.csv',
        sorted: true,
        files: 7,
        catalog: 'compact',
      },
    ]);
    const scopeWrite = a.directory.calls.indexOf(`putScope src#${job}`);
    assert.ok(scopeWrite >= 0);
    assert.equal(a.bundles.history.filter((h) => h.startsWith('COMMITTED')).length, 3);
    // scopes are written in the plan step, before the shard step commits anything
    assert.deepEqual(a.usage.records.map((r) => r.step).slice(0, 2), ['plan', 'shard-0']);
  });

  it('per_file: the same directory plus one index item per file', async () => {
    const a = memoryArchive({ catalog: 'per_file' });
    seedSource(a.objects, textFiles('p/', 5, 100));
    await a.engine.run(await a.submit(listRequest('p/')));
    assert.equal(a.index.all().length, 5);
    assert.equal(committed(a).length, 1);
    assert.equal((await a.directory.scopes('src'))[0]?.catalog, 'per_file');
  });

  it('a CSV manifest in any order (kept in another bucket): min/max in UTF-8 byte order, the entries\u2019 bucket, scope sorted (the plan sorts manifest rows)', async () => {
    const a = memoryArchive();
    a.objects.createBucket('lists');
    // U+FFFF sorts after U+1F600 in UTF-16 but before it in UTF-8: byte order must win
    const keys = ['m/b.txt', 'm/\uffff.txt', 'm/a.txt', 'm/\u{1F600}.txt'];
    seedSource(a.objects, Object.fromEntries(keys.map((k) => [k, `body of ${k}`])));
    a.objects.seed('lists', 'todo.csv', keys.map((k) => `src,${k},${Buffer.byteLength(`body of ${k}`)}`).join('\n') + '\n');
    const job = await a.submit(listRequest('', { source: { kind: 'csv', bucket: 'lists', manifest: 'todo.csv' } }));
    const report = await a.engine.run(job);
    assert.equal(report.status, 'SUCCEEDED', JSON.stringify(report.problems));
    const [b] = committed(a);
    assert.equal(b?.source_bucket, 'src', 'the entries\u2019 bucket, not the manifest\u2019s');
    assert.equal(b?.min_key, 'm/a.txt');
    assert.equal(b?.max_key, 'm/\u{1F600}.txt');
    assert.ok(compareKeys('m/\uffff.txt', 'm/\u{1F600}.txt') < 0);
    const [scope] = await a.directory.scopes('src');
    // The plan sorts a manifest's rows by key in UTF-8 byte order (dropping repeats), so the scope is sorted.
    assert.deepEqual([scope?.min_key, scope?.max_key, scope?.sorted, scope?.files], ['m/a.txt', 'm/\u{1F600}.txt', true, 4]);
    assert.deepEqual(await a.directory.scopes('lists'), []);
  });

  it('a CSV manifest naming two buckets: bundles never mix them; one scope per bucket', async () => {
    const a = memoryArchive();
    a.objects.createBucket('other');
    seedSource(a.objects, { 'x/1': 'one', 'x/3': 'three' });
    a.objects.seed('other', 'x/2', 'two');
    a.objects.seed('src', 'list.csv', 'src,x/1,3\nother,x/2,3\nsrc,x/3,5\n');
    const job = await a.submit(listRequest('', { source: { kind: 'csv', bucket: 'src', manifest: 'list.csv' } }));
    assert.equal((await a.engine.run(job)).status, 'SUCCEEDED');
    // Sorted by (bucket, key) at plan time: one bundle per bucket.
    assert.deepEqual(
      committed(a).map((b) => [b.source_bucket, b.min_key, b.max_key]),
      [
        ['other', 'x/2', 'x/2'],
        ['src', 'x/1', 'x/3'],
      ],
    );
    assert.deepEqual((await a.directory.scopes()).map((s) => [s.bucket, s.min_key, s.max_key, s.sorted]).sort(), [
      ['other', 'x/2', 'x/2', true],
      ['src', 'x/1', 'x/3', true],
    ]);
  });

  it('bundle and manifest carry what reindex needs (project, job, generation, source bucket); the manifest entry equals the manifest object', async () => {
    const a = memoryArchive();
    seedSource(a.objects, textFiles('r/', 3, 200));
    const job = await a.submit(listRequest('r/'));
    await a.engine.run(job);
    const [b] = committed(a);
    const bundle = a.objects.object('archive', b!.bundle_key)!;
    const manifest = a.objects.object('archive', b!.manifest_key!)!;
    const expected = { 'coldpack-project': 'test', 'coldpack-job': job, 'coldpack-generation': b!.generation!, 'coldpack-source-bucket': 'src' };
    assert.deepEqual(bundle.metadata, expected);
    assert.deepEqual(manifest.metadata, expected);
    const read = async (start: number, end: number) => bundle.body.subarray(start, end + 1);
    const entries = await readCentralDirectory(read, bundle.body.length);
    assert.deepEqual(
      entries.map((e) => e.name),
      ['r/0000.csv', 'r/0001.csv', 'r/0002.csv', MANIFEST_ENTRY_NAME],
    );
    const last = entries.at(-1)!;
    const header = parseLocalHeader(bundle.body.subarray(last.offset));
    const csv = inflateRawSync(bundle.body.subarray(last.offset + header.headerLength, last.offset + header.headerLength + last.compressedSize));
    assert.deepEqual(csv, gunzipSync(manifest.body));
    const rows = [];
    for await (const r of readManifest(Readable.from([manifest.body]))) rows.push(r.key);
    assert.deepEqual(rows, ['r/0000.csv', 'r/0001.csv', 'r/0002.csv']);
  });
});

describe('grouping and scopes', () => {
  it('a bundle closes when the source bucket changes', () => {
    const c = new BundleCutter(1_000_000, 1000);
    assert.deepEqual([c.assign(1, 'a'), c.assign(1, 'a'), c.assign(1, 'b'), c.assign(1, 'a')], [0, 0, 1, 2]);
    const d = new BundleCutter(1_000_000, 1000);
    assert.deepEqual([d.assign(1), d.assign(1)], [0, 0], 'no group: one bucket');
  });

  it('the scope tracker: per bucket min, max, count; sorted only when strictly ascending in byte order', () => {
    const t = new ScopeTracker();
    for (const k of ['a', 'b', 'c']) t.add('x', k);
    for (const k of ['b', 'a']) t.add('y', k);
    for (const k of ['k', 'k']) t.add('z', k);
    const job = { job_id: 'j', project: 'p', generation: 'g', catalog: 'compact' as const };
    assert.deepEqual(
      t.scopes(job).map((s) => [s.bucket, s.min_key, s.max_key, s.files, s.sorted]),
      [
        ['x', 'a', 'c', 3, true],
        ['y', 'a', 'b', 2, false],
        ['z', 'k', 'k', 2, false],
      ],
    );
  });
});
