/**
 * A job never stays stuck (issue 12, items 6-8) against moto with the real DynamoDB adapters:
 * a lost answer to the job-creation transaction, a failed job start, final writes during an outage,
 * heartbeats and the takeover of a stale job.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ArchiveService } from '../../src/archive/archive-service.js';
import { S3ObjectStore } from '../../src/adapters/s3/s3-object-store.js';
import { createAwsClients, type AwsClients } from '../../src/adapters/aws-clients.js';
import { DynamoJobStore } from '../../src/adapters/dynamo/dynamo-job-store.js';
import { ensureTables } from '../../src/adapters/dynamo/tables.js';
import { errorResponse } from '../../src/api/http.js';
import { toArchiveRequest } from '../../src/api/mapping.js';
import { ColdpackError, JobStartError } from '../../src/domain/errors.js';
import { tableNames } from '../../src/domain/config.js';
import { composeArchive } from '../../src/entrypoints/archive-composition.js';
import { loadConfig } from '../../src/entrypoints/config.js';
import { runCli } from '../support/run-cli.js';
import { startMotoFixture, type MotoFixture } from '../support/moto.js';
import { loseResponses } from '../support/lost-response.js';

const SRC = 'recov-src';
let moto: MotoFixture;
let clients: AwsClients;
const config = () =>
  loadConfig({ AWS_REGION: moto.region, COLDPACK_TABLE_PREFIX: 'recov-', COLDPACK_ARCHIVE_BUCKET: 'recov-archive', COLDPACK_RESTORE_BUCKET: 'recov-restore' });

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
  toArchiveRequest(
    { project_name: 'recov', bucket_name: SRC, prefix, delete_source: false },
    { now: new Date('2025-06-02T10:00:00Z'), timeZone: 'UTC', requestedBy: 'test' },
  );

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
      assert.deepEqual(
        locks.map((l) => l.job_id),
        [view.job_id],
      );
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
    const { service } = composeArchive(config(), clients, {
      starter: { start: async () => Promise.reject(Object.assign(new Error('job definition not found'), { name: 'ClientException' })) },
    });
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
    assert.deepEqual(
      period.map((j) => j.status),
      ['FAILED'],
      'the schedule sees the month as failed, not as taken',
    );
    const body = JSON.parse(errorResponse(err, 'req-1').body) as Record<string, unknown>;
    assert.deepEqual([body.code, body.job_id, body.status], ['JOB_START_FAILED', err.details.job_id, 'FAILED']);
    // The next request for the same source is accepted (no 409).
    const { service: ok } = composeArchive(config(), clients, { starter: { start: async () => undefined } });
    assert.equal((await ok.submit(request('start/'), {})).status, 'QUEUED');
  });
});

describe('a stale job is shown and taken over (item 7)', () => {
  const cli = (args: string[]) =>
    runCli(moto.moto.endpoint, 'recov-', args, { COLDPACK_ARCHIVE_BUCKET: 'recov-archive', COLDPACK_RESTORE_BUCKET: 'recov-restore' });

  it('a RUNNING job without a sign of life: status says stale, the API resume refuses a live one, archive --job takes it over and finishes it', async () => {
    for (let i = 0; i < 3; i++) await moto.clients.s3.send(new PutObjectCommand({ Bucket: SRC, Key: `stale/f${i}.csv`, Body: `stale,${i}\n` }));
    const { service } = composeArchive(config(), clients, { starter: { start: async () => undefined } });
    const view = await service.submit(request('stale/'), {});
    const table = tableNames(config().tablePrefix).jobs;
    await expect409(service.resume(view.job_id));
    // The process died an hour ago while RUNNING (its FAILED write and lock release never happened).
    const old = new Date(Date.now() - 3_600_000).toISOString();
    await clients.dynamo.send(
      new UpdateCommand({
        TableName: table,
        Key: { pk: `ARCHIVE#${view.job_id}`, sk: 'JOB' },
        UpdateExpression: 'SET #s = :r, updated_at = :o, heartbeat_at = :o',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':r': 'RUNNING', ':o': old },
      }),
    );
    assert.equal((await service.get(view.job_id))?.stale, true);
    const status = cli(['status', view.job_id]);
    assert.match(
      status.stdout,
      new RegExp(`RUNNING \\(stale: no sign of life since ${old}; resume it with: coldpack archive --job ${view.job_id}\\)`),
      status.stdout + status.stderr,
    );
    await expect409(service.submit(request('stale/'), {}), 'the stale job still holds the source until it is resumed or fails');
    const run = cli(['archive', '--job', view.job_id, '--json', '--no-progress']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal((JSON.parse(run.stdout) as { status: string }).status, 'SUCCEEDED');
    const after = await service.get(view.job_id);
    assert.equal(after?.status, 'SUCCEEDED');
    assert.ok(after?.heartbeat_at && after.heartbeat_at > old, 'the resumed run heartbeats');
  });

  it('a stale job is taken over through the real DynamoDB transaction (lock retaken, batch refs cleared) and started', async () => {
    for (let i = 0; i < 2; i++) await moto.clients.s3.send(new PutObjectCommand({ Bucket: SRC, Key: `take/f${i}.csv`, Body: `take,${i}\n` }));
    const started: string[] = [];
    const { service } = composeArchive(config(), clients, { starter: { start: async (id) => void started.push(id) } });
    const view = await service.submit(request('take/'), {});
    const store = new DynamoJobStore(clients.dynamo, tableNames(config().tablePrefix).jobs);
    await store.update(view.job_id, { status: 'RUNNING', batch_refs: ['batch-1'] });
    await store.releaseLock({ bucket: SRC, scope: 'take/' }, view.job_id);
    const later = new ArchiveService({
      objects: new S3ObjectStore(clients.s3),
      jobs: store,
      starter: { start: async (id) => void started.push(id) },
      clock: { now: () => new Date(Date.now() + 3_600_000) },
    });
    const resumed = await later.resume(view.job_id);
    assert.equal(resumed.status, 'QUEUED');
    assert.deepEqual(started, [view.job_id, view.job_id]);
    assert.deepEqual(
      (await store.overlappingLocks({ bucket: SRC, scope: 'take/' })).map((l) => l.job_id),
      [view.job_id],
    );
    assert.equal((await store.get(view.job_id))?.batch_refs, undefined);
    await expect409(later.resume(view.job_id), 'just taken over: alive again');
  });
});

async function expect409(p: Promise<unknown>, message?: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof ColdpackError && e.status === 409, message);
}
