/**
 * Restore behaviour moto cannot show by itself, proven with SDK middleware (request capture and
 * fault injection): one RestoreObject for concurrent requests, tier and Days rules (C15), corrupt
 * bytes, 409 RestoreAlreadyInProgress, a restore still in progress, 503 on the restore PutObject
 * (C11), AccessDenied on it (C10), the EventBridge completion event (C06), idempotency.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ListMultipartUploadsCommand, ListObjectsV2Command, RestoreObjectCommand } from '@aws-sdk/client-s3';
import { startMotoFixture, type MotoFixture } from '../support/moto.js';
import {
  countS3,
  drainNotifications,
  injectS3,
  putBundle,
  s3Error,
  serializeDynamo,
  setupRestoreEnv,
  type PutBundleOptions,
  type RestoreEnv,
} from '../support/restore-fixtures.js';
import type { RestoreRequestInput } from '../../src/domain/restore-request.js';
import { ValidationError } from '../../src/domain/errors.js';

let fx: MotoFixture;
let env: RestoreEnv;
let seq = 0;

const input = (keys: string[], extra: Partial<RestoreRequestInput> = {}): RestoreRequestInput => ({
  selection: { kind: 'keys', keys },
  bucket: env.sourceBucket,
  tier: 'Standard',
  days: 3,
  all_matches: false,
  requested_by: 'test',
  ...extra,
});

/** A fresh bundle of small text files `<p>/<name>` (each test its own bundle). */
async function bundle(names: string[], storageClass: 'DEEP_ARCHIVE' | 'GLACIER' | 'STANDARD' = 'DEEP_ARCHIVE', mutate?: PutBundleOptions['mutate']) {
  const p = `t${seq++}`;
  const b = await putBundle(
    env,
    names.map((n) => ({ key: `${p}/${n}`, data: Buffer.from(`content of ${p}/${n}\n`.repeat(20)) })),
    { storageClass, seq, ...(mutate ? { mutate } : {}) },
  );
  return { ...b, keys: names.map((n) => `${p}/${n}`) };
}

async function restoredKeys(restoreId: string): Promise<string[]> {
  const res = await fx.clients.s3.send(new ListObjectsV2Command({ Bucket: env.restoreBucket, Prefix: `restores/${restoreId}/` }));
  return (res.Contents ?? []).map((o) => o.Key!);
}

before(async () => {
  fx = await startMotoFixture();
  env = await setupRestoreEnv(fx);
});
after(async () => fx?.close());

test('two concurrent requests for files in one bundle make exactly one RestoreObject, and both complete', async () => {
  const b = await bundle(['one.txt', 'two.txt']);
  const counter = countS3(fx.clients.s3);
  const unserialize = serializeDynamo(fx.clients.dynamo); // moto's conditional writes are not atomic
  try {
    const [r1, r2] = await Promise.all([env.service().submit(input([b.keys[0]!]), {}), env.service().submit(input([b.keys[1]!]), {})]);
    assert.equal(counter.count('RestoreObject'), 1);
    assert.equal(r1.status, 'RESTORING');
    assert.equal(r2.status, 'RESTORING');
    await env.service().reconcile();
    assert.equal((await env.service().get(r1.restore_id))!.status, 'AVAILABLE');
    assert.equal((await env.service().get(r2.restore_id))!.status, 'AVAILABLE');
    assert.equal(counter.count('RestoreObject'), 1);
    assert.equal(counter.count('HeadObject'), 1, 'one HeadObject per pending bundle per reconcile pass');
  } finally {
    unserialize();
    counter.stop();
  }
});

test("a request arriving while the first one's RestoreObject is in flight joins it (deterministic interleaving)", async () => {
  const b = await bundle(['one.txt', 'two.txt']);
  const counter = countS3(fx.clients.s3);
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let entered!: () => void;
  const inFlight = new Promise<void>((r) => (entered = r));
  const name = 'hold-restore';
  fx.clients.s3.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'RestoreObjectCommand') {
        entered();
        await gate;
      }
      return next(args);
    },
    { step: 'initialize', name },
  );
  try {
    const first = env.service().submit(input([b.keys[0]!]), {});
    await inFlight; // the first request has claimed the bundle and is sending RestoreObject
    const second = await env.service().submit(input([b.keys[1]!]), {});
    assert.equal(second.status, 'RESTORING');
    release();
    const r1 = await first;
    assert.equal(counter.count('RestoreObject'), 1);
    await env.service().reconcile();
    assert.equal((await env.service().get(r1.restore_id))!.status, 'AVAILABLE');
    assert.equal((await env.service().get(second.restore_id))!.status, 'AVAILABLE');
  } finally {
    release();
    fx.clients.s3.middlewareStack.remove(name);
    counter.stop();
  }
});

test('C15a: Expedited on a Deep Archive file alone is a 400 naming Standard and Bulk, before any restore or write (only the manifest is read)', async () => {
  const b = await bundle(['one.txt']);
  const counter = countS3(fx.clients.s3);
  try {
    await assert.rejects(env.service().submit(input([b.keys[0]!], { tier: 'Expedited' }), {}), (err: unknown) => {
      assert.ok(err instanceof ValidationError);
      assert.equal(err.code, 'TIER_NOT_ALLOWED');
      assert.equal(err.status, 400);
      assert.match(err.message, /allowed tiers: Standard, Bulk/);
      return true;
    });
    assert.deepEqual(
      counter.inputs.map((i) => `${i.command} ${String(i.input.Key).split('/')[0]}`),
      ['GetObject manifests'],
      'the storage class is the directory entry\u2019s; the row comes from the manifest; no RestoreObject, no write',
    );
  } finally {
    counter.stop();
  }
});

test('C15a: in a multi-file request only the Deep Archive file fails; the GLACIER one proceeds with Expedited', async () => {
  const deep = await bundle(['one.txt']);
  const glacier = await bundle(['std.txt'], 'GLACIER');
  const counter = countS3(fx.clients.s3);
  try {
    const r = await env.service().submit(input([deep.keys[0]!, glacier.keys[0]!], { tier: 'Expedited' }), {});
    const one = r.files.find((f) => f.key === deep.keys[0])!;
    assert.equal(one.status, 'FAILED');
    assert.equal(one.error_code, 'TIER_NOT_ALLOWED');
    assert.match(String(one.message), /Standard, Bulk/);
    const restores = counter.inputs.filter((i) => i.command === 'RestoreObject');
    assert.deepEqual(
      restores.map((i) => i.input.Key),
      [glacier.bundleKey],
    );
    assert.equal((restores[0]!.input.RestoreRequest as { GlacierJobParameters: { Tier: string } }).GlacierJobParameters.Tier, 'Expedited');
    await env.service().reconcile(r.restore_id);
    const done = (await env.service().get(r.restore_id))!;
    assert.equal(done.status, 'PARTIAL');
    assert.equal(done.files.find((f) => f.key === glacier.keys[0])!.status, 'AVAILABLE');
  } finally {
    counter.stop();
  }
});

test('C15b/c: RestoreObject carries Days = 3 by default and Tier Standard; days 0 is a 400 with no AWS call', async () => {
  const b = await bundle(['one.txt']);
  const counter = countS3(fx.clients.s3);
  try {
    await assert.rejects(env.service().submit(input([b.keys[0]!], { days: 0 }), {}), (err: unknown) => err instanceof ValidationError && err.field === 'days');
    assert.equal(counter.inputs.length, 0);
    await env.service().submit(input([b.keys[0]!]), {});
    const sent = counter.inputs.find((i) => i.command === 'RestoreObject')!.input.RestoreRequest as { Days: number; GlacierJobParameters: { Tier: string } };
    assert.equal(sent.Days, 3);
    assert.equal(sent.GlacierJobParameters.Tier, 'Standard');
  } finally {
    counter.stop();
  }
});

test('a corrupted byte in a bundle gives FAILED with a checksum error and writes nothing for that file', async () => {
  // Stored entries: a flipped data byte always changes the content (a flip inside deflated data of
  // a repetitive text can decode to the same bytes, which would make this test unable to fail).
  const p = `t${seq++}`;
  const b0 = await putBundle(
    env,
    [
      { key: `${p}/good.txt`, data: Buffer.from('good'), method: 0 },
      { key: `${p}/bad.txt`, data: Buffer.from('bad bytes here'), method: 0 },
    ],
    {
      seq,
      mutate: (buf, entries) => {
        const bad = entries.find((e) => e.name.endsWith('/bad.txt'))!;
        const at = bad.offset + bad.length - bad.compressedSize + 2; // third byte of the data
        buf[at] = buf[at]! ^ 0xff;
      },
    },
  );
  const b = { ...b0, keys: [`${p}/good.txt`, `${p}/bad.txt`] };
  const svc = env.service();
  const r = await svc.submit(input(b.keys), {});
  await svc.reconcile(r.restore_id);
  const done = (await svc.get(r.restore_id))!;
  const bad = done.files.find((f) => f.key.endsWith('/bad.txt'))!;
  assert.equal(bad.status, 'FAILED');
  assert.equal(bad.error_code, 'INTEGRITY_ERROR');
  assert.match(String(bad.message), /CRC-32|SHA-256|deflate/);
  assert.equal(done.status, 'PARTIAL');
  assert.deepEqual(await restoredKeys(r.restore_id), [`restores/${r.restore_id}/${env.sourceBucket}/${b.keys[0]}`]);
});

test('an injected 409 RestoreAlreadyInProgress joins the restore in flight; the reconciler completes it', async () => {
  const b = await bundle(['one.txt']);
  await fx.clients.s3.send(
    new RestoreObjectCommand({ Bucket: env.archiveBucket, Key: b.bundleKey, RestoreRequest: { Days: 1, GlacierJobParameters: { Tier: 'Bulk' } } }),
  );
  const remove = injectS3(fx.clients.s3, {
    fault: (c) => (c === 'RestoreObject' ? s3Error('RestoreAlreadyInProgress', 409, 'Object restore is already in progress') : undefined),
  });
  const counter = countS3(fx.clients.s3);
  try {
    const r = await env.service().submit(input(b.keys), {});
    assert.equal(r.status, 'RESTORING');
    assert.equal(r.files[0]!.status, 'RESTORING');
    assert.equal(counter.count('RestoreObject'), 1);
    await env.service().reconcile(r.restore_id);
    assert.equal((await env.service().get(r.restore_id))!.status, 'AVAILABLE');
  } finally {
    counter.stop();
    remove();
  }
});

test('a restore still in progress (x-amz-restore ongoing) stays RESTORING until the reconciler sees it done', async () => {
  const b = await bundle(['one.txt']);
  const svc = env.service();
  const remove = injectS3(fx.clients.s3, { output: (c, out) => void (c === 'HeadObject' && (out.Restore = 'ongoing-request="true"')) });
  let r;
  try {
    r = await svc.submit(input(b.keys), {});
    await svc.reconcile(r.restore_id);
    await svc.reconcile();
    assert.equal((await svc.get(r.restore_id))!.status, 'RESTORING');
    assert.deepEqual(await restoredKeys(r.restore_id), []);
  } finally {
    remove();
  }
  const summary = await svc.reconcile(r.restore_id);
  assert.equal(summary.bundles_ready, 1);
  assert.equal((await svc.get(r.restore_id))!.status, 'AVAILABLE');
});

test('C06: the EventBridge "Object Restore Completed" event completes the restore without the reconciler', async () => {
  const b = await bundle(['one.txt']);
  const svc = env.service();
  const r = await svc.submit(input(b.keys), {});
  await drainNotifications(env);
  const encoded = encodeURIComponent(b.bundleKey).replace(/%2F/g, '/');
  const handled = await svc.handleEvent({
    version: '0',
    'detail-type': 'Object Restore Completed',
    source: 'aws.s3',
    detail: {
      bucket: { name: env.archiveBucket },
      object: { key: encoded },
      'restore-expiry-time': '2099-01-01T00:00:00Z',
      'source-storage-class': 'DEEP_ARCHIVE',
    },
  });
  assert.deepEqual(handled, [b.bundleKey]);
  assert.equal((await svc.get(r.restore_id))!.status, 'AVAILABLE');
  const notes = await drainNotifications(env);
  assert.equal(notes.length, 1);
  assert.equal(notes[0]!.message.restore_id, r.restore_id);
});

test('C11: one 503 SlowDown on the restore PutObject is retried; the restore completes with one SNS success', async () => {
  const b = await bundle(['one.txt']);
  const svc = env.service();
  let puts = 0;
  const remove = injectS3(fx.clients.s3, {
    fault: (c, i) =>
      c === 'PutObject' && i.Bucket === env.restoreBucket && puts++ === 0 ? s3Error('SlowDown', 503, 'Please reduce your request rate.') : undefined,
  });
  try {
    await drainNotifications(env);
    const r = await svc.submit(input(b.keys), {});
    await svc.reconcile(r.restore_id);
    assert.equal(puts, 2, 'the PutObject was attempted twice');
    assert.equal((await svc.get(r.restore_id))!.status, 'AVAILABLE');
    const notes = await drainNotifications(env);
    assert.deepEqual(
      notes.map((n) => [n.message.restore_id, n.attributes.status?.Value]),
      [[r.restore_id, 'AVAILABLE']],
    );
  } finally {
    remove();
  }
});

test('C10: AccessDenied writing to the restore bucket fails the file and sends an SNS failure notification', async () => {
  const b = await bundle(['one.txt']);
  const svc = env.service();
  const remove = injectS3(fx.clients.s3, {
    fault: (c, i) => (c === 'PutObject' && i.Bucket === env.restoreBucket ? s3Error('AccessDenied', 403, 'Access Denied') : undefined),
  });
  try {
    await drainNotifications(env);
    const r = await svc.submit(input(b.keys), {});
    await svc.reconcile(r.restore_id);
    const done = (await svc.get(r.restore_id))!;
    assert.equal(done.status, 'FAILED');
    assert.equal(done.files[0]!.error_code, 'AccessDenied');
    assert.match(String(done.files[0]!.message), /kms:GenerateDataKey/);
    const notes = await drainNotifications(env);
    assert.deepEqual(
      notes.map((n) => [n.message.event, n.attributes.event?.Value]),
      [['restore.failed', 'restore.failed']],
    );
  } finally {
    remove();
  }
});

test('STANDARD bundles need no RestoreObject; a repeated idempotency key returns the same restore', async () => {
  const b = await bundle(['one.txt'], 'STANDARD');
  const counter = countS3(fx.clients.s3);
  try {
    const r1 = await env.service().submit(input(b.keys), { idempotencyKey: 'same-key' });
    const r2 = await env.service().submit(input(b.keys), { idempotencyKey: 'same-key' });
    assert.equal(r1.restore_id, r2.restore_id);
    assert.equal(r1.status, 'AVAILABLE');
    assert.equal(counter.count('RestoreObject'), 0);
    assert.equal(counter.inputs.filter((i) => i.command === 'PutObject').length, 1);
  } finally {
    counter.stop();
  }
});

test('a topic ARN not on the allow-list is a 400; an allowed one is notified as well', async () => {
  const b = await bundle(['one.txt'], 'STANDARD');
  await assert.rejects(
    env.service().submit(input(b.keys, { topic_arn: 'arn:aws:sns:us-east-1:123456789012:other' }), {}),
    (err: unknown) => err instanceof ValidationError && err.code === 'TOPIC_NOT_ALLOWED' && err.field === 'sns_topic_arn',
  );
  await drainNotifications(env);
  const svc = env.service({ topicArn: undefined, allowedTopicArns: [env.topicArn] });
  await svc.submit(input(b.keys, { topic_arn: env.topicArn }), {});
  assert.equal((await drainNotifications(env)).length, 1);
});

test('a corrupted byte in a streamed (multipart) entry fails the file and leaves no object and no open upload', async () => {
  const p = `t${seq++}`;
  const data = Buffer.alloc(6 * 1024 * 1024, 'abcdefgh');
  const b = await putBundle(env, [{ key: `${p}/big.csv`, data, method: 0, stream: true }], {
    seq,
    mutate: (buf, entries) => {
      const e = entries[0]!;
      const at = e.offset + Math.floor(e.length / 2);
      buf[at] = buf[at]! ^ 0x01;
    },
  });
  const svc = env.service({ bufferedMaxBytes: 1024, partSize: 5 * 1024 * 1024 });
  const r = await svc.submit(input([`${p}/big.csv`]), {});
  await svc.reconcile(r.restore_id);
  const done = (await svc.get(r.restore_id))!;
  assert.equal(done.files[0]!.status, 'FAILED');
  assert.equal(done.files[0]!.error_code, 'INTEGRITY_ERROR');
  assert.deepEqual(await restoredKeys(r.restore_id), []);
  const uploads = await fx.clients.s3.send(new ListMultipartUploadsCommand({ Bucket: env.restoreBucket }));
  assert.deepEqual(
    (uploads.Uploads ?? []).map((u) => u.Key),
    [],
  );
  assert.ok(b.bytes > 0);
});

test('an expired restored copy (GET answers 403 InvalidObjectState) sends the file back to RESTORING; the reconciler restores the bundle again', async () => {
  const b = await bundle(['one.txt']);
  const svc = env.service();
  let gets = 0;
  const remove = injectS3(fx.clients.s3, {
    fault: (c, i) =>
      c === 'GetObject' && i.Bucket === env.archiveBucket && String(i.Key).startsWith('bundles/') && gets++ === 0
        ? s3Error('InvalidObjectState', 403, "The operation is not valid for the object's storage class")
        : undefined,
  });
  const counter = countS3(fx.clients.s3);
  try {
    const r = await svc.submit(input(b.keys), {});
    await svc.reconcile(r.restore_id);
    assert.equal((await svc.get(r.restore_id))!.files[0]!.status, 'RESTORING');
    assert.equal(counter.count('RestoreObject'), 1);
    await svc.reconcile(r.restore_id);
    assert.equal(counter.count('RestoreObject'), 2, 'the bundle was restored again');
    assert.equal((await svc.get(r.restore_id))!.status, 'AVAILABLE');
  } finally {
    counter.stop();
    remove();
  }
});

test('extractOnSubmit false leaves readable files PENDING for the reconciler (short API calls)', async () => {
  const b = await bundle(['one.txt', 'two.txt'], 'STANDARD');
  const svc = env.service({ extractOnSubmit: false });
  const r = await svc.submit(input(b.keys), {});
  assert.equal(r.status, 'PENDING');
  assert.deepEqual(await restoredKeys(r.restore_id), []);
  await svc.reconcile(r.restore_id);
  assert.equal((await svc.get(r.restore_id))!.status, 'AVAILABLE');
  assert.equal((await restoredKeys(r.restore_id)).length, 2);
});

test('RestoreObject failing with 503 past the retries leaves the file RESTORING; the next reconcile restores it; a 403 fails it', async () => {
  const b = await bundle(['one.txt']);
  const svc = env.service();
  let remove = injectS3(fx.clients.s3, { fault: (c) => (c === 'RestoreObject' ? s3Error('ServiceUnavailable', 503, 'Service Unavailable') : undefined) });
  let r;
  try {
    r = await svc.submit(input(b.keys), {});
    assert.equal(r.files[0]!.status, 'RESTORING');
  } finally {
    remove();
  }
  const counter = countS3(fx.clients.s3);
  try {
    await svc.reconcile(r.restore_id); // claims the bundle again and sends RestoreObject
    assert.equal(counter.count('RestoreObject'), 1);
    assert.equal((await svc.get(r.restore_id))!.status, 'RESTORING');
    await svc.reconcile(r.restore_id); // sees the restore done
    assert.equal((await svc.get(r.restore_id))!.status, 'AVAILABLE');
  } finally {
    counter.stop();
  }

  const denied = await bundle(['two.txt']);
  remove = injectS3(fx.clients.s3, { fault: (c) => (c === 'RestoreObject' ? s3Error('AccessDenied', 403, 'Access Denied') : undefined) });
  try {
    const d = await svc.submit(input(denied.keys), {});
    assert.equal(d.status, 'FAILED');
    assert.equal(d.files[0]!.error_code, 'RESTORE_REQUEST_FAILED');
    assert.match(String(d.files[0]!.message), /AccessDenied/);
  } finally {
    remove();
  }
});
