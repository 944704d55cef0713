/**
 * The asynchronous resolution of restore requests (status RESOLVING) on in-memory ports: submit
 * only records the request, whatever the selection (its calls do not grow with it); the files are
 * looked up in the background, by a dispatched worker or by the reconciler; one worker at a time;
 * an ambiguous name fails the request with every candidate.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RestoreRequestInput } from '../../../src/domain/restore-request.js';
import { SOURCE, memoryRestoreEnv, putMemoryBundle, restoreInput, type MemoryRestoreEnv } from '../../support/memory-restore-env.js';

const text = (s: string): Buffer => Buffer.from(s);

async function archive(): Promise<MemoryRestoreEnv> {
  const env = memoryRestoreEnv();
  const files = Array.from({ length: 40 }, (_, i) => ({ key: `d${String(i).padStart(2, '0')}/part-00000.csv`, data: text(`part ${i}`) }));
  await putMemoryBundle(env, files.slice(0, 20), { jobId: 'j1', seq: 0, storageClass: 'STANDARD' });
  await putMemoryBundle(env, files.slice(20), { jobId: 'j1', seq: 1, storageClass: 'STANDARD' });
  env.objects.calls.length = 0;
  env.directory.calls.length = 0;
  return env;
}

/** Calls made on every port while `fn` runs. */
async function callsDuring(
  env: MemoryRestoreEnv,
  fn: () => Promise<unknown>,
): Promise<{ objects: number; directory: number; index: number; restores: number }> {
  const o = env.objects.calls.length;
  const d = env.directory.calls.length;
  const before = { requests: env.restores.requests.size, files: env.restores.putFilesCalls };
  await fn();
  return {
    objects: env.objects.calls.length - o,
    directory: env.directory.calls.length - d,
    index: 0,
    restores: env.restores.requests.size - before.requests + env.restores.putFilesCalls - before.files,
  };
}

test('deferred: submit records the request (RESOLVING) and makes the same calls whatever the selection', async () => {
  const env = await archive();
  const dispatched: string[] = [];
  const svc = env.service({ resolution: 'deferred', dispatch: async (id) => void dispatched.push(id) });
  const selections: RestoreRequestInput['selection'][] = [
    { kind: 'keys', keys: ['d00/part-00000.csv'] },
    { kind: 'keys', keys: Array.from({ length: 5000 }, (_, i) => `k/${i}`) },
    { kind: 'prefix', prefix: 'd' },
    { kind: 'names', names: ['part-00000.csv'] },
  ];
  const counts = [];
  for (const selection of selections) {
    let view;
    counts.push(await callsDuring(env, async () => (view = await svc.submit(restoreInput(selection, { bucket: SOURCE }), {}))));
    assert.equal(view!.status, 'RESOLVING');
    assert.deepEqual(view!.files, []);
  }
  assert.deepEqual(
    counts,
    [
      { objects: 0, directory: 0, index: 0, restores: 1 },
      { objects: 0, directory: 0, index: 0, restores: 1 },
      { objects: 0, directory: 1, index: 0, restores: 1 },
      { objects: 0, directory: 1, index: 0, restores: 1 },
    ],
    'keys: one request record (their bucket is checked only if none is found); prefix and names: one read of the named bucket\u2019s scopes (is it archived?) too; no file record',
  );
  assert.equal(dispatched.length, 4);
  // The worker (here the reconciler) resolves them: the prefix one finds all 40 files.
  await svc.reconcile();
  const prefix = await svc.get(dispatched[2]!);
  assert.equal(prefix?.status, 'AVAILABLE');
  assert.equal(prefix?.files.length, 40);
  const ambiguous = await svc.get(dispatched[3]!);
  assert.equal(ambiguous?.status, 'FAILED');
  assert.equal(ambiguous?.errors?.[0]?.code, 'AMBIGUOUS_NAME');
});

test('an ambiguous name carries every candidate; the message names the first five and how many more', async () => {
  const env = await archive();
  const svc = env.service();
  await assert.rejects(svc.submit(restoreInput({ kind: 'names', names: ['part-00000.csv'] }), {}), (err: unknown) => {
    const e = err as { code: string; message: string; details: { candidates: string[]; candidates_total: number; candidates_truncated: boolean } };
    assert.equal(e.code, 'AMBIGUOUS_NAME');
    assert.equal(e.details.candidates.length, 40);
    assert.equal(e.details.candidates_total, 40);
    assert.equal(e.details.candidates_truncated, false);
    assert.match(e.message, /s3:\/\/mem-source\/d04\/part-00000\.csv and 35 more/);
    assert.doesNotMatch(e.message, /d05\//);
    return true;
  });
  const [req] = [...env.restores.requests.values()];
  const view = await svc.get(req!.restore_id);
  assert.equal(view?.status, 'FAILED');
  assert.equal(view?.errors?.[0]?.candidates?.length, 40, 'GET /restore/{id} shows them too');
  assert.equal(env.notifier.sent.length, 1, 'the refused request is finished and notified');
});

test('background: submit answers RESOLVING at once; the files are looked up in this process', async () => {
  const env = await archive();
  const svc = env.service({ resolution: 'background' });
  const view = await svc.submit(restoreInput({ kind: 'prefix', prefix: 'd1' }, { bucket: SOURCE }), {});
  assert.equal(view.status, 'RESOLVING');
  await svc.drain();
  const done = await svc.get(view.restore_id);
  assert.equal(done?.status, 'AVAILABLE');
  assert.equal(done?.files.length, 10);
});

test('one worker resolves a request at a time; a stale claim is taken over', async () => {
  const env = await archive();
  const svc = env.service({ resolution: 'deferred' });
  const view = await svc.submit(restoreInput({ kind: 'keys', keys: ['d00/part-00000.csv'] }, { bucket: SOURCE }), {});
  const id = view.restore_id;
  assert.equal(await env.restores.claimResolution(id, '2024-05-01T00:00:00.000Z', '2024-04-30T23:55:00.000Z'), true, 'a worker claims it');
  await svc.resolve(id);
  assert.equal((await svc.get(id))?.status, 'RESOLVING', 'another worker holds the claim');
  env.clock.at = new Date(env.clock.at.getTime() + 600_000);
  await svc.resolve(id);
  assert.equal((await svc.get(id))?.status, 'AVAILABLE');
  assert.equal(env.restores.putFilesCalls, 1, 'files recorded once');
});
