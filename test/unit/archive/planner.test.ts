import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkQc, countSource, writeShardPlans } from '../../../src/archive/planner.js';
import { readShardPlan } from '../../../src/archive/shard-plan.js';
import { QcMismatchError, ValidationError } from '../../../src/domain/errors.js';
import { shardPlanKey } from '../../../src/domain/keys.js';
import type { SourceObject } from '../../../src/domain/model.js';
import { MemoryObjectStore } from '../../support/memory-object-store.js';
import { listRequest } from '../../support/archive-request.js';
import { memoryArchive, seedSource, textFiles } from '../../support/memory-archive.js';

const WRITES = new Set(['PutObject', 'CreateMultipartUpload', 'UploadPart', 'CompleteMultipartUpload', 'DeleteObjects', 'DeleteObject', 'Upload']);

describe('planner', () => {
  it('QC guard: a listing that differs from the expected count fails the plan with nothing written', async () => {
    const a = memoryArchive();
    seedSource(a.objects, textFiles('qc/', 5));
    const job = await a.submit(listRequest('qc/', { expected_file_count: 6 }));
    const before = a.objects.calls.length;
    await assert.rejects(a.engine.plan(job), (err: unknown) => err instanceof QcMismatchError && /expected 6, listed 5/.test(err.message));
    assert.deepEqual(
      a.objects.calls.slice(before).filter((c) => WRITES.has(c.op)),
      [],
      'no object written',
    );
    assert.deepEqual([...a.objects.buckets.get('archive')!.keys()], []);
    assert.equal(a.jobs.shardsOf.get(job), undefined, 'no shard written');
    assert.equal(a.jobs.jobs.get(job)?.shard_count, undefined);
    assert.equal(a.objects.buckets.get('src')!.size, 5);
  });

  it('QC guard: a total size that differs is refused; allow_mismatch lets it through', () => {
    const counts = {
      files: 5,
      bytes: 500,
      folderMarkers: 0,
      archivedClass: 0,
      bundles: 1,
      largestObject: 100,
      duplicates: 0,
      duplicateBytes: 0,
      duplicateSample: [],
    };
    assert.throws(() => checkQc(listRequest('x/', { expected_total_bytes: 501 }), counts), /total_size: expected 501 bytes, listed 500/);
    assert.doesNotThrow(() => checkQc(listRequest('x/', { expected_total_bytes: 501, allow_mismatch: true }), counts));
    assert.doesNotThrow(() => checkQc(listRequest('x/', { expected_file_count: 5, expected_total_bytes: 500 }), counts));
  });

  it('QC guard compares distinct objects: repeated manifest rows are not counted, and the message says how many were dropped', () => {
    const base = { folderMarkers: 0, archivedClass: 0, bundles: 1, largestObject: 12, duplicateSample: ['src/d/1.txt'] };
    const csv = (over: Parameters<typeof listRequest>[1]) => listRequest('', { source: { kind: 'csv', bucket: '', manifest: 'm.csv' }, ...over });
    // After the plan dropped the repeats: 3 objects (20 bytes), 1 repeated row (12 bytes).
    const planned = { ...base, files: 3, bytes: 20, duplicates: 1, duplicateBytes: 12 };
    assert.doesNotThrow(() => checkQc(csv({ expected_file_count: 3, expected_total_bytes: 20 }), planned));
    assert.throws(
      () => checkQc(csv({ expected_file_count: 4, expected_total_bytes: 32 }), planned),
      (err: unknown) =>
        err instanceof QcMismatchError &&
        err.message.includes('file_count: expected 4, listed 3 distinct objects (1 repeated manifest row dropped)') &&
        err.message.includes('total_size: expected 32 bytes, listed 20 distinct objects (1 repeated manifest row dropped)'),
    );
    // The write-free first pass counts rows (4, 32 bytes): upper bounds, so only more than that is refused there.
    const rows = { ...base, files: 4, bytes: 32, duplicates: 0, duplicateBytes: 0, duplicateSample: [], rowsOnly: true };
    assert.doesNotThrow(() => checkQc(csv({ expected_file_count: 3, expected_total_bytes: 20 }), rows));
    assert.doesNotThrow(() => checkQc(csv({ expected_file_count: 4 }), rows));
    assert.throws(() => checkQc(csv({ expected_file_count: 5 }), rows), /file_count: expected 5, the manifest has only 4 rows/);
    assert.throws(() => checkQc(csv({ expected_total_bytes: 33 }), rows), /total_size: expected 33 bytes, the manifest's rows hold only 32/);
  });

  it('counts a manifest\u2019s rows in the first pass and says so (rowsOnly)', async () => {
    const store = new MemoryObjectStore();
    store.seed('in', 'm.csv', 'src,d/1.txt,12\nsrc,d/1.txt,12\n');
    const counts = await countSource(store, listRequest('', { source: { kind: 'csv', bucket: 'in', manifest: 'm.csv' } }));
    assert.equal(counts.files, 2);
    assert.equal(counts.rowsOnly, true);
  });

  it('counts folder markers and archive-class objects apart and does not plan them', async () => {
    const store = new MemoryObjectStore();
    store.seed('src', 'm/', '');
    store.seed('src', 'm/a.csv', 'aaaa');
    store.seed('src', 'm/cold.csv', 'cccc', { storageClass: 'DEEP_ARCHIVE' });
    const counts = await countSource(store, listRequest('m/'));
    assert.deepEqual(counts, {
      files: 1,
      bytes: 4,
      folderMarkers: 1,
      archivedClass: 1,
      bundles: 1,
      largestObject: 4,
      duplicates: 0,
      duplicateBytes: 0,
      duplicateSample: [],
      alreadyArchived: 0,
      alreadyArchivedBytes: 0,
    });
  });

  it('refuses a source naming one of coldpack\u2019s own buckets', async () => {
    const store = new MemoryObjectStore();
    store.seed('archive', 'x/a', 'a');
    await assert.rejects(
      countSource(store, listRequest('x/', { source: { kind: 'list', bucket: 'archive', prefix: 'x/' } }), { reserved: ['archive'], allowed: [] }),
      ValidationError,
    );
  });

  it('cuts the listing into contiguous shards: every object in exactly one, in order', async () => {
    const store = new MemoryObjectStore();
    store.createBucket('archive');
    seedSource(store, textFiles('s/', 10, 100));
    const req = listRequest('s/', { shard_max_files: 3 });
    const { shards, counts } = await writeShardPlans(store, 'archive', 'job-1', req);
    assert.deepEqual(
      shards.map((s) => s.files),
      [3, 3, 3, 1],
    );
    assert.deepEqual(
      shards.map((s) => s.shard),
      [0, 1, 2, 3],
    );
    assert.equal(counts.files, 10);
    const planned: SourceObject[][] = [];
    for (const s of shards) {
      const rows: SourceObject[] = [];
      for await (const o of readShardPlan(store, 'archive', shardPlanKey('test', 'job-1', s.shard))) rows.push(o);
      assert.equal(rows[0]!.key, s.first_key);
      assert.equal(rows.at(-1)!.key, s.last_key);
      assert.equal(
        rows.reduce((n, o) => n + o.size, 0),
        s.bytes,
      );
      planned.push(rows);
    }
    assert.deepEqual(
      planned.flat().map((o) => o.key),
      Object.keys(textFiles('s/', 10, 100)),
    );
    assert.ok(
      planned.flat().every((o) => o.etag && o.bucket === 'src'),
      'plans keep the listed ETag for the conditional GET',
    );
  });

  it('cuts shards by bytes too', async () => {
    const store = new MemoryObjectStore();
    store.createBucket('archive');
    seedSource(store, textFiles('b/', 6, 100));
    const { shards } = await writeShardPlans(store, 'archive', 'job-2', listRequest('b/', { shard_max_bytes: 250 }));
    assert.deepEqual(
      shards.map((s) => s.bytes),
      [200, 200, 200],
    );
  });
});
