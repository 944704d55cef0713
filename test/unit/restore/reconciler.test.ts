/**
 * The reconciler and the completion event on in-memory ports: a restored bundle is found by one
 * HeadObject per pass, its files are extracted for every waiting request, each request finishes
 * and is notified exactly once, a failed notification is retried, a lost restore is sent again.
 */
import { MAX_NOTIFY_ATTEMPTS } from '../../../src/restore/notifications.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { ARCHIVE, RESTORE, SOURCE, TOPIC, memoryRestoreEnv, putMemoryBundle, restoreInput, type MemoryRestoreEnv } from '../../support/memory-restore-env.js';

const keys = (list: string[]) => restoreInput({ kind: 'keys', keys: list }, { bucket: SOURCE });
const count = (env: MemoryRestoreEnv, op: string): number => env.objects.calls.filter((c) => c.op === op).length;
const DATA = { 'p/one.txt': Buffer.from('one\n'.repeat(100)), 'p/two.csv': Buffer.from('a,b\n'.repeat(300)), 'p/three.bin': Buffer.alloc(2048, 7) };

async function twoWaitingRequests() {
  const env = memoryRestoreEnv();
  const b = await putMemoryBundle(
    env,
    Object.entries(DATA).map(([key, data]) => ({ key, data })),
  );
  const svc = env.service();
  const r1 = await svc.submit(keys(['p/one.txt', 'p/two.csv']), {});
  const r2 = await svc.submit(keys(['p/three.bin', 'missing.txt']), {});
  return { env, b, svc, r1, r2 };
}

test('a pass finds the restored bundle with one HeadObject, extracts every waiting file byte-exact, finishes and notifies each request once', async () => {
  const { env, b, svc, r1, r2 } = await twoWaitingRequests();
  assert.equal(count(env, 'RestoreObject'), 1);
  assert.equal(env.notifier.sent.length, 0);
  const summary = await svc.reconcile();
  assert.deepEqual(summary, { requests: 2, bundles_checked: 1, bundles_ready: 1, requests_finished: 2 });
  assert.equal(count(env, 'HeadObject'), 1, 'one HeadObject per pending bundle per pass, shared by both requests');
  const v1 = (await svc.get(r1.restore_id))!;
  const v2 = (await svc.get(r2.restore_id))!;
  assert.equal(v1.status, 'AVAILABLE');
  assert.equal(v2.status, 'PARTIAL');
  const restored = [...v1.files.map((f) => [r1.restore_id, f] as const), ...v2.files.map((f) => [r2.restore_id, f] as const)].filter(
    ([, f]) => f.status === 'AVAILABLE',
  );
  assert.equal(restored.length, 3);
  for (const [id, f] of restored) {
    const stored = env.objects.object(RESTORE, `restores/${id}/${SOURCE}/${f.key}`)!;
    assert.equal(
      createHash('sha256').update(stored.body).digest('hex'),
      createHash('sha256')
        .update(DATA[f.key as keyof typeof DATA])
        .digest('hex'),
      f.key,
    );
    assert.equal(f.location, `s3://${RESTORE}/restores/${id}/${SOURCE}/${f.key}`);
  }
  assert.equal((await env.bundles.get(b.bundleKey))?.state, 'READY');
  assert.deepEqual(
    env.notifier.sent.map((n) => [n.message.restore_id, n.message.event, n.topics]).sort(),
    [
      [r1.restore_id, 'restore.completed', [TOPIC]],
      [r2.restore_id, 'restore.partial', [TOPIC]],
    ].sort(),
  );
  const note = env.notifier.sent.find((n) => n.message.restore_id === r1.restore_id)!.message;
  assert.deepEqual(note.counts, { files: 2, available: 2, failed: 0, not_found: 0 });
  assert.ok(note.files.every((f) => f.url?.startsWith(`https://${RESTORE}.s3.example/`)));
  assert.deepEqual(await env.restores.openRequests(), [], 'finished and notified requests leave the open list');

  const again = await svc.reconcile();
  assert.deepEqual(again, { requests: 0, bundles_checked: 0, bundles_ready: 0, requests_finished: 0 });
  assert.equal(env.notifier.sent.length, 2, 'notified once');
  assert.equal(count(env, 'RestoreObject'), 1);
});

test('a bundle whose restore is still running stays RESTORING; nothing is extracted', async () => {
  const { env, b, svc, r1 } = await twoWaitingRequests();
  env.objects.object(ARCHIVE, b.bundleKey)!.restored = false; // HeadObject shows no restored copy yet
  env.clock.at = new Date(env.clock.at.getTime() + 60_000); // within lostRestoreMs: not sent again
  await svc.reconcile();
  assert.equal((await svc.get(r1.restore_id))?.status, 'RESTORING');
  assert.equal(env.objects.calls.filter((c) => c.op === 'GetObject' && c.key === b.bundleKey).length, 0);
  assert.equal(count(env, 'RestoreObject'), 1);
  assert.equal(env.notifier.sent.length, 0);
});

test('a restore S3 lost (no x-amz-restore long after the request) is sent again, then completes', async () => {
  const { env, b, svc, r1 } = await twoWaitingRequests();
  env.objects.object(ARCHIVE, b.bundleKey)!.restored = false;
  env.clock.at = new Date(env.clock.at.getTime() + 3_600_000);
  await svc.reconcile();
  assert.equal(count(env, 'RestoreObject'), 2);
  await svc.reconcile();
  assert.equal((await svc.get(r1.restore_id))?.status, 'AVAILABLE');
});

test('the completion event extracts the waiting requests without the reconciler; an unknown object is logged and skipped', async () => {
  const { env, b, svc, r1, r2 } = await twoWaitingRequests();
  const handled = await svc.handleEvent({
    Records: [
      { eventName: 'ObjectRestore:Completed', s3: { bucket: { name: ARCHIVE }, object: { key: encodeURIComponent(b.bundleKey).replace(/%2F/g, '/') } } },
      { eventName: 'ObjectRestore:Completed', s3: { bucket: { name: ARCHIVE }, object: { key: 'bundles/unknown.zip' } } },
      { body: '{broken' },
    ],
  });
  assert.deepEqual(handled, [b.bundleKey]);
  assert.equal((await svc.get(r1.restore_id))?.status, 'AVAILABLE');
  assert.equal((await svc.get(r2.restore_id))?.status, 'PARTIAL');
  assert.equal(env.notifier.sent.length, 2);
  const warnings = env.logger.entries.filter((e) => e.level === 'warn').map((e) => e.msg);
  assert.ok(
    warnings.some((m) => /not a bundle/.test(m)),
    warnings.join('\n'),
  );
  assert.ok(
    warnings.some((m) => /envelope body is not JSON/.test(m)),
    warnings.join('\n'),
  );
});

test('a failed notification is recorded, logged, keeps the request open, and is retried once by the next pass', async () => {
  const env = memoryRestoreEnv();
  await putMemoryBundle(env, [{ key: 'p/one.txt', data: Buffer.from('one') }]);
  const svc = env.service();
  const failed = await svc.submit(keys(['p/one.txt']), {});
  env.notifier.failNext();
  await svc.reconcile();
  assert.equal(env.notifier.sent.length, 0);
  const view = (await svc.get(failed.restore_id))!;
  assert.equal(view.status, 'AVAILABLE');
  assert.deepEqual(
    view.errors?.map((e) => e.code),
    ['NOTIFY_FAILED'],
  );
  assert.match(String(view.errors?.[0]?.message), /NOTIFY_FAILED: Publish arn:topic: ThrottledException/);
  assert.ok(env.logger.entries.some((e) => e.level === 'warn' && /restore notification failed/.test(e.msg)));
  assert.deepEqual(
    (await env.restores.openRequests()).map((o) => o.restoreId),
    [failed.restore_id],
  );
  await svc.reconcile();
  assert.equal(env.notifier.sent.length, 1);
  assert.equal(env.notifier.sent[0]!.message.restore_id, failed.restore_id);
  assert.equal((await svc.get(failed.restore_id))!.errors, undefined);
  assert.deepEqual(await env.restores.openRequests(), []);
  await svc.reconcile();
  assert.equal(env.notifier.sent.length, 1);
});

test('notification retries are bounded: after MAX_NOTIFY_ATTEMPTS failures the request leaves the open list, the failure stays in its status (issue 11 item 11)', async () => {
  const env = memoryRestoreEnv();
  await putMemoryBundle(env, [{ key: 'p/one.txt', data: Buffer.from('one') }]);
  const svc = env.service();
  const r = await svc.submit(keys(['p/one.txt']), {});
  for (let i = 0; i < MAX_NOTIFY_ATTEMPTS; i++) {
    env.notifier.failNext();
    await svc.reconcile();
  }
  assert.equal(env.notifier.sent.length, 0);
  assert.deepEqual(await env.restores.openRequests(), [], 'no endless retries');
  const view = (await svc.get(r.restore_id))!;
  assert.equal(view.status, 'AVAILABLE');
  assert.deepEqual(
    view.errors?.map((e) => e.code),
    ['NOTIFY_FAILED'],
  );
  assert.ok(env.logger.entries.some((e) => e.level === 'error' && /given up after/.test(e.msg)));
});

test('an expired copy sends the file back to RESTORING and the bundle is restored again', async () => {
  const { env, b, svc, r1 } = await twoWaitingRequests();
  env.objects.failNext('GetObject', 'INVALID_OBJECT_STATE');
  await svc.reconcile(r1.restore_id);
  assert.equal((await env.bundles.get(b.bundleKey))?.state, 'EXPIRED');
  assert.ok((await svc.get(r1.restore_id))!.files.some((f) => f.status === 'RESTORING'));
  await svc.reconcile(r1.restore_id);
  assert.equal(count(env, 'RestoreObject'), 2, 'the bundle was restored again');
  await svc.reconcile(r1.restore_id);
  assert.equal((await svc.get(r1.restore_id))?.status, 'AVAILABLE');
});
