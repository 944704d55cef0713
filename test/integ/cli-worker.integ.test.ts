import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { CreateBucketCommand, DeleteObjectCommand, PutObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { runCli, type CliRun } from '../support/run-cli.js';
import { startMotoFixture, type MotoFixture } from '../support/moto.js';
import { listRequest } from '../support/archive-fixture.js';
import { composeArchive } from '../../src/entrypoints/archive-composition.js';
import { ensureTables } from '../../src/adapters/dynamo/tables.js';
import { tableNames, type ColdpackConfig } from '../../src/domain/config.js';

let fx: MotoFixture;
let config: ColdpackConfig;
before(async () => {
  fx = await startMotoFixture();
  config = Object.freeze({
    region: 'us-east-1',
    endpoint: fx.moto.endpoint,
    archiveBucket: 'wk-archive',
    restoreBucket: 'wk-restore',
    tablePrefix: 'wk-',
    allowedTopicArns: [],
    concurrency: 8,
  });
  for (const b of ['src', 'wk-archive', 'wk-restore']) await fx.clients.s3.send(new CreateBucketCommand({ Bucket: b }));
  await ensureTables(fx.clients.dynamo, tableNames('wk-'));
});
after(async () => fx.close());

function worker(args: string[], env: Record<string, string> = {}): CliRun {
  return runCli(fx.moto.endpoint, 'wk-', ['worker', ...args], { COLDPACK_ARCHIVE_BUCKET: 'wk-archive', COLDPACK_RESTORE_BUCKET: 'wk-restore', ...env });
}

async function newJob(prefix: string): Promise<string> {
  for (let i = 0; i < 4; i++) await fx.clients.s3.send(new PutObjectCommand({ Bucket: 'src', Key: `${prefix}${i}.txt`, Body: `file ${i}` }));
  const { service } = composeArchive(config, fx.clients, { starter: { start: async () => undefined } });
  return (await service.submit(listRequest(prefix), {})).job_id;
}

test('worker plan, shard and finalize run a job step by step, as AWS Batch does', async () => {
  const job = await newJob('steps/');
  assert.equal(worker(['plan', '--job', job]).code, 0);
  const shard = worker(['shard', '--job', job], { AWS_BATCH_JOB_ARRAY_INDEX: '0' });
  assert.equal(shard.code, 0, shard.stderr);
  const fin = worker(['finalize', '--job', job, '--json']);
  assert.equal(fin.code, 0, fin.stderr);
  const report = JSON.parse(
    fin.stdout
      .split('\n')
      .filter((l) => !l.includes('"_aws"'))
      .join('\n'),
  ) as { status: string; files_archived: number };
  assert.equal(report.status, 'SUCCEEDED');
  assert.equal(report.files_archived, 4);
  const left = await fx.clients.s3.send(new ListObjectsV2Command({ Bucket: 'src', Prefix: 'steps/' }));
  assert.equal(left.KeyCount ?? 0, 0);
});

test('a shard failing on its last Batch attempt records the failure and exits 0; finalize ends the job FAILED and deletes nothing', async () => {
  const job = await newJob('fail/');
  assert.equal(worker(['plan', '--job', job]).code, 0);
  const plans = await fx.clients.s3.send(new ListObjectsV2Command({ Bucket: 'wk-archive', Prefix: `plans/test/${job}/` }));
  await fx.clients.s3.send(new DeleteObjectCommand({ Bucket: 'wk-archive', Key: plans.Contents![0]!.Key! }));
  const early = worker(['shard', '--job', job], { AWS_BATCH_JOB_ATTEMPT: '1', COLDPACK_WORKER_ATTEMPTS: '3' });
  assert.equal(early.code, 1, 'not the last attempt: fail so Batch retries');
  const last = worker(['shard', '--job', job], { AWS_BATCH_JOB_ATTEMPT: '3', COLDPACK_WORKER_ATTEMPTS: '3' });
  assert.equal(last.code, 0, last.stderr);
  assert.match(last.stdout, /"JobsFailed":1/, 'EMF metric line for the JobsFailed alarm');
  const fin = worker(['finalize', '--job', job, '--json']);
  const report = JSON.parse(
    fin.stdout
      .split('\n')
      .filter((l) => !l.includes('"_aws"'))
      .join('\n'),
  ) as { status: string; problems: string[] };
  assert.equal(report.status, 'FAILED');
  assert.match(report.problems.join(' '), /shard 0 is not done/);
  const left = await fx.clients.s3.send(new ListObjectsV2Command({ Bucket: 'src', Prefix: 'fail/' }));
  assert.equal(left.KeyCount, 4, 'nothing deleted');
});
