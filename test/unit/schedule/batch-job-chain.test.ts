import { test } from 'node:test';
import assert from 'node:assert/strict';
import { handleBatchJobStateChange, parseBatchJobStateChange, type ChainedJob, type JobChainPorts } from '../../../src/schedule/batch-job-chain.js';
import { ColdpackError, ValidationError } from '../../../src/domain/errors.js';

const PLAN = 'arn:aws:batch:us-east-1:111122223333:job-definition/coldpack-plan:3';
const FINALIZE = 'arn:aws:batch:us-east-1:111122223333:job-definition/coldpack-finalize:3';

/** A Batch Job State Change event as EventBridge delivers it (trimmed to the fields the chain reads, plus noise). */
function event(jobDefinition: string, status: string, parameters: Record<string, string> = { job_id: 'job-1' }, extra: Record<string, unknown> = {}) {
  return {
    version: '0',
    'detail-type': 'Batch Job State Change',
    source: 'aws.batch',
    detail: {
      jobId: 'b-123',
      jobName: 'coldpack-x',
      jobQueue: 'arn:aws:batch:us-east-1:111122223333:job-queue/q',
      status,
      jobDefinition,
      parameters,
      container: {},
      ...extra,
    },
  };
}

/** In-memory fakes of the three ports, recording every call. */
function fakes(job: ChainedJob | undefined, options: { publisher?: boolean; failSubmit?: boolean } = {}) {
  const submitted: Array<{ jobId: string; shards: number }> = [];
  const marked: Array<{ jobId: string; refs: readonly string[] }> = [];
  const published: Array<{ subject: string; message: string }> = [];
  let current = job;
  const ports: JobChainPorts = {
    jobs: {
      get: async (id) => (current && current.job_id === id ? current : undefined),
      markChained: async (jobId, refs) => {
        marked.push({ jobId, refs });
        if (current) current = { ...current, batch_refs: refs };
      },
    },
    runner: {
      runPlannedJob: async (jobId, shards) => {
        if (options.failSubmit) throw new Error('SubmitJob throttled');
        submitted.push({ jobId, shards });
        return { runner: 'aws-batch', refs: [`shard-${jobId}`, `finalize-${jobId}`] };
      },
    },
    publisher: options.publisher === false ? undefined : { publish: async (subject, message) => void published.push({ subject, message }) },
    definitions: { plan: PLAN, finalize: FINALIZE },
  };
  return { ports, submitted, marked, published };
}

const planned: ChainedJob = { job_id: 'job-1', status: 'RUNNING', shard_count: 7 };

test('plan SUCCEEDED: submits the shards and finalize with the stored shard count and records the Batch job ids', async () => {
  const f = fakes(planned);
  const out = await handleBatchJobStateChange(event(PLAN, 'SUCCEEDED'), f.ports);
  assert.deepEqual(out, { action: 'submitted', job_id: 'job-1', refs: ['shard-job-1', 'finalize-job-1'] });
  assert.deepEqual(f.submitted, [{ jobId: 'job-1', shards: 7 }]);
  assert.deepEqual(f.marked, [{ jobId: 'job-1', refs: ['shard-job-1', 'finalize-job-1'] }]);
  assert.deepEqual(f.published, []);
  // EventBridge delivers at least once: the same event again submits nothing
  const again = await handleBatchJobStateChange(event(PLAN, 'SUCCEEDED'), f.ports);
  assert.equal(again.action, 'ignored');
  assert.equal(f.submitted.length, 1);
});

test('plan SUCCEEDED for a job that already ended, or that does not exist, submits nothing', async () => {
  const ended = fakes({ ...planned, status: 'FAILED' });
  assert.equal((await handleBatchJobStateChange(event(PLAN, 'SUCCEEDED'), ended.ports)).action, 'ignored');
  assert.deepEqual(ended.submitted, []);
  const missing = fakes(undefined);
  assert.deepEqual(await handleBatchJobStateChange(event(PLAN, 'SUCCEEDED'), missing.ports), { action: 'ignored', reason: 'archive job job-1 does not exist' });
});

test('plan SUCCEEDED without a stored shard count fails loudly (retried, then dead-lettered); a failed submission propagates', async () => {
  const f = fakes({ job_id: 'job-1', status: 'RUNNING' });
  await assert.rejects(handleBatchJobStateChange(event(PLAN, 'SUCCEEDED'), f.ports), (e) => e instanceof ColdpackError && e.code === 'JOB_ERROR');
  const failing = fakes(planned, { failSubmit: true });
  await assert.rejects(handleBatchJobStateChange(event(PLAN, 'SUCCEEDED'), failing.ports), /throttled/);
  assert.deepEqual(failing.marked, []); // nothing recorded: the retry submits again
});

test('plan FAILED is left to the Batch-failure rule; other job definitions are ignored', async () => {
  const f = fakes(planned);
  assert.equal((await handleBatchJobStateChange(event(PLAN, 'FAILED'), f.ports)).action, 'ignored');
  assert.equal(
    (await handleBatchJobStateChange(event('arn:aws:batch:us-east-1:111122223333:job-definition/coldpack-restore:3', 'SUCCEEDED'), f.ports)).action,
    'ignored',
  );
  assert.deepEqual(f.submitted, []);
  assert.deepEqual(f.published, []);
});

test('finalize SUCCEEDED or FAILED publishes the job summary; without a topic nothing is sent', async () => {
  const done: ChainedJob = {
    job_id: 'job-1',
    status: 'PARTIAL',
    files_archived: 990,
    bytes_archived: 99_000,
    bundles: 2,
    already_archived: 7,
    report_key: 'reports/p/job-1.json',
    errors: [{ code: 'SKIPPED', message: '10 objects skipped' }],
  };
  const f = fakes(done);
  assert.deepEqual(await handleBatchJobStateChange(event(FINALIZE, 'SUCCEEDED'), f.ports), { action: 'notified', job_id: 'job-1', status: 'PARTIAL' });
  assert.equal(f.published.length, 1);
  assert.equal(f.published[0]!.subject, 'coldpack archive job PARTIAL');
  assert.deepEqual(JSON.parse(f.published[0]!.message), {
    event: 'archive.finished',
    job_id: 'job-1',
    status: 'PARTIAL',
    finalize_batch_status: 'SUCCEEDED',
    files_archived: 990,
    bytes_archived: 99_000,
    bundles: 2,
    already_archived: 7,
    report_key: 'reports/p/job-1.json',
    errors: [{ code: 'SKIPPED', message: '10 objects skipped' }],
  });
  await handleBatchJobStateChange(event(FINALIZE, 'FAILED', { job_id: 'job-1' }, { statusReason: 'Essential container in task exited' }), f.ports);
  assert.equal(JSON.parse(f.published[1]!.message).finalize_batch_reason, 'Essential container in task exited');
  const silent = fakes(done, { publisher: false });
  assert.equal((await handleBatchJobStateChange(event(FINALIZE, 'SUCCEEDED'), silent.ports)).action, 'ignored');
  assert.deepEqual(f.submitted, []);
});

test('job definitions configured as name:revision match the event ARN; malformed events are validation errors', async () => {
  const f = fakes(planned);
  assert.equal(
    (await handleBatchJobStateChange(event(PLAN, 'SUCCEEDED'), { ...f.ports, definitions: { plan: 'coldpack-plan:3', finalize: 'coldpack-finalize:3' } }))
      .action,
    'submitted',
  );
  assert.throws(() => parseBatchJobStateChange({ 'detail-type': 'Object Restore Completed', detail: {} }), ValidationError);
  assert.throws(() => parseBatchJobStateChange(undefined), ValidationError);
  await assert.rejects(handleBatchJobStateChange(event(PLAN, 'SUCCEEDED', {}), fakes(planned).ports), ValidationError); // no job_id parameter
});
