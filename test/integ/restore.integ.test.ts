/**
 * Restore round trips against moto: byte-exact files (0 bytes, awkward keys, unicode, a
 * 1,024-byte key, a streamed multipart one), bytes transferred per file, lookups by name and
 * prefix, and the SNS notification delivered to an SQS subscription.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { startMotoFixture, type MotoFixture } from '../support/moto.js';
import { countS3, drainNotifications, putBundle, setupRestoreEnv, type FixtureBundle, type RestoreEnv } from '../support/restore-fixtures.js';
import type { RestoreRequestInput } from '../../src/domain/restore-request.js';
import { ValidationError } from '../../src/domain/errors.js';

let fx: MotoFixture;
let env: RestoreEnv;
let main: FixtureBundle;
const LONG_KEY = 'k/' + '€'.repeat(340) + 'xy';
const BIG = randomBytes(6 * 1024 * 1024 + 123);
const files: Record<string, Buffer> = {
  'empty/zero.bin': Buffer.alloc(0),
  'q/a b.txt': Buffer.from('space'),
  'q/a+b.txt': Buffer.from('plus'),
  'q/a%2Bb.txt': Buffer.from('percent'),
  'q/x?y#z.txt': Buffer.from('query hash'),
  'q0/outside.txt': Buffer.from('not under q/'),
  'ünï/cødé/日本.csv': Buffer.from('a,b\n'.repeat(2000)),
  [LONG_KEY]: Buffer.from('0123456789'),
  'a/index.js': Buffer.from('one'),
  'b/index.js': Buffer.from('two'),
  'pad/random.bin': randomBytes(300_000),
};

const input = (selection: RestoreRequestInput['selection'], extra: Partial<RestoreRequestInput> = {}): RestoreRequestInput => ({
  selection,
  tier: 'Standard',
  days: 3,
  all_matches: false,
  requested_by: 'test',
  ...extra,
});

async function body(bucket: string, key: string): Promise<Buffer> {
  const res = await fx.clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await res.Body!.transformToByteArray());
}

before(async () => {
  fx = await startMotoFixture();
  env = await setupRestoreEnv(fx);
  main = await putBundle(env, [
    ...Object.entries(files).map(([key, data]) => ({
      key,
      data,
      method: key.endsWith('.bin') ? (0 as const) : (8 as const),
      contentType: key.endsWith('.csv') ? 'text/csv' : 'text/plain',
    })),
    { key: 'big/streamed.bin', data: BIG, method: 0, stream: true, contentType: 'application/octet-stream' },
  ]);
});
after(async () => fx?.close());

test('every file comes back byte-exact under restores/<id>/<key> with its content type, and one SNS success arrives', async () => {
  const svc = env.service({ bufferedMaxBytes: 1024 * 1024, partSize: 5 * 1024 * 1024 });
  const keys = [...Object.keys(files).filter((k) => k !== 'q0/outside.txt'), 'big/streamed.bin'];
  const submitted = await svc.submit(input({ kind: 'keys', keys }, { bucket: env.sourceBucket }), {});
  assert.equal(submitted.status, 'RESTORING');
  assert.ok(submitted.files.every((f) => f.status === 'RESTORING'));
  await drainNotifications(env);
  await svc.reconcile();
  const view = (await svc.get(submitted.restore_id))!;
  assert.equal(view.status, 'AVAILABLE', JSON.stringify(view.files.filter((f) => f.status !== 'AVAILABLE')));
  for (const f of view.files) {
    const expected = f.key === 'big/streamed.bin' ? BIG : files[f.key]!;
    const loc = /^s3:\/\/([^/]+)\/(.+)$/s.exec(String(f.location))!;
    assert.equal(loc[1], env.restoreBucket);
    if (Buffer.byteLength(`restores/${view.restore_id}/${env.sourceBucket}/${f.key}`) <= 1024)
      assert.equal(loc[2], `restores/${view.restore_id}/${env.sourceBucket}/${f.key}`);
    else assert.match(loc[2]!, /^restores\/rst-[^/]+\/_keys\/[0-9a-f]{64}$/);
    const got = await body(env.restoreBucket, loc[2]!);
    assert.equal(createHash('sha256').update(got).digest('hex'), createHash('sha256').update(expected).digest('hex'), f.key);
    const head = await fx.clients.s3.send(new HeadObjectCommand({ Bucket: env.restoreBucket, Key: loc[2]! }));
    assert.equal(head.ContentType, f.key.endsWith('.csv') ? 'text/csv' : f.key === 'big/streamed.bin' ? 'application/octet-stream' : 'text/plain');
  }
  const notes = await drainNotifications(env);
  assert.equal(notes.length, 1);
  const msg = notes[0]!;
  assert.equal(msg.message.event, 'restore.completed');
  assert.equal(msg.message.restore_id, view.restore_id);
  assert.equal(msg.attributes.status?.Value, 'AVAILABLE');
  assert.equal(msg.attributes.event?.Value, 'restore.completed');
  const plus = (msg.message.files as { key: string; url: string }[]).find((f) => f.key === 'q/a+b.txt')!;
  const fetched = await fetch(plus.url);
  assert.equal(fetched.status, 200);
  assert.equal(Buffer.from(await fetched.arrayBuffer()).toString(), 'plus');
});

test('a single-file restore transfers at most the entry length + 64 KiB from the bundle (plus its manifest, read once)', async () => {
  const svc = env.service();
  const item = main.items.find((i) => i.key === 'q/a+b.txt')!;
  const counter = countS3(fx.clients.s3);
  try {
    const r = await svc.submit(input({ kind: 'keys', keys: ['q/a+b.txt'] }, { bucket: env.sourceBucket }), {});
    await svc.reconcile(r.restore_id);
    assert.equal((await svc.get(r.restore_id))!.status, 'AVAILABLE');
    // The presigner runs the initialize step too (without sending): count reads of the archive bucket.
    const archiveGets = counter.inputs.filter((i) => i.command === 'GetObject' && i.input.Bucket === env.archiveBucket);
    const gets = archiveGets.filter((i) => String(i.input.Key).startsWith('bundles/'));
    const manifests = archiveGets.filter((i) => String(i.input.Key).startsWith('manifests/'));
    assert.equal(gets.length, 1, JSON.stringify(counter.inputs.map((i) => [i.command, i.input.Key, i.input.Range])));
    assert.equal(manifests.length, 1, 'the catalog reads the one manifest of the bundle');
    assert.equal(gets[0]!.input.Range, `bytes=${item.offset}-${item.offset + item.length - 1}`);
    assert.ok(gets[0]!.bytes! > 0 && gets[0]!.bytes! <= item.length + 64 * 1024, `${gets[0]!.bytes} bytes for an entry of ${item.length}`);
    assert.ok(manifests[0]!.bytes! < 4096, `the manifest is ${manifests[0]!.bytes} bytes`);
    assert.ok(main.bytes > 20 * (item.length + 64 * 1024), 'the bundle is much larger than what was read');
  } finally {
    counter.stop();
  }
});

test('a base name matching two keys is an ambiguity error listing both; all_matches restores both', async () => {
  const svc = env.service();
  await assert.rejects(svc.submit(input({ kind: 'names', names: ['index.js'] }), {}), (err: unknown) => {
    assert.ok(err instanceof ValidationError);
    assert.equal(err.code, 'AMBIGUOUS_NAME');
    assert.match(err.message, /s3:\/\/rt-source\/a\/index\.js/);
    assert.match(err.message, /s3:\/\/rt-source\/b\/index\.js/);
    return true;
  });
  const r = await svc.submit(input({ kind: 'names', names: ['index.js'] }, { all_matches: true }), {});
  assert.deepEqual(r.files.map((f) => f.key).sort(), ['a/index.js', 'b/index.js']);
});

test('names are looked up without a bucket (as the source application sends them); unknown names are NOT_FOUND', async () => {
  const svc = env.service();
  const r = await svc.submit(input({ kind: 'names', names: ['日本.csv', 'nope.csv'] }, { project: 'proj' }), {});
  const byKey = new Map(r.files.map((f) => [f.key, f]));
  assert.ok(byKey.has('ünï/cødé/日本.csv'));
  assert.equal(byKey.get('nope.csv')?.status, 'NOT_FOUND');
  await svc.reconcile(r.restore_id);
  const done = (await svc.get(r.restore_id))!;
  assert.equal(done.status, 'PARTIAL');
  assert.equal(done.files.find((f) => f.key === 'ünï/cødé/日本.csv')?.status, 'AVAILABLE');
});

test('a prefix restores exactly the keys under it (read from manifests), not q0/...', async () => {
  const svc = env.service();
  const r = await svc.submit(input({ kind: 'prefix', prefix: 'q/' }), {});
  assert.deepEqual(r.files.map((f) => f.key).sort(), ['q/a b.txt', 'q/a%2Bb.txt', 'q/a+b.txt', 'q/x?y#z.txt']);
  await svc.reconcile(r.restore_id);
  const done = (await svc.get(r.restore_id))!;
  assert.equal(done.status, 'AVAILABLE');
  for (const f of done.files) assert.deepEqual(await body(env.restoreBucket, `restores/${r.restore_id}/${env.sourceBucket}/${f.key}`), files[f.key]);
  const listed = await fx.clients.s3.send(new ListObjectsV2Command({ Bucket: env.restoreBucket, Prefix: `restores/${r.restore_id}/${env.sourceBucket}/` }));
  assert.deepEqual((listed.Contents ?? []).map((o) => o.Key!.slice(`restores/${r.restore_id}/${env.sourceBucket}/`.length)).sort(), [
    'q/a b.txt',
    'q/a%2Bb.txt',
    'q/a+b.txt',
    'q/x?y#z.txt',
  ]);
});

test('the same key archived from two buckets and restored by prefix without a bucket gets two locations with the right bytes (issue 11 item 8)', async () => {
  const svc = env.service();
  await putBundle(env, [{ key: 'two/same.txt', data: Buffer.from('AAA-from-first') }], { sourceBucket: 'bucket-one', jobId: 'job-b1' });
  await putBundle(env, [{ key: 'two/same.txt', data: Buffer.from('BBB-from-second') }], { sourceBucket: 'bucket-two', jobId: 'job-b2' });
  const r = await svc.submit(input({ kind: 'prefix', prefix: 'two/' }), {});
  await svc.reconcile(r.restore_id);
  const done = (await svc.get(r.restore_id))!;
  assert.equal(done.status, 'AVAILABLE');
  const locations = done.files.map((f) => String(f.location)).sort();
  assert.equal(new Set(locations).size, 2, locations.join(', '));
  assert.equal((await body(env.restoreBucket, `restores/${r.restore_id}/bucket-one/two/same.txt`)).toString(), 'AAA-from-first');
  assert.equal((await body(env.restoreBucket, `restores/${r.restore_id}/bucket-two/two/same.txt`)).toString(), 'BBB-from-second');
});

test('a key archived twice restores the newest generation unless one is named', async () => {
  const svc = env.service();
  const old = await putBundle(env, [{ key: 'gen/file.txt', data: Buffer.from('old') }], { jobId: 'job-old', archivedAt: '2024-01-01T00:00:00.000Z' });
  await putBundle(env, [{ key: 'gen/file.txt', data: Buffer.from('new') }], { jobId: 'job-new', archivedAt: '2024-02-01T00:00:00.000Z' });
  const newest = await svc.submit(input({ kind: 'keys', keys: ['gen/file.txt'] }, { bucket: env.sourceBucket }), {});
  const named = await svc.submit(input({ kind: 'keys', keys: ['gen/file.txt'] }, { bucket: env.sourceBucket, generation: 'job-old' }), {});
  assert.equal(named.files[0]?.bundle_key, old.bundleKey);
  await svc.reconcile();
  assert.equal((await body(env.restoreBucket, `restores/${newest.restore_id}/${env.sourceBucket}/gen/file.txt`)).toString(), 'new');
  assert.equal((await body(env.restoreBucket, `restores/${named.restore_id}/${env.sourceBucket}/gen/file.txt`)).toString(), 'old');
});
