/**
 * Issue 12 item 9: a crash between marking a file AVAILABLE and counting it must not leave the
 * request's counters short, so the request finishes as soon as its last file is done (not on a
 * later reconciler pass). The crash is simulated by a fault on the counter write.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SOURCE, memoryRestoreEnv, putMemoryBundle, restoreInput } from '../../support/memory-restore-env.js';

test('a crash at the counter write after a file became AVAILABLE leaves no drift: the request finishes with its last file', async () => {
  const env = memoryRestoreEnv();
  await putMemoryBundle(
    env,
    [
      { key: 'c/one.txt', data: Buffer.from('one\n'.repeat(50)) },
      { key: 'c/two.txt', data: Buffer.from('two\n'.repeat(50)) },
    ],
    { storageClass: 'STANDARD' },
  );
  // The process "dies" at the first separate counter write (after the file's status write).
  const count = env.restores.count.bind(env.restores);
  let crashed = 0;
  env.restores.count = async (...args) => {
    if (crashed++ === 0) throw new Error('process killed after the file status write');
    return count(...args);
  };
  const svc = env.service({ fileConcurrency: 1 });
  const view = await svc.submit(restoreInput({ kind: 'keys', keys: ['c/one.txt', 'c/two.txt'] }, { bucket: SOURCE }), {}).catch(() => undefined);
  const [id] = [...env.restores.requests.keys()];
  const req = await env.restores.getRequest(id!);
  const files = await env.restores.files(id!);
  assert.deepEqual(
    files.map((f) => f.status),
    ['AVAILABLE', 'AVAILABLE'],
  );
  assert.equal(req?.files_available, 2, 'the counter matches the file statuses');
  assert.equal(req?.status, 'AVAILABLE', 'finished with its last file, without waiting for a reconciler pass');
  assert.equal(view?.status, 'AVAILABLE');
});
