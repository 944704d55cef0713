import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SubmitJobCommand, type SubmitJobCommandInput } from '@aws-sdk/client-batch';
import { BatchJobRunner, BatchSubmitError, type BatchSubmitClient } from '../../src/adapters/batch-job-runner.js';
import { ValidationError } from '../../src/domain/errors.js';

/** Recording double for BatchClient.send: keeps every SubmitJob input, answers ids batch-1, batch-2, ... */
function recordingClient(answer: (n: number) => { jobId?: string } = (n) => ({ jobId: `batch-${n}` })) {
  const inputs: SubmitJobCommandInput[] = [];
  const client: BatchSubmitClient = {
    async send(command: SubmitJobCommand) {
      assert.ok(command instanceof SubmitJobCommand);
      inputs.push(command.input);
      return answer(inputs.length);
    },
  };
  return { client, inputs };
}

const names = {
  jobQueue: 'coldpack-queue',
  planJobDefinition: 'coldpack-plan',
  shardJobDefinition: 'coldpack-shard',
  finalizeJobDefinition: 'coldpack-finalize',
};

describe('BatchJobRunner', () => {
  it('submits an array job over the shards and a finalize job that depends on it', async () => {
    const { client, inputs } = recordingClient();
    const runner = new BatchJobRunner(client, names);
    const result = await runner.runPlannedJob('job-42', 7);
    assert.deepEqual(result, { runner: 'aws-batch', refs: ['batch-1', 'batch-2'] });
    assert.deepEqual(inputs, [
      {
        jobName: 'coldpack-shard-job-42',
        jobQueue: 'coldpack-queue',
        jobDefinition: 'coldpack-shard',
        parameters: { job_id: 'job-42' },
        arrayProperties: { size: 7 },
        tags: { 'coldpack:job': 'job-42' },
        propagateTags: true,
      },
      {
        jobName: 'coldpack-finalize-job-42',
        jobQueue: 'coldpack-queue',
        jobDefinition: 'coldpack-finalize',
        parameters: { job_id: 'job-42' },
        dependsOn: [{ jobId: 'batch-1' }],
        tags: { 'coldpack:job': 'job-42' },
        propagateTags: true,
      },
    ]);
  });

  it('submits a plain job (no arrayProperties) for a single shard', async () => {
    const { client, inputs } = recordingClient();
    await new BatchJobRunner(client, names).runPlannedJob('j1', 1);
    assert.equal(inputs.length, 2);
    assert.equal('arrayProperties' in inputs[0]!, false);
    assert.deepEqual(inputs[1]!.dependsOn, [{ jobId: 'batch-1' }]);
  });

  it('accepts the array size limit of 10,000 and refuses bad shard counts before any call', async () => {
    const { client, inputs } = recordingClient();
    const runner = new BatchJobRunner(client, names);
    await runner.runPlannedJob('j', 10_000);
    assert.deepEqual(inputs[0]!.arrayProperties, { size: 10_000 });
    for (const bad of [0, -1, 1.5, 10_001, Number.NaN]) {
      await assert.rejects(runner.runPlannedJob('j', bad), ValidationError);
    }
    assert.equal(inputs.length, 2);
  });

  it('refuses job ids that are not safe as Batch parameters', async () => {
    const { client, inputs } = recordingClient();
    const runner = new BatchJobRunner(client, names);
    for (const bad of ['', 'a b', '../x', 'x'.repeat(129), '-lead']) {
      await assert.rejects(runner.runPlannedJob(bad, 2), ValidationError);
    }
    assert.equal(inputs.length, 0);
  });

  it('keeps job names within Batch rules (letters, digits, - and _; at most 128 characters)', async () => {
    const { client, inputs } = recordingClient();
    await new BatchJobRunner(client, { ...names, jobNamePrefix: 'cp' }).runPlannedJob(`a:b.c${'z'.repeat(123)}`, 2);
    for (const input of inputs) {
      assert.match(input.jobName!, /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/);
    }
    assert.ok(inputs[0]!.jobName!.startsWith('cp-shard-a_b_c'));
    assert.deepEqual(inputs[0]!.parameters, { job_id: `a:b.c${'z'.repeat(123)}` });
  });

  it('submits the plan step of an archive job', async () => {
    const { client, inputs } = recordingClient();
    assert.equal(await new BatchJobRunner(client, names).submitPlan('job-42'), 'batch-1');
    assert.deepEqual(inputs, [
      {
        jobName: 'coldpack-plan-job-42',
        jobQueue: 'coldpack-queue',
        jobDefinition: 'coldpack-plan',
        parameters: { job_id: 'job-42' },
        tags: { 'coldpack:job': 'job-42' },
        propagateTags: true,
      },
    ]);
    await assert.rejects(new BatchJobRunner(client, names).submitPlan('a/b'), ValidationError);
  });

  it('fails with BatchSubmitError when Batch answers without a job id, and submits no finalize', async () => {
    const { client, inputs } = recordingClient(() => ({}));
    await assert.rejects(new BatchJobRunner(client, names).runPlannedJob('j', 3), BatchSubmitError);
    assert.equal(inputs.length, 1);
  });

  it('passes SDK errors through', async () => {
    const failure = Object.assign(new Error('queue is DISABLED'), { name: 'ClientException' });
    const client: BatchSubmitClient = {
      async send() {
        throw failure;
      },
    };
    await assert.rejects(new BatchJobRunner(client, names).runPlannedJob('j', 3), (err) => err === failure);
  });

  it('refuses empty queue or job definition names', () => {
    const { client } = recordingClient();
    assert.throws(() => new BatchJobRunner(client, { ...names, jobQueue: '' }), ValidationError);
    assert.throws(() => new BatchJobRunner(client, { ...names, finalizeJobDefinition: ' ' }), ValidationError);
    assert.throws(() => new BatchJobRunner(client, { ...names, planJobDefinition: '' }), ValidationError);
  });
});

describe('BatchJobRunner in the plan job (no plan job definition)', () => {
  it('submits the shards and finalize, and refuses to submit a plan', async () => {
    const { planJobDefinition: _p, ...planJobNames } = names;
    const { client, inputs } = recordingClient();
    const runner = new BatchJobRunner(client, planJobNames);
    await runner.runPlannedJob('j', 2);
    assert.equal(inputs.length, 2);
    await assert.rejects(runner.submitPlan('j'), ValidationError);
    assert.equal(inputs.length, 2);
  });
});
