/**
 * ISSUE-12 items 11 and 12: nothing left behind that costs money, on moto. A lost
 * CreateMultipartUpload answer is injected with an SDK middleware below the retry step that lets
 * the request reach moto and then fails its answer with a 500, so the SDK retries and a second
 * upload is created, as happens on S3; a kill after CreateMultipartUpload is played by failing the
 * upload and its abort. The versioned archive bucket shows the superseded version of a rewrite.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, ListMultipartUploadsCommand, ListObjectVersionsCommand, PutBucketVersioningCommand } from '@aws-sdk/client-s3';
import { composeArchive } from '../../src/entrypoints/archive-composition.js';
import { startArchiveFixture, seed, listRequest, type ArchiveFixture } from '../support/archive-fixture.js';
import { awsError, injectFault } from '../support/faults.js';

let fx: ArchiveFixture;
before(async () => {
  fx = await startArchiveFixture('lo-');
});
after(async () => fx.close());

async function openUploads(bucket: string, prefix: string): Promise<number> {
  return (await fx.clients.s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix }))).Uploads?.length ?? 0;
}
const big = (): Buffer => randomBytes(17 * 1024 * 1024); // stored (.jpg), > one 16 MiB part: a multipart bundle

test('a CreateMultipartUpload whose answer is lost and retried leaves no upload behind; the report counts it', async () => {
  await seed(fx.clients.s3, 'src', { 'lost/a.jpg': big(), 'lost/b.txt': 'b' });
  const view = await fx.archive.service.submit(listRequest('lost/', { max_bundle_bytes: 100_000_000 }), {});
  const name = 'lose-create-answer';
  let lost = 0;
  fx.clients.s3.middlewareStack.add(
    (next, context) => async (args) => {
      const out = await next(args);
      if (context.commandName === 'CreateMultipartUploadCommand' && lost === 0) {
        lost++;
        throw awsError('InternalError', 500, 'injected: the answer to a CreateMultipartUpload that S3 executed was lost');
      }
      return out;
    },
    { step: 'finalizeRequest', priority: 'low', name },
  );
  try {
    const report = await fx.archive.engine.run(view.job_id);
    assert.equal(lost, 1);
    assert.equal(report.status, 'SUCCEEDED');
    assert.equal(report.orphan_uploads_aborted, 1);
  } finally {
    fx.clients.s3.middlewareStack.remove(name);
  }
  assert.equal(await openUploads('archive', `bundles/test/${view.job_id}/`), 0);
});

test('an upload left by a killed attempt (its abort failed too) is aborted when the job resumes; the report counts it', async () => {
  await seed(fx.clients.s3, 'src', { 'kill/a.jpg': big(), 'kill/b.txt': 'b' });
  const view = await fx.archive.service.submit(listRequest('kill/', { max_bundle_bytes: 100_000_000 }), {});
  const part = injectFault(fx.clients.s3, { command: 'UploadPartCommand', times: 1, error: () => awsError('InjectedCrash', 400) });
  const abort = injectFault(fx.clients.s3, { command: 'AbortMultipartUploadCommand', times: 1, error: () => awsError('InjectedCrash', 400) });
  await assert.rejects(fx.archive.engine.run(view.job_id), /InjectedCrash/);
  part.remove();
  abort.remove();
  assert.equal(await openUploads('archive', `bundles/test/${view.job_id}/`), 1, 'the killed attempt left its upload');
  const report = await fx.archive.engine.run(view.job_id);
  assert.equal(report.status, 'SUCCEEDED');
  assert.equal(report.orphan_uploads_aborted, 1);
  assert.equal(await openUploads('archive', `bundles/test/${view.job_id}/`), 0);
});

test('in a versioned archive bucket a rewritten bundle keeps no superseded version; the report counts them', async () => {
  await fx.clients.s3.send(new CreateBucketCommand({ Bucket: 'varchive' }));
  await fx.clients.s3.send(new PutBucketVersioningCommand({ Bucket: 'varchive', VersioningConfiguration: { Status: 'Enabled' } }));
  const archive = composeArchive({ ...fx.config, archiveBucket: 'varchive' }, fx.clients, { starter: { start: async () => undefined } });
  await seed(fx.clients.s3, 'src', { 'ver/a.txt': 'aaaa', 'ver/b.txt': 'bbbb' });
  const view = await archive.service.submit(listRequest('ver/'), {});
  // The first attempt uploads bundle and manifest, then its commit write fails and so does the
  // cleanup's delete (as after a crash): both stay as versions that the rewrite supersedes.
  const name = 'fail-commit-once';
  fx.clients.dynamo.middlewareStack.add(
    (next, context) => async (args) => {
      const item = (args.input as { Item?: { state?: unknown } }).Item;
      if (context.commandName === 'PutItemCommand' && (item?.state === 'COMMITTED' || (item?.state as { S?: string } | undefined)?.S === 'COMMITTED')) {
        fx.clients.dynamo.middlewareStack.remove(name);
        throw awsError('ValidationException', 400, 'injected commit write failure');
      }
      return next(args);
    },
    { step: 'finalizeRequest', priority: 'low', name },
  );
  const del = injectFault(fx.clients.s3, {
    command: 'DeleteObjectCommand',
    when: (i) => i.Bucket === 'varchive',
    times: 2,
    error: () => awsError('InjectedCrash', 400),
  });
  await assert.rejects(archive.engine.run(view.job_id), /could not be deleted/);
  del.remove();
  const report = await archive.engine.run(view.job_id);
  assert.equal(report.status, 'SUCCEEDED');
  assert.equal(report.superseded_versions_deleted, 2, 'the first attempt\u2019s bundle and manifest versions');
  assert.equal(report.superseded_versions_left, 0);
  for (const prefix of [`bundles/test/${view.job_id}/`, `manifests/test/${view.job_id}/`]) {
    const v = await fx.clients.s3.send(new ListObjectVersionsCommand({ Bucket: 'varchive', Prefix: prefix }));
    assert.equal(v.Versions?.length, 1, `${prefix}: only the committed version`);
    assert.equal(v.DeleteMarkers?.length ?? 0, 0);
  }
});
