/**
 * ISSUE-11 item 6: pre-flight and clean failure, on moto. A missing archive bucket or table fails
 * the job before any upload with an error naming the operation and the resource; a write refused
 * names its operation and key; a bundle uploaded but not committed (the index write fails after
 * the upload) is deleted and the job's error says so; a resumed run then finishes the job.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { ListMultipartUploadsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { ensureTables } from '../../src/adapters/dynamo/tables.js';
import { tableNames } from '../../src/domain/config.js';
import { composeArchive } from '../../src/entrypoints/archive-composition.js';
import { startArchiveFixture, seed, listRequest, type ArchiveFixture } from '../support/archive-fixture.js';
import { awsError, injectFault } from '../support/faults.js';

let fx: ArchiveFixture;
before(async () => {
  fx = await startArchiveFixture('pf-');
});
after(async () => fx.close());

async function archiveKeys(prefix: string): Promise<string[]> {
  const res = await fx.clients.s3.send(new ListObjectsV2Command({ Bucket: 'archive', Prefix: prefix }));
  return (res.Contents ?? []).map((o) => o.Key!);
}
async function openUploads(): Promise<number> {
  return (await fx.clients.s3.send(new ListMultipartUploadsCommand({ Bucket: 'archive' }))).Uploads?.length ?? 0;
}
const noStart = { starter: { start: async () => undefined } };

test('a missing archive bucket fails the job at its first write, naming PutObject and the key; nothing is written', async () => {
  await seed(fx.clients.s3, 'src', { 'nb/a.txt': 'a' });
  const archive = composeArchive({ ...fx.config, archiveBucket: 'no-such-archive' }, fx.clients, noStart);
  const view = await archive.service.submit(listRequest('nb/'), {});
  await assert.rejects(archive.engine.run(view.job_id), new RegExp(`PutObject s3://no-such-archive/plans/test/${view.job_id}/00000.csv.gz: NoSuchBucket`));
  const failed = await archive.service.get(view.job_id);
  assert.equal(failed?.status, 'FAILED');
  assert.match(failed?.errors?.[0]?.message ?? '', /PutObject s3:\/\/no-such-archive\/plans\//);
  assert.deepEqual((await fx.clients.s3.send(new ListObjectsV2Command({ Bucket: 'src', Prefix: 'nb/' }))).KeyCount, 1, 'no source deleted');
});

for (const [catalog, missing] of [
  ['compact', 'bundles'],
  ['per_file', 'files'],
] as const) {
  test(`a missing ${missing} table (catalog ${catalog}) fails the job before any bundle is uploaded, naming the operation and the table`, async () => {
    const prefix = `pf-${missing}-`;
    const tables = tableNames(prefix);
    await ensureTables(fx.clients.dynamo, tables, catalog);
    await fx.clients.dynamo.send(new DeleteTableCommand({ TableName: tables[missing] }));
    await seed(fx.clients.s3, 'src', { [`nt-${missing}/a.txt`]: 'a', [`nt-${missing}/b.txt`]: 'b' });
    const archive = composeArchive({ ...fx.config, tablePrefix: prefix, catalog }, fx.clients, noStart);
    const view = await archive.service.submit(listRequest(`nt-${missing}/`), {});
    const re = new RegExp(`before anything was uploaded: DynamoDB GetItem failed: ResourceNotFoundException: table ${tables[missing]}: `);
    await assert.rejects(archive.engine.run(view.job_id), (err: Error) => re.test(err.message));
    assert.deepEqual(await archiveKeys(`bundles/test/${view.job_id}/`), []);
    assert.deepEqual(await archiveKeys(`manifests/test/${view.job_id}/`), []);
    assert.equal(await openUploads(), 0);
    assert.equal((await archive.service.get(view.job_id))?.status, 'FAILED');
  });
}

test('a write the archive bucket refuses names PutObject and the key; nothing is left behind', async () => {
  await seed(fx.clients.s3, 'src', { 'wr/a.txt': 'a' });
  const view = await fx.archive.service.submit(listRequest('wr/'), {});
  const denied = injectFault(fx.clients.s3, {
    command: 'PutObjectCommand',
    when: (i) => i.Bucket === 'archive',
    times: 1,
    error: () => awsError('AccessDenied', 403, 'Access Denied'),
  });
  try {
    await assert.rejects(fx.archive.engine.run(view.job_id), new RegExp(`PutObject s3://archive/plans/test/${view.job_id}/00000.csv.gz: AccessDenied`));
  } finally {
    denied.remove();
  }
  assert.deepEqual(await archiveKeys(`plans/test/${view.job_id}/`), []);
});

test('a bundle uploaded whose commit write fails is deleted, the job error says so, and a resumed run finishes the job', async () => {
  await seed(fx.clients.s3, 'src', { 'ix/a.txt': 'aaaa', 'ix/b.txt': 'bbbb' });
  const view = await fx.archive.service.submit(listRequest('ix/'), {});
  const name = 'fail-commit-write';
  fx.clients.dynamo.middlewareStack.add(
    (next, context) => async (args) => {
      const item = (args.input as { Item?: { state?: unknown } }).Item;
      if (context.commandName === 'PutItemCommand' && (item?.state === 'COMMITTED' || (item?.state as { S?: string } | undefined)?.S === 'COMMITTED')) {
        fx.clients.dynamo.middlewareStack.remove(name);
        throw awsError('ValidationException', 400, 'injected: the commit write fails after the upload');
      }
      return next(args);
    },
    { step: 'finalizeRequest', priority: 'low', name },
  );
  await assert.rejects(fx.archive.engine.run(view.job_id), /injected: the commit write fails after the upload.*uploaded but not committed: deleted/);
  assert.deepEqual(await archiveKeys(`bundles/test/${view.job_id}/`), [], 'no uncommitted bundle left');
  assert.deepEqual(await archiveKeys(`manifests/test/${view.job_id}/`), [], 'no manifest of it left');
  const failed = await fx.archive.service.get(view.job_id);
  assert.match(failed?.errors?.[0]?.message ?? '', /s3:\/\/archive\/bundles\/test\/.*\.zip uploaded but not committed: deleted/);
  const report = await fx.archive.engine.run(view.job_id);
  assert.equal(report.status, 'SUCCEEDED');
  assert.equal(report.files_archived, 2);
});
