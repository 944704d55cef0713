import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { MultipartSink, crc32Base64 } from '../../../src/archive/multipart-sink.js';
import { S3_MAX_PARTS, S3_MIN_PART_BYTES } from '../../../src/bundle/part-size.js';
import { ColdpackError } from '../../../src/domain/errors.js';
import type { UploadedPart, UploadPartInput } from '../../../src/domain/ports/object-store.js';
import { MemoryObjectStore } from '../../support/memory-object-store.js';
import { RecordingLogger } from '../../support/memory-stores.js';

const PART = S3_MIN_PART_BYTES;

/** Records the CRC-32 the sink sends with each part. */
class PartRecordingStore extends MemoryObjectStore {
  readonly sent: Array<{ partNumber: number; checksumCrc32: string; bodyCrc: string }> = [];
  override async uploadPart(input: UploadPartInput): Promise<UploadedPart> {
    this.sent.push({ partNumber: input.partNumber, checksumCrc32: input.checksumCrc32, bodyCrc: crc32Base64(crc32(input.body)) });
    return super.uploadPart(input);
  }
}

async function writeAll(sink: MultipartSink, data: Buffer, chunk = 1 << 20): Promise<void> {
  for (let i = 0; i < data.length; i += chunk) await sink.write(data.subarray(i, i + chunk));
}

const count = (store: MemoryObjectStore, op: string): number => store.calls.filter((c) => c.op === op).length;

describe('multipart sink', () => {
  it('sends a CRC-32 with every part and completes with the full-object CRC-32 of every byte', async () => {
    const store = new PartRecordingStore();
    const data = randomBytes(2 * PART + 1234);
    const sink = new MultipartSink(store, { bucket: 'b', key: 'k.zip', storageClass: 'DEEP_ARCHIVE', partSize: PART });
    await writeAll(sink, data);
    const res = await sink.complete();
    assert.deepEqual([res.mode, res.parts, res.bytes], ['multipart', 3, data.length]);
    assert.equal(res.crc32, crc32Base64(crc32(data)));
    assert.deepEqual(
      store.sent.map((p) => p.partNumber),
      [1, 2, 3],
    );
    assert.ok(
      store.sent.every((p) => p.checksumCrc32 === p.bodyCrc),
      'each part carries its own CRC-32',
    );
    const obj = store.object('b', 'k.zip')!;
    assert.deepEqual([obj.body.equals(data), obj.storageClass], [true, 'DEEP_ARCHIVE']);
  });

  it('writes a small object with one PutObject', async () => {
    const store = new MemoryObjectStore();
    const sink = new MultipartSink(store, { bucket: 'b', key: 'small', storageClass: 'STANDARD' });
    await sink.write(Buffer.from('hello'));
    const res = await sink.complete();
    assert.deepEqual([res.mode, count(store, 'PutObject'), count(store, 'CreateMultipartUpload')], ['put', 1, 0]);
  });

  it('refuses the part after the last allowed one before uploading it', async () => {
    const store = new MemoryObjectStore();
    const sink = new MultipartSink(store, { bucket: 'b', key: 'big', storageClass: 'STANDARD', partSize: PART, maxParts: 2 });
    await writeAll(sink, randomBytes(2 * PART));
    await assert.rejects(
      writeAll(sink, randomBytes(PART)),
      (err: unknown) =>
        err instanceof ColdpackError && err.code === 'TOO_MANY_PARTS' && /part 3 .* limit of 2 parts/.test(err.message) && /qfacts/.test(err.message),
    );
    assert.equal(count(store, 'UploadPart'), 2, 'part 3 was never uploaded');
    await sink.abort();
    assert.equal(count(store, 'CompleteMultipartUpload'), 0);
    assert.deepEqual(store.openUploads(), []);
  });

  it('checks the limit before completing: a last partial part past the limit is refused, nothing completed', async () => {
    const store = new MemoryObjectStore();
    const sink = new MultipartSink(store, { bucket: 'b', key: 'tail', storageClass: 'STANDARD', partSize: PART, maxParts: 2 });
    await writeAll(sink, randomBytes(2 * PART + 10));
    await assert.rejects(sink.complete(), (err: unknown) => err instanceof ColdpackError && err.code === 'TOO_MANY_PARTS');
    assert.deepEqual([count(store, 'UploadPart'), count(store, 'CompleteMultipartUpload')], [2, 0]);
  });

  it('allows at most S3\u2019s 10,000 parts (https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html)', () => {
    const store = new MemoryObjectStore();
    assert.equal(S3_MAX_PARTS, 10_000);
    assert.throws(() => new MultipartSink(store, { bucket: 'b', key: 'k', storageClass: 'STANDARD', maxParts: S3_MAX_PARTS + 1 }), RangeError);
    assert.throws(() => new MultipartSink(store, { bucket: 'b', key: 'k', storageClass: 'STANDARD', partSize: PART - 1 }), RangeError);
  });

  it('completes once: a second complete() throws and sends nothing', async () => {
    for (const size of [10, 2 * PART]) {
      const store = new MemoryObjectStore();
      const sink = new MultipartSink(store, { bucket: 'b', key: `once-${size}`, storageClass: 'STANDARD', partSize: PART });
      await writeAll(sink, randomBytes(size));
      await sink.complete();
      const calls = store.calls.length;
      await assert.rejects(sink.complete(), (err: unknown) => err instanceof ColdpackError && /already called/.test(err.message));
      await assert.rejects(sink.write(Buffer.from('x')), /write after complete/);
      assert.equal(store.calls.length, calls, `no call after the first complete (${size} bytes)`);
    }
  });

  it('a failed part fails the upload (at the next write or at complete); abort() aborts it', async () => {
    const store = new MemoryObjectStore();
    const sink = new MultipartSink(store, { bucket: 'b', key: 'fail', storageClass: 'STANDARD', partSize: PART });
    store.failNext('UploadPart', 'UNAVAILABLE');
    await assert.rejects(async () => {
      await writeAll(sink, randomBytes(3 * PART));
      await sink.complete();
    }, /UploadPart s3:\/\/b\/fail: injected fault/);
    await sink.abort();
    assert.equal(count(store, 'AbortMultipartUpload'), 1);
    assert.deepEqual([store.object('b', 'fail'), store.openUploads()], [undefined, []]);
  });

  it('a failed abort is logged with the upload id, not thrown', async () => {
    const store = new MemoryObjectStore();
    const logger = new RecordingLogger();
    const sink = new MultipartSink(store, { bucket: 'b', key: 'ab', storageClass: 'STANDARD', partSize: PART, logger });
    await writeAll(sink, randomBytes(PART));
    store.failNext('AbortMultipartUpload', 'UNAVAILABLE');
    await sink.abort();
    assert.equal(logger.lines.length, 1);
    assert.equal(logger.lines[0]!.level, 'warn');
    assert.ok(logger.lines[0]!.obj.upload_id, 'names the upload');
  });
});
