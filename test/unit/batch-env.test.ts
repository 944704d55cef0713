import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchRunnerFromEnv, batchStarter } from '../../src/entrypoints/batch-env.js';
import { archiveServiceForLambda } from '../../src/entrypoints/lambda-archive.js';
import { loadConfig } from '../../src/entrypoints/config.js';
import { createAwsClients } from '../../src/adapters/aws-clients.js';
import type { BatchJobRunner } from '../../src/adapters/batch-job-runner.js';

const config = loadConfig({ AWS_REGION: 'us-east-1' });
const env = {
  COLDPACK_JOB_RUNNER: 'aws-batch',
  COLDPACK_JOB_QUEUE: 'arn:aws:batch:us-east-1:123456789012:job-queue/q',
  COLDPACK_JOB_DEFINITION_PLAN: 'plan:1',
  COLDPACK_JOB_DEFINITION_SHARD: 'shard:1',
  COLDPACK_JOB_DEFINITION_FINALIZE: 'finalize:1',
};

test('no COLDPACK_JOB_RUNNER: jobs run in-process (no Batch runner)', () => {
  assert.equal(batchRunnerFromEnv(config, {}), undefined);
});

test('aws-batch without a queue is refused with the variable named', () => {
  assert.throws(() => batchRunnerFromEnv(config, { ...env, COLDPACK_JOB_QUEUE: '' }), /COLDPACK_JOB_QUEUE must be set/);
});

test('a Lambda archive service needs the Batch runner', () => {
  const clients = createAwsClients({ region: 'us-east-1' });
  try {
    assert.throws(() => archiveServiceForLambda(config, clients, {}), /COLDPACK_JOB_RUNNER=aws-batch/);
    assert.equal(typeof archiveServiceForLambda(config, clients, env).submit, 'function');
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
