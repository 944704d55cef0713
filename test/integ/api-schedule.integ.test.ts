/**
 * The monthly scheduled archive against the real archive service (jobs table on moto): duplicate
 * invocations start one job, a month the source application already archived through the API is
 * skipped, and the job carries the period and the prefix of the run.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { ensureTables } from '../../src/adapters/dynamo/tables.js';
import { toArchiveRequest } from '../../src/api/mapping.js';
import { tableNames } from '../../src/domain/config.js';
import { composeArchive, type ArchiveComposition } from '../../src/entrypoints/archive-composition.js';
import { loadConfig } from '../../src/entrypoints/config.js';
import { ScheduleConfig, scheduledArchiveRequest } from '../../src/entrypoints/schedule-env.js';
import { runScheduledArchive } from '../../src/schedule/scheduled-archive.js';
import { startMotoFixture, type MotoFixture } from '../support/moto.js';

const SRC = 'sched-src';
let moto: MotoFixture;
let archive: ArchiveComposition;

before(async () => {
  moto = await startMotoFixture();
  const config = loadConfig({
    AWS_REGION: moto.region,
    COLDPACK_TABLE_PREFIX: 'sched-',
    COLDPACK_ARCHIVE_BUCKET: 'sched-archive',
    COLDPACK_RESTORE_BUCKET: 'sched-restore',
  });
  await ensureTables(moto.clients.dynamo, tableNames(config.tablePrefix));
  for (const b of [config.archiveBucket, SRC]) await moto.clients.s3.send(new CreateBucketCommand({ Bucket: b }));
  for (const day of ['20250410', '20250510']) {
    for (let i = 0; i < 3; i++) await moto.clients.s3.send(new PutObjectCommand({ Bucket: SRC, Key: `${day}/f${i}.csv`, Body: `${day},${i}\n` }));
  }
  archive = composeArchive(config, moto.clients);
});
after(async () => {
  await archive?.drain();
  await moto?.close();
});

const config = ScheduleConfig.parse({ time_zone: 'Europe/London', request: { project_name: 'amazon', bucket_name: SRC, delete_source: false } });

describe('monthly schedule with the archive service on moto', () => {
  it('duplicate invocations of the April run start exactly one job for 2025-04 and prefix 20250410/', async () => {
    const fire = new Date('2025-04-10T02:00:00Z'); // 03:00 BST
    const results = await Promise.all([1, 2, 3].map(() => runScheduledArchive({ jobs: archive.service, config, toRequest: scheduledArchiveRequest }, fire)));
    const ids = new Set(results.flatMap((r) => (r.action === 'started' ? [r.job_id] : r.action === 'skipped' ? r.job_ids : [])));
    assert.equal(ids.size, 1, JSON.stringify(results));
    const jobs = await archive.service.findForPeriod('amazon', '2025-04');
    assert.equal(jobs.length, 1);
    const src = jobs[0]!.request.source;
    assert.equal(src.kind === 'list' && src.prefix, '20250410/');
    assert.equal(jobs[0]!.request.requested_by, 'schedule');
    await archive.drain();
    assert.equal((await runScheduledArchive({ jobs: archive.service, config, toRequest: scheduledArchiveRequest }, fire)).action, 'skipped');
  });

  it('skips May when the source application archived in May through the API', async () => {
    const req = toArchiveRequest(
      { project_name: 'amazon', bucket_name: SRC, prefix: '20250510', delete_source: false },
      { now: new Date('2025-05-09T18:00:00Z'), timeZone: 'Europe/London', requestedBy: 'api' },
    );
    const job = await archive.service.submit(req, {});
    const r = await runScheduledArchive({ jobs: archive.service, config, toRequest: scheduledArchiveRequest }, new Date('2025-05-10T02:00:00Z'));
    assert.equal(r.action, 'skipped');
    assert.deepEqual(r.action === 'skipped' && r.job_ids, [job.job_id]);
    await archive.drain();
  });
});
