/**
 * Lookups through the compact catalog on in-memory ports, counting the catalog requests (scope
 * reads, directory queries, manifest GETs): by key in a bucket from one read of the bucket's
 * directory (every generation; a restore reads only the newest manifest); the job-by-job path when
 * that read does not answer whole (`bucketReadCapacity`): sorted and unsorted jobs, every bucket, many
 * keys grouped by bundle, by prefix, the per-file index for `per_file` jobs, and a job planned after
 * the scopes were cached.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SOURCE, memoryRestoreEnv, putMemoryBundle, type MemoryRestoreEnv } from '../../support/memory-restore-env.js';

const text = (s: string): Buffer => Buffer.from(s);
const manifestGets = (env: MemoryRestoreEnv): number => env.objects.calls.filter((c) => c.op === 'GetObject' && c.key?.startsWith('manifests/')).length;
const reset = (env: MemoryRestoreEnv): void => {
  env.objects.calls.length = 0;
  env.directory.calls.length = 0;
};

/**
 * A sorted job of 3 bundles (a*, m*, x*), a second generation of m/1.txt, and a second bucket holding
 * m/1.txt too. @param bucketReadCapacity entries one read of a bucket's directory holds (0: the
 * job-by-job path)
 */
async function catalog(bucketReadCapacity = 0): Promise<MemoryRestoreEnv> {
  const env = memoryRestoreEnv();
  env.directory.bucketReadCapacity = bucketReadCapacity;
  env.objects.createBucket('other-src');
  await putMemoryBundle(
    env,
    [
      { key: 'a/1.txt', data: text('a1') },
      { key: 'a/2.txt', data: text('a2') },
    ],
    { jobId: 'j1', seq: 0, archivedAt: '2024-01-01T00:00:00.000Z' },
  );
  await putMemoryBundle(
    env,
    [
      { key: 'm/1.txt', data: text('m1 old') },
      { key: 'm/2.txt', data: text('m2') },
    ],
    { jobId: 'j1', seq: 1, archivedAt: '2024-01-01T00:00:00.000Z' },
  );
  await putMemoryBundle(env, [{ key: 'x/1.txt', data: text('x1') }], { jobId: 'j1', seq: 2, archivedAt: '2024-01-01T00:00:00.000Z' });
  await putMemoryBundle(env, [{ key: 'm/1.txt', data: text('m1 new') }], { jobId: 'j2', seq: 0, archivedAt: '2024-02-01T00:00:00.000Z' });
  await putMemoryBundle(env, [{ key: 'm/1.txt', data: text('elsewhere') }], { jobId: 'j3', seq: 0, sourceBucket: 'other-src' });
  reset(env);
  return env;
}

test('by key in a bucket: one read of the bucket directory, one manifest per bundle holding it; every generation', async () => {
  const env = await catalog(Number.POSITIVE_INFINITY);
  const page = await env.service().byKey(SOURCE, 'x/1.txt', { limit: 10 });
  assert.deepEqual(
    page.items.map((f) => [f.key, f.job_id]),
    [['x/1.txt', 'j1']],
  );
  assert.deepEqual(env.directory.calls, [`holdingInBucket ${SOURCE} x/1.txt`], 'no scope read, no per-job query');
  assert.equal(manifestGets(env), 1);
  reset(env);
  const gens = await env.service().byKey(SOURCE, 'm/1.txt', { limit: 10 });
  assert.deepEqual(
    gens.items.map((f) => [f.job_id, f.bucket]),
    [
      ['j1', SOURCE],
      ['j2', SOURCE],
    ],
    'oldest first, only this bucket',
  );
  assert.equal(manifestGets(env), 2);
  assert.deepEqual(env.directory.calls, [`holdingInBucket ${SOURCE} m/1.txt`]);
});

test('restore from the bucket directory: only the newest generation\u2019s manifest is read; a named generation reads that one', async () => {
  const env = await catalog(Number.POSITIVE_INFINITY);
  const svc = env.service({ extractOnSubmit: false });
  const ask = (generation?: string) =>
    svc.submit(
      { selection: { kind: 'keys', keys: ['m/1.txt'] }, bucket: SOURCE, generation, tier: 'Standard', days: 1, all_matches: false, requested_by: 't' },
      {},
    );
  assert.equal((await ask()).files[0]?.job_id, 'j2');
  assert.deepEqual(env.directory.calls, [`holdingInBucket ${SOURCE} m/1.txt`]);
  assert.equal(manifestGets(env), 1);
  reset(env);
  assert.equal((await ask('j1')).files[0]?.job_id, 'j1');
  assert.equal(manifestGets(env), 1);
  reset(env);
  assert.equal((await ask('2024-02-01T00:00:00.000Z')).files[0]?.job_id, 'j2', 'a generation time names the job too');
});

test('a bucket directory too large for one read: the lookup goes job by job through the scopes', async () => {
  const env = await catalog(2);
  const gens = await env.service().byKey(SOURCE, 'a/1.txt', { limit: 10 });
  assert.deepEqual(
    gens.items.map((f) => f.job_id),
    ['j1'],
  );
  assert.deepEqual(env.directory.calls, [`holdingInBucket ${SOURCE} a/1.txt`, `scopes ${SOURCE}`, `containing ${SOURCE}#j1 a/1.txt`]);
  reset(env);
  await env.service().byKey(SOURCE, 'x/1.txt', { limit: 10 });
  assert.deepEqual(env.directory.calls, [`holdingInBucket ${SOURCE} x/1.txt`], 'from x/ on the directory holds 1 entry: one read answers');
});

test('by key in a bucket, job by job: one scope read, one directory query per job holding it, one manifest per bundle; every generation', async () => {
  const env = await catalog();
  const page = await env.service().byKey(SOURCE, 'x/1.txt', { limit: 10 });
  assert.deepEqual(
    page.items.map((f) => [f.key, f.job_id]),
    [['x/1.txt', 'j1']],
  );
  assert.deepEqual(
    env.directory.calls,
    [`holdingInBucket ${SOURCE} x/1.txt`, `scopes ${SOURCE}`, `containing ${SOURCE}#j1 x/1.txt`],
    'j2 does not hold x/ keys: not queried',
  );
  assert.equal(manifestGets(env), 1);
  reset(env);
  const gens = await env.service().byKey(SOURCE, 'm/1.txt', { limit: 10 });
  assert.deepEqual(
    gens.items.map((f) => f.job_id),
    ['j1', 'j2'],
    'oldest first',
  );
  assert.equal(manifestGets(env), 2);
});

test('by key without a bucket: every archived bucket; restoring it is ambiguous with every candidate', async () => {
  const env = await catalog();
  const all = await env.service().byKey(undefined, 'm/1.txt', { limit: 10 });
  assert.deepEqual(all.items.map((f) => `${f.bucket}:${f.job_id}`).sort(), ['mem-source:j1', 'mem-source:j2', 'other-src:j3']);
  const svc = env.service();
  await assert.rejects(
    svc.submit({ selection: { kind: 'keys', keys: ['m/1.txt'] }, tier: 'Standard', days: 1, all_matches: false, requested_by: 't' }, {}),
    (err: unknown) => {
      const e = err as { code: string; details: { candidates: string[] } };
      assert.equal(e.code, 'AMBIGUOUS_NAME');
      assert.deepEqual(e.details.candidates, ['s3://mem-source/m/1.txt', 's3://other-src/m/1.txt']);
      return true;
    },
  );
});

test('an unsorted job (keys in any order, overlapping bundles) is searched by range and still found', async () => {
  const env = memoryRestoreEnv();
  env.directory.bucketReadCapacity = 0;
  await putMemoryBundle(
    env,
    [
      { key: 'u/z.txt', data: text('z') },
      { key: 'u/a.txt', data: text('a') },
    ],
    { jobId: 'ju', seq: 0, unsorted: true },
  );
  await putMemoryBundle(
    env,
    [
      { key: 'u/m.txt', data: text('m') },
      { key: 'u/b.txt', data: text('b') },
    ],
    { jobId: 'ju', seq: 1, unsorted: true },
  );
  assert.equal((await env.directory.scopes(SOURCE))[0]?.sorted, false);
  const found = await env.service().byKey(SOURCE, 'u/m.txt', { limit: 10 });
  assert.deepEqual(
    found.items.map((f) => f.bundle_key.endsWith('000001.zip')),
    [true],
  );
  assert.equal(manifestGets(env), 2, 'both bundles\u2019 ranges [u/a, u/z] and [u/b, u/m] hold u/m.txt');
});

test('many keys: one directory walk per job and one GET per manifest that holds any of them', async () => {
  const env = memoryRestoreEnv();
  env.directory.bucketReadCapacity = 0;
  const files = Array.from({ length: 60 }, (_, i) => ({ key: `k/${String(i).padStart(3, '0')}.txt`, data: text(String(i)) }));
  for (let b = 0; b < 6; b++) await putMemoryBundle(env, files.slice(b * 10, b * 10 + 10), { jobId: 'jm', seq: b });
  reset(env);
  const keys = files.filter((_, i) => i % 3 === 0 && i < 40).map((f) => f.key); // 14 keys in bundles 0-3
  keys.push(...['k/001.txt', 'k/002.txt', 'k/004.txt', 'nope.txt']);
  const r = await env
    .service({ extractOnSubmit: false })
    .submit({ selection: { kind: 'keys', keys }, bucket: SOURCE, tier: 'Standard', days: 1, all_matches: false, requested_by: 't' }, {});
  assert.equal(r.files.filter((f) => f.status !== 'NOT_FOUND').length, 17);
  assert.deepEqual(
    r.files.filter((f) => f.status === 'NOT_FOUND').map((f) => f.key),
    ['nope.txt'],
  );
  assert.equal(manifestGets(env), 4, 'bundles 0-3 only');
  assert.equal(env.directory.calls.filter((c) => c.startsWith('overlapping')).length, 1);
});

test('by prefix: only the bundles whose range may hold it, rows under it only', async () => {
  const env = await catalog();
  const page = await env
    .service()
    .submit({ selection: { kind: 'prefix', prefix: 'a/' }, bucket: SOURCE, tier: 'Standard', days: 1, all_matches: false, requested_by: 't' }, {});
  assert.deepEqual(page.files.map((f) => f.key).sort(), ['a/1.txt', 'a/2.txt']);
  assert.equal(manifestGets(env), 1);
});

test('per_file jobs: a key comes from the index in one query, no manifest read', async () => {
  const env = memoryRestoreEnv();
  await putMemoryBundle(
    env,
    [
      { key: 'p/1.txt', data: text('1') },
      { key: 'p/2.txt', data: text('2') },
    ],
    { jobId: 'jp', perFile: true },
  );
  reset(env);
  const page = await env.service({ perFile: true }).byKey(SOURCE, 'p/2.txt', { limit: 10 });
  assert.deepEqual(
    page.items.map((f) => [f.key, f.job_id]),
    [['p/2.txt', 'jp']],
  );
  assert.equal(manifestGets(env), 0);
  assert.deepEqual(env.directory.calls, [`scopes ${SOURCE}`]);
  const byName = await env.service({ perFile: true }).byName(SOURCE, '1.txt', { limit: 10 });
  assert.deepEqual(
    byName.items.map((f) => f.key),
    ['p/1.txt'],
  );
  assert.equal(manifestGets(env), 0);
});

test('a job archived after the scopes were cached is found: a miss asks again with fresh scopes', async () => {
  const env = memoryRestoreEnv();
  env.directory.bucketReadCapacity = 0;
  await putMemoryBundle(env, [{ key: 'c/1.txt', data: text('1') }], { jobId: 'early' });
  const svc = env.service({ scopeTtlMs: 60_000 });
  assert.equal((await svc.byKey(SOURCE, 'c/1.txt', { limit: 10 })).items.length, 1);
  await putMemoryBundle(env, [{ key: 'd/1.txt', data: text('1') }], { jobId: 'late' });
  reset(env);
  assert.equal((await svc.byKey(SOURCE, 'c/1.txt', { limit: 10 })).items.length, 1);
  assert.deepEqual(env.directory.calls, [`holdingInBucket ${SOURCE} c/1.txt`, `containing ${SOURCE}#early c/1.txt`], 'cached scopes: no scope read');
  reset(env);
  assert.equal((await svc.byKey(SOURCE, 'd/1.txt', { limit: 10 })).items.length, 1);
  assert.deepEqual(env.directory.calls, [`holdingInBucket ${SOURCE} d/1.txt`, `scopes ${SOURCE}`, `containing ${SOURCE}#late d/1.txt`]);
});

test('restoring a key archived twice reads only the newest job\u2019s directory and manifest; a named generation reads that one', async () => {
  const env = await catalog();
  const svc = env.service({ extractOnSubmit: false });
  const r = await svc.submit(
    { selection: { kind: 'keys', keys: ['m/1.txt'] }, bucket: SOURCE, tier: 'Standard', days: 1, all_matches: false, requested_by: 't' },
    {},
  );
  assert.equal(r.files[0]?.job_id, 'j2');
  assert.deepEqual(
    env.directory.calls.filter((c) => c.startsWith('containing')),
    [`containing ${SOURCE}#j2 m/1.txt`],
  );
  assert.equal(manifestGets(env), 1);
  reset(env);
  const named = await svc.submit(
    { selection: { kind: 'keys', keys: ['m/1.txt'] }, bucket: SOURCE, generation: 'j1', tier: 'Standard', days: 1, all_matches: false, requested_by: 't' },
    {},
  );
  assert.equal(named.files[0]?.job_id, 'j1');
  assert.deepEqual(
    env.directory.calls.filter((c) => c.startsWith('containing')),
    [`containing ${SOURCE}#j1 m/1.txt`],
  );
});
