/**
 * A job never stays stuck (issue 12, items 6-8) against moto with the real DynamoDB adapters:
 * a lost answer to the job-creation transaction, a failed job start, final writes during an outage,
 * heartbeats and the takeover of a stale job.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { createAwsClients, type AwsClients } from '../../src/adapters/aws-clients.js';
import { DynamoJobStore } from '../../src/adapters/dynamo/dynamo-job-store.js';
import { ensureTables } from '../../src/adapters/dynamo/tables.js';
import { errorResponse } from '../../src/api/http.js';
import { toArchiveRequest } from '../../src/api/mapping.js';
import { JobStartError } from '../../src/domain/errors.js';
import { tableNames } from '../../src/domain/config.js';
import { composeArchive } from '../../src/entrypoints/archive-composition.js';
import { loadConfig } from '../../src/entrypoints/config.js';
import { startMotoFixture, type MotoFixture } from '../support/moto.js';
import { loseResponses } from '../support/lost-response.js';

const SRC = 'recov-src';
let moto: MotoFixture;
let clients: AwsClients;
const config = () => loadConfig({ AWS_REGION: moto.region, COLDPACK_TABLE_PREFIX: 'recov-', COLDPACK_ARCHIVE_BUCKET: 'recov-archive', COLDPACK_RESTORE_BUCKET: 'recov-restore' });

before(async () => {
  moto = await startMotoFixture();
  clients = createAwsClients({ region: moto.region, endpoint: moto.moto.endpoint, maxAttempts: 3 });
  await ensureTables(moto.clients.dynamo, tableNames(config().tablePrefix));
  for (const b of [config().archiveBucket, SRC]) await moto.clients.s3.send(new CreateBucketCommand({ Bucket: b }));
  for (const p of ['lost/', 'lostkey/', 'start/']) {
    for (let i = 0; i < 3; i++) await moto.clients.s3.send(new PutObjectCommand({ Bucket: SRC, Key: `${p}f${i}.csv`, Body: `${p},${i}\n` }));
  }
});
after(async () => {
  clients?.destroy();
  await moto?.close();
});

const request = (prefix: string) =>
  toArchiveRequest({ project_name: 'recov', bucket_name: SRC, prefix, delete_source: false }, { now: new Date('2025-06-02T10:00:00Z'), timeZone: 'UTC', requestedBy: 'test' });

describe('job creation is idempotent on retry (item 6)', () => {
  it('a lost answer to the creation transaction (the SDK retries it) creates and starts the job, with no conflict', async () => {
    const started: string[] = [];
    const { service } = composeArchive(config(), clients, { starter: { start: async (id) => void started.push(id) } });
    const lost = loseResponses(clients.dynamo, /TransactWriteItems/);
    try {
      const view = await service.submit(request('lost/'), {});
      assert.equal(lost.count(), 1, 'the answer was dropped once and the call retried');
      assert.deepEqual(started, [view.job_id], 'the job is started');
      const locks = await new DynamoJobStore(clients.dynamo, tableNames(config().tablePrefix).jobs).overlappingLocks({ bucket: SRC, scope: 'lost/' });
      assert.deepEqual(locks.map((l) => l.job_id), [view.job_id]);
    } finally {
      lost.remove();
    }
  });

  it('with an idempotency key (API): the job is started, not answered QUEUED and left holding the lock', async () => {
    const started: string[] = [];
    const { service } = composeArchive(config(), clients, { starter: { start: async (id) => void started.push(id) } });
    const lost = loseResponses(clients.dynamo, /TransactWriteItems/);
    try {
      const view = await service.submit(request('lostkey/'), { idempotencyKey: 'k-lost-1' });
      assert.equal(lost.count(), 1);
      assert.deepEqual(started, [view.job_id], 'the job is started');
      const again = await service.submit(request('lostkey/'), { idempotencyKey: 'k-lost-1' });
      assert.equal(again.job_id, view.job_id, 'the key still names the one job');
      assert.equal(started.length, 1);
    } finally {
      lost.remove();
    }
  });
});

describe('a failed job start does not strand the source or the month (item 8)', () => {
  it('a starter that fails (Batch SubmitJob refused) leaves the job FAILED, the lock released, and says so', async () => {
    const { service } = composeArchive(config(), clients, { starter: { start: async () => Promise.reject(Object.assign(new Error('job definition not found'), { name: 'ClientException' })) } });
    const req = { ...request('start/'), period: '2031-01' };
    const err = await service.submit(req, { idempotencyKey: 'PERIOD#recov#2031-01' }).then(
      () => assert.fail('submit must fail'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof JobStartError, String(err));
    assert.equal(err.status, 502);
    assert.equal(err.details.status, 'FAILED');
    const job = await service.get(err.details.job_id);
    assert.equal(job?.status, 'FAILED');
    assert.match(job?.errors?.[0]?.message ?? '', /start: /);
    const store = new DynamoJobStore(clients.dynamo, tableNames(config().tablePrefix).jobs);
    assert.deepEqual(await store.overlappingLocks({ bucket: SRC, scope: 'start/' }), [], 'the source lock is released');
    const period = await service.findForPeriod('recov', '2031-01');
    assert.deepEqual(period.map((j) => j.status), ['FAILED'], 'the schedule sees the month as failed, not as taken');
    const body = JSON.parse(errorResponse(err, 'req-1').body) as Record<string, unknown>;
    assert.deepEqual([body.code, body.job_id, body.status], ['JOB_START_FAILED', err.details.job_id, 'FAILED']);
    // The next request for the same source is accepted (no 409).
    const { service: ok } = composeArchive(config(), clients, { starter: { start: async () => undefined } });
    assert.equal((await ok.submit(request('start/'), {})).status, 'QUEUED');
  });
});
