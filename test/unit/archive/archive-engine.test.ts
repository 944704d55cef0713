import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ColdpackError } from '../../../src/domain/errors.js';
import { listRequest } from '../../support/archive-request.js';
import { memoryArchive, seedSource, textFiles } from '../../support/memory-archive.js';

describe('archive engine on in-memory ports', () => {
  it('runs plan, shards and finalize; records each step\u2019s usage; the report carries the requests', async () => {
    const a = memoryArchive();
    seedSource(a.objects, textFiles('e/', 9, 500));
    const job = await a.submit(listRequest('e/', { shard_max_files: 4 }));
    a.meter.add('S3:GetObject:STANDARD', 9);
    const report = await a.engine.run(job);
    assert.equal(report.status, 'SUCCEEDED');
    assert.equal(report.files_archived, 9);
    assert.deepEqual(
      a.usage.records.map((r) => r.step),
      ['plan', 'shard-0', 'shard-1', 'shard-2'],
    );
    assert.ok(report.requests && typeof report.requests === 'object');
    assert.equal(a.jobs.jobs.get(job)?.n_files_archived, 9);
  });

  it('a failed step marks the job FAILED with its code and releases the lock; a re-run resumes without duplicates (per-file index)', async () => {
    const a = memoryArchive({ catalog: 'per_file' });
    seedSource(a.objects, textFiles('r/', 6, 1000));
    const job = await a.submit(listRequest('r/', { max_bundle_bytes: 2000 }));
    await a.engine.plan(job);
    a.index.failNext(new ColdpackError('UNPROCESSED_ITEMS', 'injected'));
    await assert.rejects(a.engine.run(job), /injected/);
    const failed = a.jobs.jobs.get(job)!;
    assert.equal(failed.status, 'FAILED');
    assert.equal(failed.errors?.[0]?.code, 'UNPROCESSED_ITEMS');
    assert.equal(a.jobs.locks.get('src')?.size, 0);
    assert.equal(a.objects.buckets.get('src')!.size, 6, 'nothing deleted');
    const report = await a.engine.run(job);
    assert.equal(report.status, 'SUCCEEDED');
    assert.equal(a.index.all().length, 6);
    assert.equal(report.bundles, 3);
  });

  it('logs a failing finished-job callback with the job id instead of swallowing it; the job still ends', async () => {
    const a = memoryArchive({ onFinished: async () => Promise.reject(new Error('SNS down')) });
    seedSource(a.objects, textFiles('cb/', 2));
    const job = await a.submit(listRequest('cb/'));
    const report = await a.engine.run(job);
    assert.equal(report.status, 'SUCCEEDED');
    const line = a.logger.lines.find((l) => l.level === 'error');
    assert.equal(line?.obj.job_id, job);
    assert.equal((line?.obj.err as Error).message, 'SNS down');
  });

  it('logs a usage record that cannot be stored (job id and step) and finishes the step', async () => {
    const a = memoryArchive();
    seedSource(a.objects, textFiles('u/', 2));
    const job = await a.submit(listRequest('u/'));
    a.usage.failNext(new Error('throttled'));
    assert.equal(await a.engine.plan(job), 1);
    const line = a.logger.lines.find((l) => l.level === 'warn');
    assert.deepEqual([line?.obj.job_id, line?.obj.step], [job, 'plan']);
  });

  it('records a worker step failure on the job (the AWS Batch worker\u2019s last attempt)', async () => {
    const a = memoryArchive();
    seedSource(a.objects, textFiles('w/', 1));
    const job = await a.submit(listRequest('w/'));
    assert.equal(await a.engine.recordFailure(job, 'shard 0', new ColdpackError('JOB_ERROR', 'boom')), true);
    const recorded = a.jobs.jobs.get(job)!;
    assert.equal(recorded.status, 'FAILED');
    assert.deepEqual(recorded.errors, [{ code: 'JOB_ERROR', message: 'shard 0: boom' }]);
    assert.equal(await a.engine.recordFailure('no-such-job', 'plan', new Error('x')), false);
  });

  it('refuses to run a job that does not exist', async () => {
    const a = memoryArchive();
    await assert.rejects(a.engine.run('nope'), (err: unknown) => err instanceof ColdpackError && err.code === 'NOT_FOUND');
  });
});
