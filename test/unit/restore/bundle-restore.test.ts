/**
 * Bundle restore orchestration on in-memory ports: one RestoreObject per bundle whatever the
 * number of requests, a restore already in flight is joined, tier rules are enforced before any
 * call, a refused RestoreObject fails the files and a transient one leaves them for the reconciler.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '../../../src/domain/errors.js';
import type { RestoreStart } from '../../../src/domain/ports/object-store.js';
import { MemoryObjectStore } from '../../support/memory-object-store.js';
import { ARCHIVE, SOURCE, memoryRestoreEnv, putMemoryBundle, restoreInput } from '../../support/memory-restore-env.js';

const keys = (list: string[], extra = {}) => restoreInput({ kind: 'keys', keys: list }, { bucket: SOURCE, ...extra });
const restoreCalls = (objects: MemoryObjectStore) => objects.calls.filter((c) => c.op === 'RestoreObject');

test('two requests for files of one bundle make one RestoreObject; the second joins the first', async () => {
  const env = memoryRestoreEnv();
  const b = await putMemoryBundle(env, [
    { key: 'p/one.txt', data: Buffer.from('one') },
    { key: 'p/two.txt', data: Buffer.from('two') },
  ]);
  const svc = env.service();
  const r1 = await svc.submit(keys(['p/one.txt']), {});
  const r2 = await svc.submit(keys(['p/two.txt']), {});
  assert.deepEqual(restoreCalls(env.objects), [{ op: 'RestoreObject', bucket: ARCHIVE, key: b.bundleKey }]);
  assert.equal(r1.status, 'RESTORING');
  assert.equal(r2.status, 'RESTORING');
  const state = await env.bundles.get(b.bundleKey);
  assert.equal(state?.state, 'REQUESTED');
  assert.deepEqual((await env.bundles.waiting(b.bundleKey)).sort(), [r1.restore_id, r2.restore_id].sort(), 'one wait record per request');
  assert.deepEqual(Object.keys(state!).sort(), ['days', 'requestedAt', 'state', 'tier'], 'no list of requests in the state');
  assert.equal(state?.days, 3);
  assert.equal(state?.tier, 'Standard');
});

test('RestoreObject answering that a restore is in flight (409) leaves the files RESTORING, not FAILED', async () => {
  class InFlight extends MemoryObjectStore {
    override async restoreObject(input: { bucket: string; key: string; days: number; tier: string }): Promise<RestoreStart> {
      await super.restoreObject(input);
      return 'IN_PROGRESS';
    }
  }
  const env = memoryRestoreEnv(new InFlight());
  await putMemoryBundle(env, [{ key: 'p/one.txt', data: Buffer.from('one') }]);
  const r = await env.service().submit(keys(['p/one.txt']), {});
  assert.equal(r.status, 'RESTORING');
  assert.deepEqual(
    r.files.map((f) => f.status),
    ['RESTORING'],
  );
  assert.equal(restoreCalls(env.objects).length, 1);
  assert.equal((await env.bundles.get(r.files[0]!.bundle_key!))?.state, 'REQUESTED', 'the restore in flight is waited for');
});

test('Expedited for a Deep Archive file alone is TIER_NOT_ALLOWED naming Standard and Bulk: recorded FAILED, no restore, no file', async () => {
  const env = memoryRestoreEnv();
  await putMemoryBundle(env, [{ key: 'p/one.txt', data: Buffer.from('one') }], { storageClass: 'DEEP_ARCHIVE' });
  await assert.rejects(env.service().submit(keys(['p/one.txt'], { tier: 'Expedited' }), {}), (err: unknown) => {
    assert.ok(err instanceof ValidationError);
    assert.equal(err.code, 'TIER_NOT_ALLOWED');
    assert.equal(err.field, 'retrieval_tier');
    assert.match(err.message, /allowed tiers: Standard, Bulk/);
    return true;
  });
  assert.deepEqual(
    env.objects.calls.filter((c) => c.op !== 'GetObject' || !c.key?.startsWith('manifests/')),
    [],
    'only the manifest was read',
  );
  const [req] = [...env.restores.requests.values()];
  assert.equal(req?.status, 'FAILED');
  assert.equal(req?.resolve_error?.code, 'TIER_NOT_ALLOWED');
  assert.deepEqual(await env.restores.files(req!.restore_id), []);
});

test('Expedited in a mixed request fails only the Deep Archive file; the GLACIER bundle is restored with Expedited', async () => {
  const env = memoryRestoreEnv();
  await putMemoryBundle(env, [{ key: 'deep/one.txt', data: Buffer.from('one') }], { storageClass: 'DEEP_ARCHIVE' });
  const glacier = await putMemoryBundle(env, [{ key: 'flex/two.txt', data: Buffer.from('two') }], { storageClass: 'GLACIER' });
  const r = await env.service().submit(keys(['deep/one.txt', 'flex/two.txt'], { tier: 'Expedited' }), {});
  const byKey = new Map(r.files.map((f) => [f.key, f]));
  assert.equal(byKey.get('deep/one.txt')?.status, 'FAILED');
  assert.equal(byKey.get('deep/one.txt')?.error_code, 'TIER_NOT_ALLOWED');
  assert.deepEqual(
    restoreCalls(env.objects).map((c) => c.key),
    [glacier.bundleKey],
  );
  assert.equal((await env.bundles.get(glacier.bundleKey))?.tier, 'Expedited');
});

test('days outside 1-30 are refused before any call', async () => {
  const env = memoryRestoreEnv();
  await putMemoryBundle(env, [{ key: 'p/one.txt', data: Buffer.from('one') }]);
  for (const days of [0, 31, 2.5]) {
    await assert.rejects(env.service().submit(keys(['p/one.txt'], { days }), {}), (err: unknown) => err instanceof ValidationError && err.field === 'days');
  }
  assert.deepEqual(env.objects.calls, []);
});

test('a refused RestoreObject (AccessDenied) fails the files and releases the claim; a throttled one keeps them RESTORING and is logged', async () => {
  const env = memoryRestoreEnv();
  const denied = await putMemoryBundle(env, [{ key: 'p/denied.txt', data: Buffer.from('d') }]);
  const slow = await putMemoryBundle(env, [{ key: 'p/slow.txt', data: Buffer.from('s') }]);
  const svc = env.service();
  env.objects.failNext('RestoreObject', 'ACCESS_DENIED');
  const d = await svc.submit(keys(['p/denied.txt']), {});
  assert.equal(d.status, 'FAILED');
  assert.equal(d.files[0]?.error_code, 'RESTORE_REQUEST_FAILED');
  assert.match(String(d.files[0]?.message), /RestoreObject s3:\/\/mem-archive\/bundles\/.+: injected fault/);
  assert.equal((await env.bundles.get(denied.bundleKey))?.state, 'NONE', 'the claim was released');
  env.objects.failNext('RestoreObject', 'THROTTLED');
  const s = await svc.submit(keys(['p/slow.txt']), {});
  assert.equal(s.status, 'RESTORING');
  assert.equal((await env.bundles.get(slow.bundleKey))?.state, 'NONE', 'released, so the reconciler claims it again');
  assert.ok(
    env.logger.entries.some(
      (e) => e.level === 'warn' && /RestoreObject failed for now/.test(e.msg) && (e.obj as { bundle_key?: string }).bundle_key === slow.bundleKey,
    ),
  );
  await svc.reconcile(s.restore_id); // claims again, sends RestoreObject (the fake restores at once)
  await svc.reconcile(s.restore_id); // sees the restored copy and extracts
  assert.equal((await svc.get(s.restore_id))?.status, 'AVAILABLE');
});

test('STANDARD bundles need no RestoreObject: files are extracted during submit', async () => {
  const env = memoryRestoreEnv();
  await putMemoryBundle(env, [{ key: 'p/std.txt', data: Buffer.from('std') }], { storageClass: 'STANDARD' });
  const r = await env.service().submit(keys(['p/std.txt']), {});
  assert.equal(r.status, 'AVAILABLE');
  assert.equal(restoreCalls(env.objects).length, 0);
});
