/**
 * Issue 11 item 10 on in-memory ports: the requests waiting for a bundle restore are one record per
 * (bundle, request), never a list in the bundle's state. Any number of requests join one restore,
 * the completion event and the reconciler read the waiting requests page by page and extract every
 * one of them, a request joining while the bundle is marked READY is not lost, and a finished
 * request's wait records are removed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BundleRestoreState } from '../../../src/domain/restore-records.js';
import { MemoryBundleRestoreStore } from '../../support/memory-restore-stores.js';
import { ARCHIVE, SOURCE, memoryRestoreEnv, putMemoryBundle, restoreInput, type MemoryRestoreEnv } from '../../support/memory-restore-env.js';

const keys = (list: string[]) => restoreInput({ kind: 'keys', keys: list }, { bucket: SOURCE });
const count = (env: MemoryRestoreEnv, op: string): number => env.objects.calls.filter((c) => c.op === op).length;
const fileKey = (i: number): string => `w/${String(i).padStart(4, '0')}.txt`;
const restoredEvent = (bundleKey: string) => ({
  Records: [{ eventName: 'ObjectRestore:Completed', s3: { bucket: { name: ARCHIVE }, object: { key: encodeURIComponent(bundleKey).replace(/%2F/g, '/') } } }],
});

/** `n` requests, request i for file i of one Deep Archive bundle, all submitted before the restore completes. */
async function manyWaiting(n: number, pageSize: number) {
  const env = memoryRestoreEnv(undefined, { waitPageSize: pageSize });
  const b = await putMemoryBundle(
    env,
    Array.from({ length: n }, (_, i) => ({ key: fileKey(i), data: Buffer.from(`file ${i}\n`) })),
  );
  const svc = env.service();
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push((await svc.submit(keys([fileKey(i)]), {})).restore_id);
  return { env, b, svc, ids };
}

test('60 requests join one bundle restore: one RestoreObject, one wait record each, a bundle state of fixed size', async () => {
  const { env, b, ids } = await manyWaiting(60, 7);
  assert.equal(count(env, 'RestoreObject'), 1);
  const state = (await env.bundles.get(b.bundleKey))!;
  assert.equal(state.state, 'REQUESTED');
  assert.deepEqual(Object.keys(state).sort(), ['days', 'requestedAt', 'state', 'tier'], 'nothing in the state grows with the requests');
  assert.deepEqual((await env.bundles.waiting(b.bundleKey)).sort(), [...ids].sort());
  for (const id of ids) assert.equal((await env.restores.files(id))[0]?.status, 'RESTORING');
});

test('the completion event extracts every one of 60 waiting requests, reading them in pages of 7, and drops their wait records', async () => {
  const { env, b, svc, ids } = await manyWaiting(60, 7);
  env.bundles.pagesRead.length = 0;
  assert.deepEqual(await svc.handleEvent(restoredEvent(b.bundleKey)), [b.bundleKey]);
  for (const [i, id] of ids.entries()) {
    const v = (await svc.get(id))!;
    assert.equal(v.status, 'AVAILABLE', id);
    assert.equal(v.files[0]?.key, fileKey(i));
  }
  assert.ok(env.bundles.pagesRead.length >= 9, `read in pages: ${env.bundles.pagesRead.join(',')}`);
  assert.ok(Math.max(...env.bundles.pagesRead) <= 7, 'never more than a page at once');
  assert.equal(env.notifier.sent.length, 60, 'each request notified once');
  assert.equal(env.bundles.waits.size, 0, 'finished requests wait for nothing');
});

test('the reconciler extracts 25 waiting requests with one HeadObject and one pass', async () => {
  const { env, svc, ids } = await manyWaiting(25, 4);
  const heads = count(env, 'HeadObject');
  const summary = await svc.reconcile();
  assert.deepEqual(summary, { requests: 25, bundles_checked: 1, bundles_ready: 1, requests_finished: 25 });
  assert.equal(count(env, 'HeadObject') - heads, 1);
  for (const id of ids) assert.equal((await svc.get(id))?.status, 'AVAILABLE');
  assert.equal(env.bundles.waits.size, 0);
});

test('a request that reads REQUESTED while the bundle is being marked READY is extracted by that completion', async () => {
  // The wait is recorded before the state is read; the completion marks READY and then reads the
  // waiters. Here the completion runs right after the second request's read (REQUESTED), before
  // that request does anything else: it must still find the request.
  class RacingStore extends MemoryBundleRestoreStore {
    onRead: (() => Promise<void>) | undefined;
    override async get(bundleKey: string): Promise<BundleRestoreState | undefined> {
      const state = await super.get(bundleKey);
      const hook = this.onRead;
      this.onRead = undefined;
      await hook?.();
      return state;
    }
  }
  const env = memoryRestoreEnv();
  const racing = new RacingStore();
  Object.assign(env, { bundles: racing });
  const b = await putMemoryBundle(env, [
    { key: 'r/one.txt', data: Buffer.from('one') },
    { key: 'r/two.txt', data: Buffer.from('two') },
  ]);
  const svc = env.service();
  const r1 = await svc.submit(keys(['r/one.txt']), {});
  assert.equal(r1.status, 'RESTORING');
  racing.onRead = async () => {
    assert.equal((await racing.get(b.bundleKey))?.state, 'REQUESTED');
    await svc.handleEvent(restoredEvent(b.bundleKey));
  };
  const r2 = await svc.submit(keys(['r/two.txt']), {});
  assert.equal(racing.onRead, undefined, 'the completion ran during the join');
  assert.equal((await svc.get(r2.restore_id))?.status, 'AVAILABLE', `r2 was ${r2.status}`);
  assert.equal((await svc.get(r1.restore_id))?.status, 'AVAILABLE');
  assert.equal(count(env, 'RestoreObject'), 1);
});

test('a finished request drops its wait record on every bundle it waited for; a Standard bundle needs none', async () => {
  const env = memoryRestoreEnv();
  const deep = await putMemoryBundle(env, [{ key: 'm/a.txt', data: Buffer.from('a') }]);
  const flex = await putMemoryBundle(env, [{ key: 'm/b.txt', data: Buffer.from('b') }], { storageClass: 'GLACIER' });
  const std = await putMemoryBundle(env, [{ key: 'm/c.txt', data: Buffer.from('c') }], { storageClass: 'STANDARD' });
  const svc = env.service();
  const r = await svc.submit(keys(['m/a.txt', 'm/b.txt', 'm/c.txt']), {});
  assert.deepEqual(await env.bundles.waiting(deep.bundleKey), [r.restore_id]);
  assert.deepEqual(await env.bundles.waiting(flex.bundleKey), [r.restore_id]);
  assert.deepEqual(await env.bundles.waiting(std.bundleKey), []);
  await svc.reconcile();
  assert.equal((await svc.get(r.restore_id))?.status, 'AVAILABLE');
  assert.equal(env.bundles.waits.size, 0);
});

test('requests whose restored copy is gone at extraction keep waiting and are extracted by the next restore', async () => {
  const { env, b, svc, ids } = await manyWaiting(3, 2);
  const bundle = env.objects.object(ARCHIVE, b.bundleKey)!;
  // The completion arrives but the copy is already gone (403 InvalidObjectState on the GET): every
  // file goes back to RESTORING, the bundle EXPIRED, and no request stops waiting.
  bundle.restored = false;
  await svc.handleEvent(restoredEvent(b.bundleKey));
  for (const id of ids) assert.equal((await svc.get(id))?.status, 'RESTORING', id);
  assert.equal((await env.bundles.get(b.bundleKey))?.state, 'EXPIRED');
  assert.deepEqual((await env.bundles.waiting(b.bundleKey)).sort(), [...ids].sort());
  // One pass claims the bundle again (RestoreObject; the fake restores at once), then finds the
  // copy with HeadObject and extracts every waiting request.
  await svc.reconcile();
  assert.equal(count(env, 'RestoreObject'), 2);
  assert.equal((await env.bundles.get(b.bundleKey))?.state, 'READY');
  for (const id of ids) assert.equal((await svc.get(id))?.status, 'AVAILABLE', id);
  assert.equal(env.bundles.waits.size, 0);
});
