/**
 * ISSUE-11 item 5: per-object read errors that retrying cannot fix. moto enforces neither KMS key
 * state nor SSE-C, so those refusals are injected with an SDK middleware below the retry step,
 * answering each GET as S3 does (status and code from the S3 error list).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { startArchiveFixture, seed, listRequest, type ArchiveFixture } from '../support/archive-fixture.js';
import { awsError, injectFault } from '../support/faults.js';

let fx: ArchiveFixture;
before(async () => {
  fx = await startArchiveFixture();
});
after(async () => fx.close());

async function keysUnder(prefix: string): Promise<string[]> {
  const res = await fx.clients.s3.send(new ListObjectsV2Command({ Bucket: 'src', Prefix: prefix }));
  return (res.Contents ?? []).map((o) => o.Key!).sort();
}

/** GET refusals S3 answers for one object, by key: [code, status, message]. */
const REFUSALS: Record<string, [string, number, string]> = {
  'e/kms-disabled.bin': ['KMS.DisabledException', 400, 'The request was rejected because the specified KMS key is not enabled.'],
  'e/kms-pending.bin': ['KMS.KMSInvalidStateException', 400, 'arn:aws:kms:us-east-1:111122223333:key/abc is pending deletion.'],
  'e/sse-c.bin': [
    'InvalidRequest',
    400,
    'The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.',
  ],
  'e/denied.bin': ['AccessDenied', 403, 'Access Denied'],
  'e/range.bin': ['InvalidRange', 416, 'The requested range is not satisfiable'],
};

test('every permanent per-object GET refusal is a skip with its own reason; the rest is archived; nothing refused is deleted; PARTIAL', async () => {
  const healthy = { 'e/ok-1.txt': 'one', 'e/ok-2.txt': 'two', 'e/slow.txt': 'retried after two 503 SlowDown' };
  await seed(fx.clients.s3, 'src', { ...healthy, ...Object.fromEntries(Object.keys(REFUSALS).map((k) => [k, `secret ${k}`])) });
  const faults = Object.entries(REFUSALS).map(([key, [code, status, message]]) =>
    injectFault(fx.clients.s3, { command: 'GetObjectCommand', when: (input) => input.Key === key, times: 1000, error: () => awsError(code, status, message) }),
  );
  const slow = injectFault(fx.clients.s3, {
    command: 'GetObjectCommand',
    when: (input) => input.Key === 'e/slow.txt',
    times: 2,
    error: () => awsError('SlowDown', 503, 'Please reduce your request rate.'),
  });
  try {
    const view = await fx.archive.service.submit(listRequest('e/'), {});
    const report = await fx.archive.engine.run(view.job_id);
    assert.equal(report.status, 'PARTIAL', JSON.stringify(report.problems));
    assert.equal(report.files_archived, 3);
    assert.equal(slow.count(), 2, 'the transient 503s were retried');
    const reasons = Object.fromEntries(report.skipped.map((s) => [s.key, s.reason]));
    assert.deepEqual(reasons, {
      'e/denied.bin': 'ACCESS_DENIED',
      'e/kms-disabled.bin': 'KMS_KEY_UNUSABLE',
      'e/kms-pending.bin': 'KMS_KEY_UNUSABLE',
      'e/range.bin': 'UNREADABLE',
      'e/sse-c.bin': 'SSE_C_KEY_REQUIRED',
    });
    const detail = report.skipped.find((s) => s.key === 'e/kms-disabled.bin')?.detail ?? '';
    assert.match(detail, /KMS\.DisabledException/);
    assert.deepEqual(await keysUnder('e/'), Object.keys(REFUSALS).sort(), 'refused objects are kept, the archived ones deleted');
  } finally {
    for (const f of faults) f.remove();
    slow.remove();
  }
});
