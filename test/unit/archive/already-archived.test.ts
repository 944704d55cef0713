/**
 * Issue 11 item 2, the merge-join on the in-memory fakes ({@link AlreadyArchived}): which listed
 * objects a committed bundle of another job holds (same bucket, key and ETag), reading only the
 * directory and the manifests it needs: sorted and unsorted (legacy) job scopes, a key in two
 * bundles, an empty directory, a listing out of order, a missing manifest. The engine's side is in
 * `already-archived-engine.test.ts`.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { AlreadyArchived } from '../../../src/archive/already-archived.js';
import { manifestHeader, manifestRow } from '../../../src/bundle/manifest.js';
import type { JobScope } from '../../../src/domain/catalog.js';
import { bundleKeys, compareKeys } from '../../../src/domain/keys.js';
import type { EntryRecord, SourceObject } from '../../../src/domain/model.js';
import { committedBundle } from '../../support/committed-bundle.js';
import { MemoryBundleDirectoryStore } from '../../support/memory-catalog.js';
import { MemoryObjectStore } from '../../support/memory-object-store.js';
import { MemoryBundleStore } from '../../support/memory-stores.js';

/** A committed bundle of a (legacy) job written straight into the fakes: manifest rows in the given order. */
function legacyBundle(store: MemoryObjectStore, bundles: MemoryBundleStore, jobId: string, seq: number, rows: Array<[string, string]>): void {
  const keys = bundleKeys('old', jobId, 0, seq);
  const entries: EntryRecord[] = rows.map(([key, etag], i) => ({
    key,
    etag,
    size: 10,
    last_modified: '2024-01-01T00:00:00.000Z',
    offset: i * 100,
    length: 100,
    compressed_size: 10,
    method: 0,
    crc32: '00000000',
    sha256: '0'.repeat(64),
  }));
  store.seed('archive', keys.manifest, gzipSync(manifestHeader() + entries.map((e) => manifestRow('src', e)).join('')));
  bundles.items.set(
    keys.bundle,
    committedBundle(
      {
        keys,
        archiveBucket: 'archive',
        sourceBucket: 'src',
        jobId,
        project: 'old',
        shard: 0,
        seq,
        storageClass: 'DEEP_ARCHIVE',
        archivedAt: '2024-01-01T00:00:00.000Z',
        bytes: 1000,
      },
      entries,
    ),
  );
}

function scopeOf(jobId: string, keys: string[], sorted: boolean): JobScope {
  const s = [...keys].sort(compareKeys);
  return {
    bucket: 'src',
    job_id: jobId,
    project: 'old',
    generation: '2024-01-01T00:00:00.000Z',
    min_key: s[0]!,
    max_key: s.at(-1)!,
    sorted,
    files: keys.length,
    catalog: 'compact',
  };
}

/** The listed objects the check calls archived, asked in order. */
async function held(check: AlreadyArchived, listing: Array<[string, string]>): Promise<string[]> {
  const out: string[] = [];
  for (const [key, etag] of listing) if (await check.holds({ bucket: 'src', key, size: 10, etag } satisfies SourceObject)) out.push(key);
  await check.close();
  return out;
}

function fakes(): { store: MemoryObjectStore; bundles: MemoryBundleStore; directory: MemoryBundleDirectoryStore } {
  const store = new MemoryObjectStore();
  store.createBucket('archive');
  const bundles = new MemoryBundleStore();
  return { store, bundles, directory: new MemoryBundleDirectoryStore(bundles) };
}

describe('AlreadyArchived: the merge-join of a sorted listing with committed manifests', () => {
  const job = { jobId: 'new-job', project: 'p', archiveBucket: 'archive', prefix: 'u/' };

  it('an unsorted (legacy) job: bundles with overlapping ranges and rows in any order, sorted in bounded runs', async () => {
    const { store, bundles, directory } = fakes();
    legacyBundle(store, bundles, 'legacy', 0, [
      ['u/09', 'e9'],
      ['u/01', 'e1'],
      ['u/05', 'e5'],
      ['u/03', 'e3'],
    ]);
    legacyBundle(store, bundles, 'legacy', 1, [
      ['u/08', 'e8'],
      ['u/02', 'e2'],
      ['u/06', 'x6'],
      ['u/04', 'e4'],
    ]);
    await directory.putScope(scopeOf('legacy', ['u/01', 'u/09', 'u/02', 'u/08'], false));
    // runs of 3 rows: the 8 rows are sorted in 3 spilled runs, merged 2 at a time
    const check = new AlreadyArchived({ objects: store, directory }, { ...job, sort: { runMaxRows: 3, fanIn: 2 } });
    const listing: Array<[string, string]> = [
      ['u/00', 'e0'],
      ['u/01', 'e1'],
      ['u/02', 'e2'],
      ['u/03', 'CHANGED'],
      ['u/04', 'e4'],
      ['u/05', 'e5'],
      ['u/06', 'e6'],
      ['u/07', 'e7'],
      ['u/09', 'e9'],
      ['u/10', 'e10'],
    ];
    assert.deepEqual(await held(check, listing), ['u/01', 'u/02', 'u/04', 'u/05', 'u/09']);
    assert.equal(check.stats.manifestsRead, 2);
    assert.ok(
      store.calls.some((c) => c.op === 'PutObject' && c.key?.startsWith('plans/p/new-job/sort/catalog/')),
      'runs spilled under the job’s plans',
    );
  });

  it('a key in two bundles (two jobs): held when either has its ETag, counted once', async () => {
    const { store, bundles, directory } = fakes();
    legacyBundle(store, bundles, 'job-a', 0, [
      ['u/1', 'old'],
      ['u/2', 'two'],
    ]);
    legacyBundle(store, bundles, 'job-b', 0, [
      ['u/1', 'new'],
      ['u/3', 'three'],
    ]);
    legacyBundle(store, bundles, 'job-c', 0, [
      ['u/2', 'two'],
      ['u/4', 'four'],
    ]);
    await directory.putScope(scopeOf('job-a', ['u/1', 'u/2'], true));
    await directory.putScope(scopeOf('job-b', ['u/1', 'u/3'], true));
    await directory.putScope(scopeOf('job-c', ['u/2', 'u/4'], true));
    const check = new AlreadyArchived({ objects: store, directory }, job);
    assert.deepEqual(
      await held(check, [
        ['u/1', 'new'],
        ['u/2', 'two'],
        ['u/3', 'other'],
        ['u/4', 'four'],
        ['u/5', 'five'],
      ]),
      ['u/1', 'u/2', 'u/4'],
    );
    assert.equal(directory.calls.filter((c) => c.startsWith('scopes')).length, 1);
  });

  it('ignores the scope of its own job and objects listed without an ETag', async () => {
    const { store, bundles, directory } = fakes();
    legacyBundle(store, bundles, 'new-job', 0, [['u/1', 'e1']]);
    legacyBundle(store, bundles, 'other', 0, [['u/2', 'e2']]);
    await directory.putScope(scopeOf('new-job', ['u/1'], true));
    await directory.putScope(scopeOf('other', ['u/2'], true));
    const check = new AlreadyArchived({ objects: store, directory }, job);
    assert.deepEqual(
      await held(check, [
        ['u/1', 'e1'],
        ['u/2', ''],
      ]),
      [],
    );
    assert.equal(check.stats.manifestsRead, 0);
  });

  it('a listing out of key order starts the join over and stays correct', async () => {
    const { store, bundles, directory } = fakes();
    legacyBundle(store, bundles, 'j', 0, [
      ['u/1', 'e1'],
      ['u/2', 'e2'],
      ['u/3', 'e3'],
    ]);
    await directory.putScope(scopeOf('j', ['u/1', 'u/2', 'u/3'], true));
    const check = new AlreadyArchived({ objects: store, directory }, job);
    assert.deepEqual(
      await held(check, [
        ['u/3', 'e3'],
        ['u/1', 'e1'],
        ['u/2', 'x'],
      ]),
      ['u/3', 'u/1'],
    );
  });

  it('an empty directory: one scope Query, no walk, no manifest', async () => {
    const { store, directory } = fakes();
    const check = new AlreadyArchived({ objects: store, directory }, job);
    assert.deepEqual(
      await held(check, [
        ['u/1', 'e1'],
        ['u/2', 'e2'],
      ]),
      [],
    );
    assert.deepEqual(directory.calls, ['scopes src']);
    assert.deepEqual(check.stats, { scopeQueries: 1, directoryWalks: 0, manifestsRead: 0 });
  });

  it('a missing manifest is logged and its keys are archived again', async () => {
    const { store, bundles, directory } = fakes();
    legacyBundle(store, bundles, 'j', 0, [['u/1', 'e1']]);
    store.buckets.get('archive')!.delete(bundleKeys('old', 'j', 0, 0).manifest);
    await directory.putScope(scopeOf('j', ['u/1'], true));
    const warnings: string[] = [];
    const logger = { debug: () => undefined, info: () => undefined, error: () => undefined, warn: (_o: object, m?: string) => void warnings.push(m ?? '') };
    const check = new AlreadyArchived({ objects: store, directory, logger }, job);
    assert.deepEqual(await held(check, [['u/1', 'e1']]), []);
    assert.match(warnings.join('\n'), /manifest of a committed bundle is missing/);
  });
});
