/**
 * A restore that cannot find anything because of what it names outside itself is refused before it
 * is recorded (400 `SOURCE_NOT_FOUND`, nothing written), in every resolution mode: a source bucket
 * coldpack never archived (for a prefix, names or a key list; keys are looked up first and their
 * bucket checked only when none is found, so the request is recorded and ends FAILED), and a
 * `keys_manifest` object that does not exist (one HeadObject).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '../../../src/domain/errors.js';
import { RESTORE, SOURCE, memoryRestoreEnv, putMemoryBundle, restoreInput, type MemoryRestoreEnv } from '../../support/memory-restore-env.js';

async function archived(): Promise<MemoryRestoreEnv> {
  const env = memoryRestoreEnv();
  await putMemoryBundle(env, [{ key: 'd/a.csv', data: Buffer.from('a') }], { storageClass: 'STANDARD' });
  return env;
}

/** Asserts `p` rejects with a 400 `code` on `field` whose message names `what`, and that nothing was recorded. */
async function refusedUnrecorded(env: MemoryRestoreEnv, p: Promise<unknown>, code: string, field: string, what: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof ValidationError, String(err));
    assert.equal(err.code, code);
    assert.equal(err.status, 400);
    assert.equal(err.field, field);
    assert.match(err.message, what);
    return true;
  });
  assert.equal(env.restores.requests.size, 0, 'no request recorded');
  assert.equal(env.restores.openList.size, 0, 'no open marker');
}

describe('restore sources checked before recording', () => {
  for (const resolution of ['inline', 'deferred'] as const) {
    it(`${resolution}: a prefix in a bucket never archived is SOURCE_NOT_FOUND naming it; nothing recorded`, async () => {
      const env = await archived();
      const svc = env.service({ resolution });
      await refusedUnrecorded(
        env,
        svc.submit(restoreInput({ kind: 'prefix', prefix: 'd/' }, { bucket: 'never-archived' })),
        'SOURCE_NOT_FOUND',
        'bucket_name',
        /bucket never-archived has no archived files/,
      );
      // The archived bucket is accepted; a key it does not hold is still a NOT_FOUND file.
      const ok = await svc.submit(restoreInput({ kind: 'keys', keys: ['d/a.csv', 'd/nope.csv'] }, { bucket: SOURCE }));
      assert.equal(env.restores.requests.size, 1);
      if (resolution === 'inline') assert.deepEqual(ok.files.map((f) => f.status).sort(), ['AVAILABLE', 'NOT_FOUND']);
    });

    it(`${resolution}: keys in a bucket never archived: recorded (a key costs 2 catalog requests, no pre-check), then FAILED SOURCE_NOT_FOUND naming the bucket`, async () => {
      const env = await archived();
      const svc = env.service({ resolution });
      const ask = svc.submit(restoreInput({ kind: 'keys', keys: ['d/a.csv'] }, { bucket: 'never-archived' }));
      if (resolution === 'inline') {
        await assert.rejects(
          ask,
          (err: unknown) => err instanceof ValidationError && err.code === 'SOURCE_NOT_FOUND' && /bucket never-archived/.test(err.message),
        );
      } else {
        assert.equal((await ask).status, 'RESOLVING');
        await svc.reconcile();
      }
      const [request] = [...env.restores.requests.values()];
      assert.equal(request?.resolution, 'FAILED');
      assert.equal(request?.resolve_error?.code, 'SOURCE_NOT_FOUND');
      assert.match(request?.resolve_error?.message ?? '', /bucket never-archived has no archived files/);
    });

    it(`${resolution}: a keys_manifest that does not exist is SOURCE_NOT_FOUND after one HeadObject; nothing recorded`, async () => {
      const env = await archived();
      const svc = env.service({ resolution });
      env.objects.calls.length = 0;
      await refusedUnrecorded(
        env,
        svc.submit(restoreInput({ kind: 'manifest', bucket: RESTORE, key: 'key-lists/missing.txt' })),
        'SOURCE_NOT_FOUND',
        'keys_manifest',
        /s3:\/\/mem-restore\/key-lists\/missing\.txt does not exist/,
      );
      assert.deepEqual(
        env.objects.calls.map((c) => c.op),
        ['HeadObject'],
      );
      env.objects.seed(RESTORE, 'key-lists/empty.txt', '');
      await refusedUnrecorded(
        env,
        svc.submit(restoreInput({ kind: 'manifest', bucket: RESTORE, key: 'key-lists/empty.txt' })),
        'VALIDATION_ERROR',
        'keys_manifest',
        /is empty/,
      );
      env.objects.seed(RESTORE, 'key-lists/ok.txt', 'd/a.csv\n');
      await svc.submit(restoreInput({ kind: 'manifest', bucket: RESTORE, key: 'key-lists/ok.txt' }));
      assert.equal(env.restores.requests.size, 1, 'an existing key list is recorded');
    });
  }
});
