import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchRunnerOf, batchStarter } from '../../src/entrypoints/batch-env.js';
import { archiveServiceForLambda } from '../../src/entrypoints/lambda-archive.js';
import { readProcessConfig } from '../../src/entrypoints/config.js';
import { createAwsClients } from '../../src/adapters/aws-clients.js';
import type { BatchJobRunner } from '../../src/adapters/batch-job-runner.js';

const plain = readProcessConfig({ AWS_REGION: 'us-east-1' });
const env = {
  COLDPACK_JOB_RUNNER: 'aws-batch',
  COLDPACK_JOB_QUEUE: 'arn:aws:batch:us-east-1:123456789012:job-queue/q',
  COLDPACK_JOB_DEFINITION_PLAN: 'plan:1',
  COLDPACK_JOB_DEFINITION_SHARD: 'shard:1',
  COLDPACK_JOB_DEFINITION_FINALIZE: 'finalize:1',
};

test('no COLDPACK_JOB_RUNNER: jobs run in-process (no Batch runner)', () => {
  assert.equal(batchRunnerOf(plain.coldpack, plain.jobRunner), undefined);
});

test('aws-batch without a queue is a configuration error naming the variable', () => {
  assert.throws(() => readProcessConfig({ AWS_REGION: 'us-east-1', ...env, COLDPACK_JOB_QUEUE: '' }), /COLDPACK_JOB_QUEUE/);
});

test('aws-batch with every name gives a runner', () => {
  const withBatch = readProcessConfig({ AWS_REGION: 'us-east-1', ...env });
  assert.ok(batchRunnerOf(withBatch.coldpack, withBatch.jobRunner));
});

test('a Lambda archive service needs the Batch runner', () => {
  const clients = createAwsClients({ region: 'us-east-1' });
  try {
    assert.throws(() => archiveServiceForLambda(plain, clients), /COLDPACK_JOB_RUNNER=aws-batch/);
    assert.equal(typeof archiveServiceForLambda(readProcessConfig({ AWS_REGION: 'us-east-1', ...env }), clients).submit, 'function');
  } finally {
    clients.destroy();
  }
});

test('the Batch starter submits the plan job for the archive job id', async () => {
  const submitted: string[] = [];
  const runner = { submitPlan: async (id: string) => (submitted.push(id), 'batch-1') } as unknown as BatchJobRunner;
  await batchStarter(runner).start('20240410T030000Z-abcd1234');
  assert.deepEqual(submitted, ['20240410T030000Z-abcd1234']);
});
