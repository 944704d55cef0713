import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { listRequest } from '../../support/archive-request.js';
import { memoryArchive, seedSource, textFiles, type MemoryArchive } from '../../support/memory-archive.js';

const deletes = (a: MemoryArchive): number => a.objects.calls.filter((c) => c.op === 'DeleteObjects' || c.op === 'DeleteObject').length;
const sourceKeys = (a: MemoryArchive, prefix: string): string[] => [...a.objects.buckets.get('src')!.keys()].filter((k) => k.startsWith(prefix)).sort();

async function packed(prefix: string, n: number, over: Parameters<typeof listRequest>[1] = {}): Promise<{ a: MemoryArchive; job: string }> {
  const a = memoryArchive();
  seedSource(a.objects, textFiles(prefix, n, 1000));
  const job = await a.submit(listRequest(prefix, { max_bundle_bytes: 3000, ...over }));
  const shards = await a.engine.plan(job);
  for (let s = 0; s < shards; s++) await a.engine.packShard(job, s);
  return { a, job };
}

describe('finalizer', () => {
  it('deletes the archived sources once every bundle is committed; SUCCEEDED; the lock is released', async () => {
    const { a, job } = await packed('ok/', 7);
    const report = await a.engine.finalize(job);
    assert.equal(report.status, 'SUCCEEDED');
    assert.deepEqual([report.files_archived, report.files_deleted, report.bundles], [7, 7, 3]);
    assert.deepEqual(sourceKeys(a, 'ok/'), []);
    assert.equal(a.index.all().length, 0, 'no per-file items in the compact catalog');
    assert.equal(
      [...a.bundles.items.values()].reduce((n, b) => n + (b.entry_count ?? 0), 0),
      7,
      'the directory entries hold every file',
    );
    assert.equal(a.jobs.jobs.get(job)?.status, 'SUCCEEDED');
    assert.deepEqual(a.jobs.locks.get('src')?.size, 0);
    assert.ok(a.objects.object('archive', `reports/test/${job}.json`), 'report stored');
  });

  it('deletes nothing when a bundle is not committed; the job is FAILED naming it', async () => {
    const { a, job } = await packed('nc/', 7);
    const second = [...a.bundles.items.values()].find((b) => b.seq === 1)!;
    a.bundles.items.set(second.bundle_key, { ...second, state: 'WRITING' });
    const report = await a.engine.finalize(job);
    assert.equal(report.status, 'FAILED');
    assert.match(report.problems.join('; '), /bundle 1 of shard 0 is not committed/);
    assert.equal(deletes(a), 0);
    assert.equal(sourceKeys(a, 'nc/').length, 7);
    assert.equal(a.jobs.jobs.get(job)?.errors?.[0]?.code, 'VERIFY_FAILED');
  });

  it('deletes nothing when a shard is not done', async () => {
    const a = memoryArchive();
    seedSource(a.objects, textFiles('nd/', 4));
    const job = await a.submit(listRequest('nd/', { shard_max_files: 2 }));
    await a.engine.plan(job);
    await a.engine.packShard(job, 0);
    const report = await a.engine.finalize(job);
    assert.equal(report.status, 'FAILED');
    assert.match(report.problems.join('; '), /shard 1 is not done/);
    assert.equal(deletes(a), 0);
  });

  it('keeps an object rewritten after it was archived (conditional delete); the job is PARTIAL', async () => {
    const { a, job } = await packed('ch/', 5);
    a.objects.seed('src', 'ch/0002.csv', 'a newer version');
    const report = await a.engine.finalize(job);
    assert.equal(report.status, 'PARTIAL');
    assert.deepEqual([report.files_deleted, report.files_kept], [4, 1]);
    assert.equal(report.kept[0]?.key, 'ch/0002.csv');
    assert.deepEqual(sourceKeys(a, 'ch/'), ['ch/0002.csv']);
    assert.equal(a.objects.object('src', 'ch/0002.csv')!.body.toString(), 'a newer version');
  });

  it('an object gone before its GET is skipped: PARTIAL, the others archived and deleted', async () => {
    const a = memoryArchive();
    seedSource(a.objects, textFiles('gone/', 6));
    const job = await a.submit(listRequest('gone/'));
    await a.engine.plan(job);
    a.objects.buckets.get('src')!.delete('gone/0003.csv');
    const report = await a.engine.run(job);
    assert.equal(report.status, 'PARTIAL');
    assert.deepEqual([report.files_archived, report.files_skipped, report.files_deleted], [5, 1, 5]);
    assert.deepEqual(
      report.skipped.map((s) => [s.key, s.reason]),
      [['gone/0003.csv', 'GONE']],
    );
    assert.equal(
      [...a.bundles.items.values()].reduce((n, b) => n + (b.entry_count ?? 0), 0),
      5,
    );
  });

  it('keeps the sources when delete_source is false', async () => {
    const { a, job } = await packed('keep/', 3, { delete_source: false });
    const report = await a.engine.finalize(job);
    assert.equal(report.status, 'SUCCEEDED');
    assert.equal(deletes(a), 0);
    assert.equal(sourceKeys(a, 'keep/').length, 3);
  });

  it('a finished job is not finalized again: its stored report is returned, nothing deleted twice', async () => {
    const { a, job } = await packed('twice/', 3);
    const first = await a.engine.finalize(job);
    a.objects.seed('src', 'twice/0000.csv', 'written after the job');
    const again = await a.engine.finalize(job);
    assert.deepEqual(again, first);
    assert.equal(a.objects.object('src', 'twice/0000.csv')!.body.toString(), 'written after the job');
  });
});
