/**
 * Issue 11 item 2, the engine on the in-memory fakes: a NEW job over objects already in a committed
 * bundle of another job of the same bucket (same key and ETag) does not pack them again; it deletes
 * them (with `delete_source`) and counts them `already_archived`; it reads only the directory and
 * the manifests the listing reaches (an empty directory or a never-archived prefix: none). Sorted
 * listings, a CSV source in any order, the per_file catalog.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readManifest } from '../../../src/bundle/manifest.js';
import { listRequest } from '../../support/archive-request.js';
import type { MemoryObjectStore } from '../../support/memory-object-store.js';
import { memoryArchive, seedSource, textFiles, type MemoryArchive } from '../../support/memory-archive.js';

/** Manifest rows of the committed bundles of `job`, by bundle in seq order. */
async function bundleKeysOf(a: MemoryArchive, job: string): Promise<string[][]> {
  const out: string[][] = [];
  const bundles = [...a.bundles.items.values()].filter((b) => b.job_id === job && b.state === 'COMMITTED' && b.manifest_key).sort((x, y) => x.seq - y.seq);
  for (const b of bundles) {
    const got = await a.objects.getObject({ bucket: 'archive', key: b.manifest_key! });
    const keys: string[] = [];
    for await (const r of readManifest(got.body)) keys.push(r.key);
    out.push(keys);
  }
  return out;
}

const manifestGets = (store: MemoryObjectStore): number => store.calls.filter((c) => c.op === 'GetObject' && c.key?.startsWith('manifests/')).length;
const sourceKeys = (store: MemoryObjectStore): string[] => [...(store.buckets.get('src')?.keys() ?? [])].filter((k) => !k.startsWith('lists/')).sort();

describe('an object already in a committed bundle is not archived again (engine, sorted listing)', () => {
  it('a NEW job on the same prefix packs only the changed and new objects, deletes the rest and counts them', async () => {
    const a = memoryArchive();
    seedSource(a.objects, textFiles('c/', 7, 1000));
    const first = await a.submit(listRequest('c/', { max_bundle_bytes: 3000, delete_source: false }));
    assert.equal((await a.engine.run(first)).files_archived, 7);
    a.objects.seed('src', 'c/0003.csv', 'regenerated'); // same key, new ETag: a new generation
    a.objects.seed('src', 'c/0007.csv', 'new file');
    const callsBefore = a.directory.calls.length;
    const getsBefore = manifestGets(a.objects);

    const second = await a.submit(listRequest('c/', { max_bundle_bytes: 3000 }));
    const report = await a.engine.run(second);
    assert.equal(report.status, 'SUCCEEDED');
    assert.equal(report.files_listed, 8);
    assert.equal(report.files_archived, 2);
    assert.equal(report.already_archived, 6);
    assert.equal(report.already_archived_bytes, 6000);
    assert.equal(manifestGets(a.objects) - getsBefore, 3 + 1, "3 catalog manifests + the second job's own at finalize");
    assert.equal(report.files_deleted, 8, 'the archived and the already archived objects are deleted');
    assert.deepEqual(sourceKeys(a.objects), []);
    assert.deepEqual(await bundleKeysOf(a, second), [['c/0003.csv', 'c/0007.csv']]);
    // counters of GET /archive/{id} and `coldpack status`
    const view = await a.service.get(second);
    assert.equal(view!.counters.already_archived, 6);
    assert.equal(view!.counters.already_archived_bytes, 6000);
    assert.equal(view!.counters.catalog_manifests_read, 3);
    // requests: one scope Query, one directory walk of the first job, its 3 manifests once each
    assert.deepEqual(
      a.directory.calls.slice(callsBefore).filter((c) => !c.startsWith('putScope')),
      ['scopes src', `overlapping src#${first} c/000`],
    );
    // the second job's scope holds only what it packed
    const scope = (await a.directory.scopes('src')).find((s) => s.job_id === second)!;
    assert.deepEqual([scope.min_key, scope.max_key, scope.files], ['c/0003.csv', 'c/0007.csv', 2]);
  });

  it('without delete_source the already archived objects are only counted; a third run finds them again', async () => {
    const a = memoryArchive();
    seedSource(a.objects, textFiles('k/', 4, 100));
    await a.engine.run(await a.submit(listRequest('k/', { delete_source: false })));
    const second = await a.submit(listRequest('k/', { delete_source: false }));
    const report = await a.engine.run(second);
    assert.equal(report.status, 'SUCCEEDED');
    assert.deepEqual([report.files_archived, report.already_archived, report.files_deleted, report.bundles], [0, 4, 0, 0]);
    assert.equal(sourceKeys(a.objects).length, 4);
    const third = await a.engine.run(await a.submit(listRequest('k/')));
    assert.deepEqual([third.files_archived, third.already_archived, third.files_deleted], [0, 4, 4]);
  });

  it('a first run over a never-archived prefix reads no manifest (only the scope Query, which finds nothing)', async () => {
    const a = memoryArchive();
    seedSource(a.objects, textFiles('old/', 5, 100));
    await a.engine.run(await a.submit(listRequest('old/', { delete_source: false })));
    seedSource(a.objects, textFiles('new/', 5, 100));
    const callsBefore = a.directory.calls.length;
    const getsBefore = manifestGets(a.objects);
    const job = await a.submit(listRequest('new/', { delete_source: false }));
    const report = await a.engine.run(job);
    assert.deepEqual([report.files_archived, report.already_archived], [5, 0]);
    assert.deepEqual(
      a.directory.calls.slice(callsBefore).filter((c) => !c.startsWith('putScope')),
      ['scopes src'],
    );
    assert.equal(manifestGets(a.objects), getsBefore, 'no manifest read');
    assert.equal(a.objects.calls.filter((c) => c.key?.endsWith('already-archived.csv.gz')).length, 0, 'no already-archived list written');
  });

  it('an empty directory: one scope Query and nothing else', async () => {
    const a = memoryArchive();
    seedSource(a.objects, textFiles('e/', 3, 100));
    const report = await a.engine.run(await a.submit(listRequest('e/')));
    assert.deepEqual([report.files_archived, report.already_archived], [3, 0]);
    assert.deepEqual(
      a.directory.calls.filter((c) => !c.startsWith('putScope')),
      ['scopes src'],
    );
  });

  it('reads only the manifests of the bundles whose key range the listing reaches', async () => {
    const a = memoryArchive();
    seedSource(a.objects, textFiles('r/', 9, 1000));
    const first = await a.submit(listRequest('r/', { max_bundle_bytes: 3000, delete_source: false }));
    await a.engine.run(first); // bundles [0000-0002] [0003-0005] [0006-0008]
    for (let i = 0; i < 6; i++) a.objects.buckets.get('src')!.delete(`r/000${i}.csv`);
    const getsBefore = manifestGets(a.objects);
    const report = await a.engine.run(await a.submit(listRequest('r/', { delete_source: false })));
    assert.deepEqual([report.files_archived, report.already_archived], [0, 3]);
    assert.equal(manifestGets(a.objects) - getsBefore, 1, 'only the third bundle’s manifest');
  });

  it('works the same with the per_file catalog (the manifests, not one index Query per key)', async () => {
    const a = memoryArchive({ catalog: 'per_file' });
    seedSource(a.objects, textFiles('p/', 4, 100));
    await a.engine.run(await a.submit(listRequest('p/', { delete_source: false })));
    a.objects.seed('src', 'p/0001.csv', 'changed');
    const report = await a.engine.run(await a.submit(listRequest('p/')));
    assert.deepEqual([report.files_archived, report.already_archived, report.files_deleted], [1, 3, 4]);
  });

  it('a CSV manifest source in any order: the planner sorts it, the check finds the archived rows', async () => {
    const a = memoryArchive();
    seedSource(a.objects, textFiles('m/', 6, 100));
    const rows = (keys: string[]): string =>
      keys.map((k) => `src,${k},${a.objects.object('src', k)!.body.length},${a.objects.object('src', k)!.etag}`).join('\n') + '\n';
    a.objects.seed('src', 'lists/1.csv', rows(['m/0004.csv', 'm/0001.csv', 'm/0005.csv', 'm/0000.csv', 'm/0003.csv', 'm/0002.csv']));
    const csv = (manifest: string) => listRequest('', { source: { kind: 'csv', bucket: 'src', manifest }, max_bundle_bytes: 250, delete_source: false });
    const first = await a.engine.run(await a.submit(csv('lists/1.csv')));
    assert.equal(first.files_archived, 6);
    a.objects.seed('src', 'm/0002.csv', 'new bytes');
    a.objects.seed('src', 'm/0006.csv', 'another');
    a.objects.seed('src', 'lists/2.csv', rows(['m/0006.csv', 'm/0002.csv', 'm/0005.csv', 'm/0000.csv', 'm/0003.csv', 'm/0001.csv', 'm/0004.csv']));
    const second = await a.submit(csv('lists/2.csv'));
    const report = await a.engine.run(second);
    assert.deepEqual([report.files_archived, report.already_archived], [2, 5]);
    assert.deepEqual((await bundleKeysOf(a, second)).flat(), ['m/0002.csv', 'm/0006.csv']);
  });
});
