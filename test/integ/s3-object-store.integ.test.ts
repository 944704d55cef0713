import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { S3ObjectStore } from '../../src/adapters/s3/s3-object-store.js';
import { ObjectStoreError } from '../../src/domain/ports/object-store.js';
import { startMotoFixture, type MotoFixture } from '../support/moto.js';

let fx: MotoFixture;
let store: S3ObjectStore;
before(async () => {
  fx = await startMotoFixture();
  await fx.clients.s3.send(new CreateBucketCommand({ Bucket: 'objstore' }));
  store = new S3ObjectStore(fx.clients.s3, { streamPartSize: 5 * 1024 * 1024 });
});
after(async () => fx.close());

async function text(body: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks).toString('utf8');
}

test('errors name the operation and the resource and carry a domain failure', async () => {
  const missing = await store.getObject({ bucket: 'objstore', key: 'no/such.txt' }).catch((e: unknown) => e);
  assert.ok(missing instanceof ObjectStoreError);
  assert.equal(missing.failure, 'NOT_FOUND');
  assert.match(missing.message, /^GetObject s3:\/\/objstore\/no\/such\.txt: NoSuchKey/);
  const bucket = await store.headBucket('no-such-bucket-here').catch((e: unknown) => e);
  assert.ok(bucket instanceof ObjectStoreError);
  assert.equal(bucket.failure, 'NO_SUCH_BUCKET');
  assert.match(bucket.message, /HeadBucket s3:\/\/no-such-bucket-here/);
});

test('If-Match on a changed ETag is PRECONDITION_FAILED; ranged GET returns the range and the total size', async () => {
  const put = await store.putObject({
    bucket: 'objstore',
    key: 'a.txt',
    body: 'hello world',
    headers: { contentType: 'text/plain', cacheControl: 'max-age=60' },
    metadata: { owner: 'team-a' },
  });
  const stale = await store.getObject({ bucket: 'objstore', key: 'a.txt', ifMatch: 'deadbeef' }).catch((e: unknown) => e);
  assert.ok(stale instanceof ObjectStoreError && stale.failure === 'PRECONDITION_FAILED');
  const got = await store.getObject({ bucket: 'objstore', key: 'a.txt', ifMatch: put.etag!, range: { start: 6, end: 10 } });
  assert.equal(await text(got.body), 'world');
  assert.equal(got.totalSize, 11);
  assert.equal(got.headers.contentType, 'text/plain');
  assert.equal(got.headers.cacheControl, 'max-age=60');
  assert.equal(got.metadata.owner, 'team-a');
});

test('listObjects streams every key in byte order; uploadStream writes a multipart object', async () => {
  for (const k of ['l/b', 'l/a', 'l/c']) await store.putObject({ bucket: 'objstore', key: k, body: k });
  const keys: string[] = [];
  for await (const o of store.listObjects('objstore', 'l/')) keys.push(o.key);
  assert.deepEqual(keys, ['l/a', 'l/b', 'l/c']);
  await store.putObject({ bucket: 'objstore', key: 'p/x/1', body: '1' });
  await store.putObject({ bucket: 'objstore', key: 'p/y/2', body: '2' });
  const prefixes: string[] = [];
  for await (const p of store.listCommonPrefixes('objstore', 'p/')) prefixes.push(p);
  assert.deepEqual(prefixes, ['p/x/', 'p/y/']);
  const big = Buffer.alloc(11 * 1024 * 1024, 7);
  await store.uploadStream({ bucket: 'objstore', key: 'big.bin', body: Readable.from([big]) });
  const head = await store.headObject({ bucket: 'objstore', key: 'big.bin' });
  assert.equal(head.size, big.length);
  assert.match(head.etag, /-3$/);
});

test('multipart uploads can be listed and aborted; aborting twice is not an error', async () => {
  const { uploadId: id } = await store.createMultipartUpload({ bucket: 'objstore', key: 'mp/1.zip', storageClass: 'DEEP_ARCHIVE' });
  const open: string[] = [];
  for await (const u of store.listMultipartUploads('objstore', 'mp/')) open.push(u.uploadId);
  assert.deepEqual(open, [id]);
  await store.abortMultipartUpload({ bucket: 'objstore', key: 'mp/1.zip', uploadId: id });
  await store.abortMultipartUpload({ bucket: 'objstore', key: 'mp/1.zip', uploadId: id });
  const after: string[] = [];
  for await (const u of store.listMultipartUploads('objstore', 'mp/')) after.push(u.uploadId);
  assert.deepEqual(after, []);
});

test('RestoreObject on a STANDARD object is INVALID_OBJECT_STATE; on DEEP_ARCHIVE it starts', async () => {
  await store.putObject({ bucket: 'objstore', key: 'std.txt', body: 'x' });
  const err = await store.restoreObject({ bucket: 'objstore', key: 'std.txt', days: 1, tier: 'Standard' }).catch((e: unknown) => e);
  assert.ok(err instanceof ObjectStoreError && err.failure === 'INVALID_OBJECT_STATE', String(err));
  await store.putObject({ bucket: 'objstore', key: 'deep.txt', body: 'y', storageClass: 'DEEP_ARCHIVE' });
  const started = await store.restoreObject({ bucket: 'objstore', key: 'deep.txt', days: 1, tier: 'Standard' });
  assert.ok(started === 'STARTED' || started === 'ALREADY_RESTORED');
});
