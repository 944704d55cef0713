import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import {
  S3Client,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { RequestMeter } from '../../src/adapters/request-meter.js';
import { priceMeterSnapshot } from '../../src/cost/meter-pricing.js';
import { DEFAULT_PRICE_TABLE } from '../../src/cost/price-table.js';

/** A canned HTTP answer of the fake request handler. */
interface Answer {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

/** An S3 client whose requests never leave the process: each request takes the next canned answer. */
function fakeS3(answers: Answer[], maxAttempts = 1): { s3: S3Client; methods: string[] } {
  const methods: string[] = [];
  const s3 = new S3Client({
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts,
    retryMode: 'standard',
    requestHandler: {
      handle: async (request: { method: string }) => {
        methods.push(request.method);
        const a = answers.shift() ?? { status: 200 };
        const body = a.body ?? '';
        return {
          response: {
            statusCode: a.status,
            headers: { 'content-length': String(Buffer.byteLength(body)), ...(a.headers ?? {}) },
            body: Readable.from([Buffer.from(body)]),
          },
        };
      },
    } as never,
  });
  return { s3, methods };
}

test('multipart requests are counted at the storage class of their upload', async () => {
  const uploadXml = '<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><UploadId>u-1</UploadId></InitiateMultipartUploadResult>';
  const completeXml = '<CompleteMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><ETag>"e-2"</ETag></CompleteMultipartUploadResult>';
  const { s3 } = fakeS3([
    { status: 200, body: uploadXml },
    { status: 200, headers: { etag: '"p1"' } },
    { status: 200, headers: { etag: '"p2"' } },
    { status: 200, body: completeXml },
    { status: 200, headers: { etag: '"x"' } },
  ]);
  const meter = new RequestMeter().attach(s3);
  await s3.send(new CreateMultipartUploadCommand({ Bucket: 'b', Key: 'k', StorageClass: 'DEEP_ARCHIVE' }));
  await s3.send(new UploadPartCommand({ Bucket: 'b', Key: 'k', UploadId: 'u-1', PartNumber: 1, Body: Buffer.alloc(300) }));
  await s3.send(new UploadPartCommand({ Bucket: 'b', Key: 'k', UploadId: 'u-1', PartNumber: 2, Body: Buffer.alloc(100) }));
  await s3.send(new CompleteMultipartUploadCommand({ Bucket: 'b', Key: 'k', UploadId: 'u-1', MultipartUpload: { Parts: [] } }));
  await s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'manifest', Body: 'abcd' })); // no StorageClass: STANDARD
  const snap = meter.snapshot();
  assert.deepEqual(snap.requests, {
    'S3:CreateMultipartUpload:DEEP_ARCHIVE': 1,
    'S3:UploadPart:DEEP_ARCHIVE': 2,
    'S3:CompleteMultipartUpload:DEEP_ARCHIVE': 1,
    'S3:PutObject:STANDARD': 1,
  });
  assert.equal(snap.bytes_sent['S3:UploadPart:DEEP_ARCHIVE'], 400);
  assert.equal(snap.bytes_sent['S3:PutObject:STANDARD'], 4);
  // CompleteMultipartUpload at Deep Archive's $0.05 / 1,000; CreateMultipartUpload, 2 UploadPart and the PutObject at
  // Standard's $0.005 / 1,000 (part requests to Deep Archive are billed at Standard rates, see request-pricing.ts)
  const priced = priceMeterSnapshot(snap, DEFAULT_PRICE_TABLE);
  assert.ok(Math.abs(priced.total_usd - (0.05 + 4 * 0.005) / 1000) < 1e-15, String(priced.total_usd));
});

test('5xx attempts are unbilled, 4xx answers are billed, every attempt is counted', async () => {
  const { s3, methods } = fakeS3(
    [
      { status: 503, body: '<Error><Code>SlowDown</Code><Message>slow</Message></Error>' },
      { status: 200, headers: { etag: '"x"' } },
      { status: 404, body: '<Error><Code>NoSuchKey</Code><Message>none</Message></Error>' },
    ],
    2,
  );
  const meter = new RequestMeter().attach(s3);
  await s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'x' }));
  await assert.rejects(s3.send(new GetObjectCommand({ Bucket: 'b', Key: 'missing' })), { name: 'NoSuchKey' });
  assert.equal(methods.length, 3);
  assert.deepEqual(meter.snapshot().requests, { 'S3:PutObject:STANDARD': 1, 'S3:GetObject:STANDARD': 1 });
  assert.deepEqual(meter.snapshot().unbilled, { 'S3:PutObject:STANDARD': 1 });
});

test('GET bytes come from the response, reset zeroes and detach stops counting', async () => {
  const { s3 } = fakeS3([
    { status: 200, body: 'hello world', headers: { 'x-amz-storage-class': 'GLACIER' } },
    { status: 200, headers: { etag: '"x"' } },
  ]);
  const meter = new RequestMeter().attach(s3);
  const res = await s3.send(new GetObjectCommand({ Bucket: 'b', Key: 'k' }));
  assert.equal(await res.Body?.transformToString(), 'hello world');
  assert.deepEqual(meter.snapshot().bytes_received, { 'S3:GetObject:GLACIER': 11 });
  meter.reset();
  assert.deepEqual(meter.snapshot().requests, {});
  assert.equal(meter.detach(s3), true);
  await s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'x' }));
  assert.deepEqual(meter.snapshot().requests, {});
});

test('priceMeterSnapshot prefers reported write units, else items × units per item', () => {
  const priced = priceMeterSnapshot(
    {
      requests: { 'DynamoDB:BatchWriteItem': 2 },
      dynamodb_items_written: { files: 30, jobs: 3 },
      dynamodb_write_units: { jobs: 5 },
    },
    DEFAULT_PRICE_TABLE,
    { writeUnitsPerItem: { files: 2 } },
  );
  // files: 30 items × 2 WRU = 60 WRU; jobs: 5 WRU reported; 65 × $0.625 / 1e6
  assert.deepEqual(
    priced.dynamodb_writes.map((w) => [w.name, w.quantity]),
    [
      ['writes:files', 60],
      ['writes:jobs', 5],
    ],
  );
  assert.ok(Math.abs(priced.total_usd - (65 * 0.625) / 1e6) < 1e-15);
});
