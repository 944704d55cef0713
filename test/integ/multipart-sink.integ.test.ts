import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { S3ObjectStore } from '../../src/adapters/s3/s3-object-store.js';
import { MultipartSink, crc32Base64 } from '../../src/archive/multipart-sink.js';
import { crc32 } from 'node:zlib';
import { startMotoFixture, type MotoFixture } from '../support/moto.js';

let fx: MotoFixture;
before(async () => {
  fx = await startMotoFixture();
  await fx.clients.s3.send(new CreateBucketCommand({ Bucket: 'arch' }));
});
after(async () => fx.close());

test('multipart upload in DEEP_ARCHIVE with a FULL_OBJECT CRC-32 that S3 reports back', async () => {
  const data = randomBytes(12 * 1024 * 1024 + 123);
  const sink = new MultipartSink(new S3ObjectStore(fx.clients.s3), { bucket: 'arch', key: 'm/1.zip', storageClass: 'DEEP_ARCHIVE', partSize: 5 * 1024 * 1024 });
  for (let i = 0; i < data.length; i += 1_000_000) await sink.write(data.subarray(i, i + 1_000_000));
  const res = await sink.complete();
  assert.equal(res.mode, 'multipart');
  assert.equal(res.parts, 3);
  assert.equal(res.crc32, crc32Base64(crc32(data)));
  const head = await fx.clients.s3.send(new HeadObjectCommand({ Bucket: 'arch', Key: 'm/1.zip', ChecksumMode: 'ENABLED' }));
  assert.equal(head.ContentLength, data.length);
  assert.equal(head.StorageClass, 'DEEP_ARCHIVE');
  assert.equal(head.ChecksumCRC32, res.crc32);
});

test('small object goes as one PutObject with its CRC-32', async () => {
  const data = Buffer.from('hello bundle');
  const sink = new MultipartSink(new S3ObjectStore(fx.clients.s3), { bucket: 'arch', key: 'm/2.zip', storageClass: 'STANDARD' });
  await sink.write(data);
  const res = await sink.complete();
  assert.equal(res.mode, 'put');
  const head = await fx.clients.s3.send(new HeadObjectCommand({ Bucket: 'arch', Key: 'm/2.zip', ChecksumMode: 'ENABLED' }));
  assert.equal(head.ChecksumCRC32, res.crc32);
  const body = await fx.clients.s3.send(new GetObjectCommand({ Bucket: 'arch', Key: 'm/2.zip' }));
  assert.equal(await body.Body!.transformToString(), 'hello bundle');
});

test('a failed part aborts the upload and leaves no object', async () => {
  let calls = 0;
  const s3 = fx.clients.s3;
  const id = 'fail-second-part';
  s3.middlewareStack.add(
    (next, ctx) => async (args) => {
      if (ctx.commandName === 'UploadPartCommand' && ++calls === 2) throw Object.assign(new Error('injected part failure'), { name: 'InternalError' });
      return next(args);
    },
    { step: 'initialize', name: id },
  );
  try {
    const sink = new MultipartSink(new S3ObjectStore(s3), { bucket: 'arch', key: 'm/3.zip', storageClass: 'DEEP_ARCHIVE', partSize: 5 * 1024 * 1024 });
    await assert.rejects(async () => {
      const data = randomBytes(16 * 1024 * 1024);
      for (let i = 0; i < data.length; i += 1 << 20) await sink.write(data.subarray(i, i + (1 << 20)));
      await sink.complete();
    }, /injected part failure/);
    await sink.abort();
    await assert.rejects(s3.send(new HeadObjectCommand({ Bucket: 'arch', Key: 'm/3.zip' })));
    const ups = await s3.send(new ListMultipartUploadsCommand({ Bucket: 'arch' }));
    assert.equal((ups.Uploads ?? []).length, 0);
  } finally {
    s3.middlewareStack.remove(id);
  }
});
