/**
 * `coldpack reindex` on in-memory ports: the directory entries and scopes rebuilt from the manifests
 * equal what the archive wrote; a missing manifest is rebuilt from the bundle's own manifest entry
 * (through its central directory) once the bundle is readable; per_file rebuilds the index; a
 * partial rebuild never narrows a stored scope.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Reindexer, parseBundleKey } from '../../../src/archive/reindex.js';
import { ValidationError } from '../../../src/domain/errors.js';
import { listRequest } from '../../support/archive-request.js';
import { memoryArchive, seedSource, textFiles } from '../../support/memory-archive.js';

const directoryOf = (a: ReturnType<typeof memoryArchive>) =>
  [...a.bundles.items.values()]
    .filter((b) => b.state === 'COMMITTED' && b.entry_count)
    .map((b) => ({
      key: b.bundle_key,
      bucket: b.source_bucket,
      job: b.job_id,
      gen: b.generation,
      min: b.min_key,
      max: b.max_key,
      n: b.entry_count,
      bytes: b.bytes,
      src: b.source_bytes,
      manifest: b.manifest_key,
      cls: b.storage_class,
    }))
    .sort((x, y) => (x.key < y.key ? -1 : 1));

async function archived(catalog: 'compact' | 'per_file' = 'compact') {
  const a = memoryArchive({ catalog });
  seedSource(a.objects, { ...textFiles('r/', 7, 1000), ...textFiles('s/', 2, 100) });
  await a.engine.run(await a.submit(listRequest('r/', { max_bundle_bytes: 3000 })));
  await a.engine.run(await a.submit(listRequest('s/')));
  return a;
}

const reindexer = (a: ReturnType<typeof memoryArchive>) => new Reindexer({ objects: a.objects, directory: a.directory, index: a.index });

describe('reindex', () => {
  it('rebuilds the dropped directory and scopes exactly as the archive wrote them', async () => {
    const a = await archived();
    const before = directoryOf(a);
    const scopes = await a.directory.scopes();
    a.bundles.items.clear();
    a.directory.scopeItems.clear();
    const report = await reindexer(a).run({ archiveBucket: 'archive', catalog: 'compact' });
    assert.deepEqual([report.bundles_seen, report.bundles_indexed, report.files, report.scopes, report.skipped], [4, 4, 9, 2, []]);
    assert.deepEqual(directoryOf(a), before);
    assert.deepEqual(
      (await a.directory.scopes()).sort((x, y) => (x.job_id < y.job_id ? -1 : 1)),
      scopes.sort((x, y) => (x.job_id < y.job_id ? -1 : 1)),
    );
  });

  it('keeps the restore state of bundle items it rewrites', async () => {
    const a = await archived();
    const [first] = directoryOf(a);
    a.bundles.items.set(first!.key, { ...a.bundles.items.get(first!.key)!, restore_state: 'READY', min_key: 'stale' });
    await reindexer(a).run({ archiveBucket: 'archive', catalog: 'compact' });
    const item = a.bundles.items.get(first!.key)!;
    assert.equal(item.restore_state, 'READY');
    assert.equal(item.min_key, first!.min);
  });

  it('a missing manifest: the archived bundle is reported until it is restored, then read through its central directory and the manifest written back', async () => {
    const a = await archived();
    const [first] = directoryOf(a);
    const original = a.objects.object('archive', first!.manifest!)!.body;
    a.objects.buckets.get('archive')!.delete(first!.manifest!);
    a.bundles.items.clear();
    const blocked = await reindexer(a).run({ archiveBucket: 'archive', catalog: 'compact' });
    assert.equal(blocked.bundles_indexed, 3);
    assert.equal(blocked.skipped[0]?.bundle_key, first!.key);
    assert.match(blocked.skipped[0]!.reason, /restore the bundle/);
    await a.objects.restoreObject({ bucket: 'archive', key: first!.key, days: 1, tier: 'Bulk' });
    const report = await reindexer(a).run({ archiveBucket: 'archive', catalog: 'compact' });
    assert.deepEqual([report.bundles_indexed, report.manifests_restored, report.skipped.length], [4, 1, 0]);
    assert.deepEqual(
      directoryOf(a).find((b) => b.key === first!.key),
      first,
    );
    const rebuilt = a.objects.object('archive', first!.manifest!)!;
    assert.equal(rebuilt.storageClass, 'STANDARD');
    assert.equal(rebuilt.metadata['coldpack-job'], first!.job);
    assert.ok(rebuilt.body.length > 0 && original.length > 0);
  });

  it('per_file: the index items come back from the manifests', async () => {
    const a = await archived('per_file');
    const items = a.index.all();
    a.index.items.clear();
    await reindexer(a).run({ archiveBucket: 'archive', catalog: 'per_file' });
    assert.deepEqual(a.index.all(), items);
  });

  it('a partial rebuild (--bucket, --prefix) rewrites only matching bundles and never narrows a stored scope', async () => {
    const a = await archived();
    const scopes = await a.directory.scopes('src');
    const report = await reindexer(a).run({ archiveBucket: 'archive', catalog: 'compact', bucket: 'src', prefix: 'r/0003' });
    assert.equal(report.bundles_indexed, 1);
    assert.deepEqual(await a.directory.scopes('src'), scopes);
  });

  it('a partial rebuild that matches no bundle is SOURCE_NOT_FOUND naming the bucket or the prefix, and writes nothing', async () => {
    const a = await archived('per_file');
    a.index.items.clear(); // a rebuild would write them again
    const writes = (): number => a.directory.calls.filter((c) => /^put/.test(c)).length + a.index.all().length;
    const before = writes();
    const refused = (field: string, message: RegExp) => (err: unknown) => {
      assert.ok(err instanceof ValidationError, String(err));
      assert.equal(err.code, 'SOURCE_NOT_FOUND');
      assert.equal(err.field, field);
      assert.match(err.message, message);
      return true;
    };
    await assert.rejects(
      reindexer(a).run({ archiveBucket: 'archive', catalog: 'per_file', bucket: 'nosuch' }),
      refused(
        'bucket',
        /^0 bundles found for bucket nosuch in s3:\/\/archive\/bundles\/ \(4 bundles read\); nothing was reindexed: coldpack never archived that bucket$/,
      ),
    );
    await assert.rejects(
      reindexer(a).run({ archiveBucket: 'archive', catalog: 'per_file', bucket: 'src', prefix: 'zzz/' }),
      refused('prefix', /^0 bundles found of bucket src \(4 bundles of it\) that may hold keys under prefix "zzz\/"/),
    );
    await assert.rejects(reindexer(a).run({ archiveBucket: 'archive', catalog: 'per_file', prefix: 'zzz/' }), refused('prefix', /prefix "zzz\/"/));
    assert.equal(writes(), before, 'no directory entry, scope or index item written');
  });

  it('parses bundle keys', () => {
    assert.deepEqual(parseBundleKey('bundles/p/j-1/00002/000010.zip'), { project: 'p', jobId: 'j-1', shard: 2, seq: 10 });
    assert.equal(parseBundleKey('bundles/p/j-1/x.zip'), undefined);
  });
});
