/**
 * The resolver through the restore service on in-memory ports: keys, prefixes (read from the
 * manifests of the bundles whose key range may hold them), base names, ambiguity, not found, key
 * lists, and a throttled catalog read that must fail the request instead of restoring part of it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ColdpackError, ValidationError } from '../../../src/domain/errors.js';
import { KEY_LIST_MAX_BYTES } from '../../../src/restore/resolver.js';
import { RESTORE, SOURCE, memoryRestoreEnv, putMemoryBundle, restoreInput, type MemoryRestoreEnv } from '../../support/memory-restore-env.js';

const text = (s: string): Buffer => Buffer.from(s);

async function populated(): Promise<MemoryRestoreEnv> {
  const env = memoryRestoreEnv();
  await putMemoryBundle(env, [
    { key: 'q/a b.txt', data: text('space') },
    { key: 'q/a+b.txt', data: text('plus') },
    { key: 'q0/outside.txt', data: text('not under q/') },
    { key: 'a/index.js', data: text('one') },
  ]);
  await putMemoryBundle(env, [
    { key: 'b/index.js', data: text('two') },
    { key: 'z/other.csv', data: text('x') },
  ]);
  return env;
}

const keysOf = (files: readonly { key: string }[]): string[] => files.map((f) => f.key).sort();

test('keys: found ones are recorded with their bundle, unknown ones are NOT_FOUND with the key as asked', async () => {
  const env = await populated();
  const view = await env.service({ extractOnSubmit: false }).submit(restoreInput({ kind: 'keys', keys: ['q/a+b.txt', 'nope.txt'] }, { bucket: SOURCE }), {});
  const byKey = new Map(view.files.map((f) => [f.key, f]));
  assert.equal(byKey.get('q/a+b.txt')?.status, 'RESTORING');
  assert.match(String(byKey.get('q/a+b.txt')?.bundle_key), /^bundles\/proj\/job-\d+\/00000\/\d{6}\.zip$/);
  assert.equal(byKey.get('nope.txt')?.status, 'NOT_FOUND');
  assert.match(String(byKey.get('nope.txt')?.message), /key "nope.txt" is not in the archive catalog in bucket mem-source/);
});

test('prefix: exactly the keys under it, read from the manifests, never q0/...', async () => {
  const env = await populated();
  const view = await env.service({ extractOnSubmit: false }).submit(restoreInput({ kind: 'prefix', prefix: 'q/' }), {});
  assert.deepEqual(keysOf(view.files), ['q/a b.txt', 'q/a+b.txt']);
  // The second bundle's range [b/index.js, z/other.csv] may hold q/ keys, so its manifest is read too.
  assert.equal(env.objects.calls.filter((c) => c.op === 'GetObject' && c.key?.startsWith('manifests/')).length, 2);
});

test('prefix: one whose bundles hold nothing under it is a single NOT_FOUND entry', async () => {
  const env = await populated();
  const view = await env.service({ extractOnSubmit: false }).submit(restoreInput({ kind: 'prefix', prefix: 'nothing/' }), {});
  assert.deepEqual(
    view.files.map((f) => [f.key, f.status]),
    [['nothing/', 'NOT_FOUND']],
  );
  assert.equal(view.status, 'FAILED');
});

test('names: an ambiguous base name is AMBIGUOUS_NAME listing every candidate; all_matches restores them all', async () => {
  const env = await populated();
  const svc = env.service({ extractOnSubmit: false });
  await assert.rejects(svc.submit(restoreInput({ kind: 'names', names: ['index.js'] }), {}), (err: unknown) => {
    assert.ok(err instanceof ValidationError);
    assert.equal(err.code, 'AMBIGUOUS_NAME');
    assert.equal(err.field, 'filename');
    assert.match(err.message, /s3:\/\/mem-source\/a\/index\.js/);
    assert.match(err.message, /s3:\/\/mem-source\/b\/index\.js/);
    return true;
  });
  const refused = [...env.restores.requests.values()][0]!;
  assert.equal(refused.resolution, 'FAILED', 'the refused request is recorded FAILED with the reason');
  assert.equal(refused.resolve_error?.code, 'AMBIGUOUS_NAME');
  assert.deepEqual(refused.resolve_error?.candidates, ['s3://mem-source/a/index.js', 's3://mem-source/b/index.js']);
  const all = await svc.submit(restoreInput({ kind: 'names', names: ['index.js'] }, { all_matches: true }), {});
  assert.deepEqual(keysOf(all.files), ['a/index.js', 'b/index.js']);
});

test('names: looked up in every archived bucket when none is given; an unknown name is NOT_FOUND', async () => {
  const env = await populated();
  const view = await env.service({ extractOnSubmit: false }).submit(restoreInput({ kind: 'names', names: ['other.csv', 'nope.csv'] }), {});
  assert.deepEqual(
    view.files.map((f) => [f.key, f.status]),
    [
      ['z/other.csv', 'RESTORING'],
      ['nope.csv', 'NOT_FOUND'],
    ],
  );
});

test('generations: the newest unless one is named by job id', async () => {
  const env = memoryRestoreEnv();
  const old = await putMemoryBundle(env, [{ key: 'gen/f.txt', data: text('old') }], { jobId: 'job-old', archivedAt: '2024-01-01T00:00:00.000Z' });
  const recent = await putMemoryBundle(env, [{ key: 'gen/f.txt', data: text('new') }], { jobId: 'job-new', archivedAt: '2024-02-01T00:00:00.000Z' });
  const svc = env.service({ extractOnSubmit: false });
  const newest = await svc.submit(restoreInput({ kind: 'keys', keys: ['gen/f.txt'] }, { bucket: SOURCE }), {});
  const named = await svc.submit(restoreInput({ kind: 'keys', keys: ['gen/f.txt'] }, { bucket: SOURCE, generation: 'job-old' }), {});
  assert.equal(newest.files[0]?.bundle_key, recent.bundleKey);
  assert.equal(named.files[0]?.bundle_key, old.bundleKey);
});

test('key lists: keys read from key-lists/ in the restore bucket; a missing list is SOURCE_NOT_FOUND; an oversized one is refused', async () => {
  const env = await populated();
  const svc = env.service({ extractOnSubmit: false });
  env.objects.seed(RESTORE, 'key-lists/mine.txt', '\uFEFFq/a b.txt\r\nz/other.csv\n\nmissing.txt\n');
  const view = await svc.submit(restoreInput({ kind: 'manifest', bucket: RESTORE, key: 'key-lists/mine.txt' }), {});
  assert.deepEqual(
    view.files.map((f) => [f.key, f.status]),
    [
      ['q/a b.txt', 'RESTORING'],
      ['z/other.csv', 'RESTORING'],
      ['missing.txt', 'NOT_FOUND'],
    ],
  );
  await assert.rejects(
    svc.submit(restoreInput({ kind: 'manifest', bucket: RESTORE, key: 'key-lists/none.txt' }), {}),
    (err: unknown) => err instanceof ValidationError && err.code === 'SOURCE_NOT_FOUND',
  );
  env.objects.seed(RESTORE, 'key-lists/huge.txt', Buffer.alloc(KEY_LIST_MAX_BYTES + 1, 'a'));
  await assert.rejects(svc.submit(restoreInput({ kind: 'manifest', bucket: RESTORE, key: 'key-lists/huge.txt' }), {}), /at most 16777216 bytes/);
});

test('more keys than maxFiles is TOO_MANY_FILES before any index lookup', async () => {
  const env = await populated();
  await assert.rejects(
    env.service({ maxFiles: 2 }).submit(restoreInput({ kind: 'keys', keys: ['a', 'b', 'c'] }, { bucket: SOURCE }), {}),
    (err: unknown) => err instanceof ValidationError && err.code === 'TOO_MANY_FILES',
  );
});

test('a throttled catalog read leaves the prefix restore RESOLVING for the reconciler; nothing restored from part of the bundles', async () => {
  const env = await populated();
  env.directory.failWith = new ColdpackError('UNPROCESSED_ITEMS', 'Query mem-bundles: throttled past the retries');
  await assert.rejects(
    env.service().submit(restoreInput({ kind: 'prefix', prefix: 'q/' }), {}),
    (err: unknown) => err instanceof ColdpackError && err.code === 'UNPROCESSED_ITEMS',
  );
  const [req] = [...env.restores.requests.values()];
  assert.equal(req?.resolution, 'RESOLVING');
  assert.deepEqual(await env.restores.files(req!.restore_id), []);
  assert.equal(env.objects.calls.filter((c) => c.op === 'RestoreObject').length, 0);
  // Once the catalog answers, the reconciler resolves it (the claim of the failed attempt is stale after 5 min).
  env.directory.failWith = undefined;
  env.clock.at = new Date(env.clock.at.getTime() + 600_000);
  await env.service().reconcile();
  assert.deepEqual(keysOf(await env.restores.files(req!.restore_id)), ['q/a b.txt', 'q/a+b.txt']);
});
