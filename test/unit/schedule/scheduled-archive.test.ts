import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ScheduleConfig, scheduledArchiveRequest } from '../../../src/entrypoints/schedule-env.js';
import { fireTimeOf, runScheduledArchive } from '../../../src/schedule/scheduled-archive.js';
import { toArchiveRequest } from '../../../src/api/mapping.js';
import { MemoryArchiveJobs } from '../api/fakes.js';

const config = ScheduleConfig.parse({ time_zone: 'Europe/London', request: { project_name: 'amazon', bucket_name: 'src-bucket', archive_size: 500 } });
const fire = new Date('2024-04-10T02:00:00Z'); // 03:00 BST

describe('scheduled archive', () => {
  it('starts the default request with the period, prefix and PERIOD idempotency key', async () => {
    const jobs = new MemoryArchiveJobs();
    const r = await runScheduledArchive({ jobs, config, toRequest: scheduledArchiveRequest }, fire);
    assert.equal(r.action, 'started');
    const sent = jobs.submitted[0]!;
    assert.equal(sent.idempotencyKey, 'PERIOD#amazon#2024-04');
    assert.equal(sent.req.period, '2024-04');
    assert.deepEqual(sent.req.source, { kind: 'list', bucket: 'src-bucket', prefix: '20240410/' });
    assert.equal(sent.req.requested_by, 'schedule');
    assert.equal(sent.req.max_bundle_bytes, 500_000_000);
  });

  it('duplicate invocations start at most one job', async () => {
    const jobs = new MemoryArchiveJobs();
    const results = await Promise.all([1, 2, 3].map(() => runScheduledArchive({ jobs, config, toRequest: scheduledArchiveRequest }, fire)));
    assert.equal(jobs.jobs.size, 1);
    assert.ok(results.every((r) => r.action === 'started' || r.action === 'skipped'));
    const again = await runScheduledArchive({ jobs, config, toRequest: scheduledArchiveRequest }, fire);
    assert.equal(again.action, 'skipped');
    assert.equal(jobs.jobs.size, 1);
  });

  it('skips a month the source application already archived', async () => {
    const jobs = new MemoryArchiveJobs();
    const fromApi = toArchiveRequest(
      { project_name: 'amazon', bucket_name: 'src-bucket', prefix: '20240409' },
      { now: new Date('2024-04-09T12:00:00Z'), timeZone: 'Europe/London', requestedBy: 'api' },
    );
    const job = await jobs.submit(fromApi, {});
    jobs.setStatus(job.job_id, 'SUCCEEDED');
    const r = await runScheduledArchive({ jobs, config, toRequest: scheduledArchiveRequest }, fire);
    assert.equal(r.action, 'skipped');
    assert.deepEqual(r.action === 'skipped' && r.job_ids, [job.job_id]);
  });

  it('ignores an earlier FAILED job and retries with a new key; the retry is not duplicated', async () => {
    const jobs = new MemoryArchiveJobs();
    const first = await runScheduledArchive({ jobs, config, toRequest: scheduledArchiveRequest }, fire);
    assert.equal(first.action, 'started');
    jobs.setStatus(first.action === 'started' ? first.job_id : '', 'FAILED');
    const retry = await runScheduledArchive({ jobs, config, toRequest: scheduledArchiveRequest }, fire);
    assert.equal(retry.action, 'started');
    assert.equal(retry.action === 'started' && retry.idempotency_key, 'PERIOD#amazon#2024-04#retry1');
    assert.notEqual(retry.action === 'started' && retry.job_id, first.action === 'started' && first.job_id);
    assert.equal((await runScheduledArchive({ jobs, config, toRequest: scheduledArchiveRequest }, fire)).action, 'skipped');
  });

  it('a job of another month or project does not count', async () => {
    const jobs = new MemoryArchiveJobs();
    await jobs.submit(
      toArchiveRequest({ project_name: 'other', bucket_name: 'src-bucket', prefix: 'x' }, { now: fire, timeZone: 'UTC', requestedBy: 'api' }),
      {},
    );
    await jobs.submit(
      toArchiveRequest(
        { project_name: 'amazon', bucket_name: 'src-bucket', prefix: 'y', period: '2024-03' },
        { now: fire, timeZone: 'UTC', requestedBy: 'api' },
      ),
      {},
    );
    assert.equal((await runScheduledArchive({ jobs, config, toRequest: scheduledArchiveRequest }, fire)).action, 'started');
  });

  it('reports a 409 (same bucket and prefix running) as skipped', async () => {
    const jobs = new MemoryArchiveJobs();
    const running = await jobs.submit(
      toArchiveRequest(
        { project_name: 'amazon', bucket_name: 'src-bucket', prefix: '20240410', period: '2024-03' },
        { now: fire, timeZone: 'UTC', requestedBy: 'api' },
      ),
      {},
    );
    const r = await runScheduledArchive({ jobs, config, toRequest: scheduledArchiveRequest }, fire);
    assert.equal(r.action, 'skipped');
    assert.deepEqual(r.action === 'skipped' && r.job_ids, [running.job_id]);
  });

  it('does nothing when disabled', async () => {
    const jobs = new MemoryArchiveJobs();
    assert.equal((await runScheduledArchive({ jobs, config: { ...config, enabled: false }, toRequest: scheduledArchiveRequest }, fire)).action, 'disabled');
    assert.equal(jobs.submitted.length, 0);
  });

  it('takes the fire time from scheduled_time, then time, then now', () => {
    const now = new Date('2030-01-01T00:00:00Z');
    assert.equal(fireTimeOf({ scheduled_time: '2024-04-10T02:00:00Z' }, now).toISOString(), '2024-04-10T02:00:00.000Z');
    assert.equal(fireTimeOf({ time: '2024-05-10T02:00:00Z' }, now).toISOString(), '2024-05-10T02:00:00.000Z');
    assert.equal(fireTimeOf({ scheduled_time: 'garbage' }, now), now);
    assert.equal(fireTimeOf(undefined, now), now);
  });
});

describe('scheduled archive and stale jobs (issue 12 item 7)', () => {
  it('resumes a stale RUNNING job of its period instead of skipping the month; a live one is still skipped', async () => {
    const jobs = new MemoryArchiveJobs();
    const first = await runScheduledArchive({ jobs, config, toRequest: scheduledArchiveRequest }, fire);
    assert.equal(first.action, 'started');
    const id = first.action === 'started' ? first.job_id : '';
    assert.equal((await runScheduledArchive({ jobs, config, toRequest: scheduledArchiveRequest }, fire)).action, 'skipped', 'alive: skipped');
    jobs.setStale(id);
    const r = await runScheduledArchive({ jobs, config, toRequest: scheduledArchiveRequest }, fire);
    assert.deepEqual([r.action, r.action === 'resumed' ? r.job_id : ''], ['resumed', id]);
    assert.deepEqual(jobs.resumed, [id]);
    assert.equal(jobs.jobs.size, 1, 'no second job for the month');
  });
});
