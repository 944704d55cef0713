import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ColdpackError } from '../../../src/domain/errors.js';
import { listRequest } from '../../support/archive-request.js';
import { memoryArchive, seedSource, textFiles } from '../../support/memory-archive.js';

const code = (c: string) => (err: unknown) => err instanceof ColdpackError && err.code === c;

describe('archive service on in-memory ports', () => {
  it('refuses a missing bucket, an empty prefix and an unreadable bucket with distinct codes', async () => {
    const a = memoryArchive();
    await assert.rejects(a.service.submit(listRequest('x/', { source: { kind: 'list', bucket: 'nope', prefix: 'x/' } }), {}), code('SOURCE_NOT_FOUND'));
    await assert.rejects(a.service.submit(listRequest('empty/'), {}), code('SOURCE_EMPTY'));
    a.objects.failNext('ListObjectsV2', 'ACCESS_DENIED');
    await assert.rejects(a.service.submit(listRequest('x/'), {}), code('SOURCE_FORBIDDEN'));
    a.objects.failNext('ListObjectsV2', 'UNAVAILABLE');
    await assert.rejects(a.service.submit(listRequest('x/'), {}), code('AWS_UNREACHABLE'));
  });

  it('one running job per source; an idempotency key returns the first job, or refuses another request', async () => {
    const a = memoryArchive();
    seedSource(a.objects, textFiles('i/', 2));
    const first = await a.service.submit(listRequest('i/'), { idempotencyKey: 'k1' });
    assert.equal((await a.service.submit(listRequest('i/'), { idempotencyKey: 'k1' })).job_id, first.job_id);
    await assert.rejects(a.service.submit(listRequest('i/', { max_files_per_bundle: 5 }), { idempotencyKey: 'k1' }), code('IDEMPOTENCY_KEY_REUSED'));
    await assert.rejects(a.service.submit(listRequest('i/'), {}), code('JOB_RUNNING'));
  });

  it('a dry run counts and groups without writing anything', async () => {
    const a = memoryArchive();
    seedSource(a.objects, textFiles('dry/', 7));
    const view = await a.service.submit(listRequest('dry/', { dry_run: true, max_files_per_bundle: 3 }), {});
    assert.deepEqual([view.counters.files_listed, view.counters.bundles_planned], [7, 3]);
    assert.equal(a.jobs.jobs.size, 0);
  });

  it('shows the report of a finished job; an unreadable report is said in the view and logged with the job id', async () => {
    const a = memoryArchive();
    seedSource(a.objects, textFiles('rep/', 2));
    const job = await a.submit(listRequest('rep/'));
    await a.engine.run(job);
    assert.equal((await a.service.get(job))?.report?.files_archived, 2);
    a.objects.failNext('GetObject', 'ACCESS_DENIED');
    const view = await a.service.get(job);
    assert.match(String(view?.report?.report_error), /could not be read: GetObject s3:\/\/archive\/reports\/test\//);
    const line = a.logger.lines.find((l) => l.level === 'warn');
    assert.equal(line?.obj.job_id, job);
  });

  it('finds jobs by project and period', async () => {
    const a = memoryArchive();
    seedSource(a.objects, textFiles('p/', 1));
    const job = await a.submit(listRequest('p/', { period: '2024-04' }));
    assert.deepEqual(
      (await a.service.findForPeriod('test', '2024-04')).map((v) => v.job_id),
      [job],
    );
    assert.deepEqual(await a.service.findForPeriod('test', '2024-05'), []);
  });
});
