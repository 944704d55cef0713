/**
 * Issue 11 item 10, the request record's kind: a restore request's key or name list grows with the
 * files asked (the API takes 10,000 keys of up to 1,024 bytes = 10 MB, DynamoDB items hold 400 KB).
 * A list over the store's limit is kept apart from the request record: the record stays small, the
 * resolution alone reads the list back, every key is resolved, and views do not echo it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chunkList, listBytes } from '../../../src/domain/selection-list.js';
import { SOURCE, memoryRestoreEnv, putMemoryBundle, restoreInput } from '../../support/memory-restore-env.js';

const LIMIT = 200;
const longKey = (i: number): string => `sel/${'x'.repeat(40)}/${String(i).padStart(4, '0')}.txt`;

test('a key list over the limit is kept apart: a small record, read back only by the resolution, every key resolved', async () => {
  const env = memoryRestoreEnv(undefined, { inlineSelectionMaxBytes: LIMIT });
  await putMemoryBundle(
    env,
    [0, 1, 2].map((i) => ({ key: longKey(i), data: Buffer.from(`file ${i}`) })),
    { storageClass: 'STANDARD' },
  );
  const keys = Array.from({ length: 50 }, (_, i) => longKey(i));
  assert.ok(listBytes(keys) > LIMIT);
  const svc = env.service();
  const v = await svc.submit(restoreInput({ kind: 'keys', keys }, { bucket: SOURCE }), {});
  const stored = env.restores.requests.get(v.restore_id)!;
  assert.equal(stored.selection_count, 50);
  assert.deepEqual(stored.request.selection, { kind: 'keys', keys: [] }, 'the record holds no list');
  assert.deepEqual(env.restores.lists.get(v.restore_id), keys);
  assert.equal(env.restores.selectionReads, 1, 'read back once, by the resolution');
  assert.equal(v.files.length, 50, 'every key of the list was resolved');
  assert.equal(v.files.filter((f) => f.status === 'AVAILABLE').length, 3);
  assert.equal(v.files.filter((f) => f.status === 'NOT_FOUND').length, 47);
  assert.deepEqual(v.request.selection, { kind: 'keys', keys: [] }, 'the view does not echo the list');
  assert.equal(v.counters?.selection_items, 50, 'it gives its length');
  await svc.get(v.restore_id);
  await svc.reconcile();
  assert.equal(env.restores.selectionReads, 1, 'status and reconcile never read the list');
});

test('the answer of a deferred submit is the record as stored: no list over the limit in it', async () => {
  const env = memoryRestoreEnv(undefined, { inlineSelectionMaxBytes: LIMIT });
  const names = Array.from({ length: 30 }, (_, i) => `name-${String(i).padStart(3, '0')}-${'n'.repeat(20)}.csv`);
  const svc = env.service({ resolution: 'deferred' });
  const v = await svc.submit(restoreInput({ kind: 'names', names }), {});
  assert.equal(v.status, 'RESOLVING');
  assert.deepEqual(v.request.selection, { kind: 'names', names: [] });
  assert.equal(v.counters?.selection_items, 30);
  assert.equal(env.restores.selectionReads, 0);
  await svc.resolve(v.restore_id);
  const after = (await svc.get(v.restore_id))!;
  assert.equal(after.files.length, 30, 'every name resolved (NOT_FOUND: nothing archived)');
  assert.ok(after.files.every((f) => f.status === 'NOT_FOUND'));
});

test('a list under the limit stays in the record and is never read apart', async () => {
  const env = memoryRestoreEnv(undefined, { inlineSelectionMaxBytes: LIMIT });
  const v = await env.service().submit(restoreInput({ kind: 'keys', keys: ['a.txt', 'b.txt'] }), {});
  assert.equal(env.restores.requests.get(v.restore_id)!.selection_count, undefined);
  assert.deepEqual(v.request.selection, { kind: 'keys', keys: ['a.txt', 'b.txt'] });
  assert.equal(v.counters?.selection_items, undefined);
  assert.equal(env.restores.selectionReads, 0);
});

test('chunkList cuts a list into consecutive chunks of at most maxBytes (UTF-8 plus 1 per element); one long string is a chunk alone', () => {
  const list = ['aaaa', 'bbbb', 'é', 'cccccccccc', 'dd'];
  assert.equal(listBytes(list), 5 + 5 + 3 + 11 + 3);
  const chunks = chunkList(list, 10);
  assert.deepEqual(chunks, [['aaaa', 'bbbb'], ['é'], ['cccccccccc'], ['dd']]);
  assert.deepEqual(chunks.flat(), list);
  assert.deepEqual(chunkList([], 10), []);
});
