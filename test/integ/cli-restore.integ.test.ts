/**
 * The CLI as a new user meets it, on moto: `restore` and `restore-status` say why a request failed
 * (an ambiguous name: recorded FAILED, its id and every candidate printed, exit 2); a restore naming a
 * bucket never archived is refused before anything is written; a restore that finds nothing exits 1;
 * `reindex --bucket` that matches nothing says so and exits 2; errors name the CLI's flags, not the
 * API's fields.
 */
import { before, after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { runCli, type CliRun } from '../support/run-cli.js';
import { startMotoFixture, type MotoFixture } from '../support/moto.js';

let fx: MotoFixture;

function cli(args: string[]): CliRun {
  return runCli(fx.moto.endpoint, 'clr-', args);
}

/** Items of the restore requests in the jobs table (request items and open markers). */
async function restoreItems(): Promise<number> {
  const res = await fx.clients.dynamo.send(new ScanCommand({ TableName: 'clr-jobs' }));
  return (res.Items ?? []).filter((i) => String(i.pk).startsWith('RESTORE')).length;
}

const CANDIDATES = ['s3://clr-a/d/0/part-00000.csv', 's3://clr-a/d/1/part-00000.csv', 's3://clr-b/d/0/part-00000.csv', 's3://clr-b/d/1/part-00000.csv'];

before(async () => {
  fx = await startMotoFixture();
  assert.equal(cli(['init']).code, 0);
  for (const b of ['clr-a', 'clr-b']) {
    await fx.clients.s3.send(new CreateBucketCommand({ Bucket: b }));
    for (const d of ['0', '1']) await fx.clients.s3.send(new PutObjectCommand({ Bucket: b, Key: `d/${d}/part-00000.csv`, Body: `a,b\n${b},${d}\n` }));
  }
  // Errors name the flags (checked before the sources are archived and deleted).
  const qc = cli(['archive', '--bucket', 'clr-a', '--prefix', 'd/', '--file-count', '99']);
  assert.equal(qc.code, 2, qc.stderr);
  assert.match(qc.stderr, /--file-count: expected 99, listed 2.*Set --allow-mismatch to override/);
  for (const b of ['clr-a', 'clr-b']) {
    const r = cli(['archive', '--bucket', b, '--prefix', 'd/', '--storage-class', 'STANDARD', '--project', 'p']);
    assert.equal(r.code, 0, r.stderr);
  }
});
after(async () => fx.close());

describe('coldpack restore and restore-status on moto', () => {
  it('an ambiguous --name: the request is recorded FAILED; its id and every candidate are printed; exit 2', async () => {
    const r = cli(['restore', '--name', 'part-00000.csv']);
    assert.equal(r.code, 2, r.stderr);
    const id = /^coldpack: restore (rst-\S+): FAILED, recorded with the reason \(coldpack restore-status \1 shows it\); 4 candidates:$/m.exec(r.stderr)?.[1];
    assert.ok(id, r.stderr);
    for (const c of CANDIDATES) assert.ok(r.stderr.includes(`\n  ${c}\n`), `${c} listed:\n${r.stderr}`);
    assert.match(
      r.stderr,
      /^coldpack: AMBIGUOUS_NAME: file name matches several archived keys; name the key exactly or set --all-matches: .* \(flag: --name\)$/m,
    );

    const json = cli(['restore', '--name', 'part-00000.csv', '--json']);
    assert.equal(json.code, 2);
    const body = JSON.parse(json.stdout) as { error: { code: string; restore_id: string; status: string; candidates: string[]; field: string } };
    assert.equal(body.error.code, 'AMBIGUOUS_NAME');
    assert.match(body.error.restore_id, /^rst-/);
    assert.equal(body.error.status, 'FAILED');
    assert.equal(body.error.field, '--name');
    assert.deepEqual(body.error.candidates, CANDIDATES);

    // restore-status shows the reason and the candidates without --json; exit 1 for a FAILED request.
    const status = cli(['restore-status', id]);
    assert.equal(status.code, 1, status.stderr);
    assert.match(status.stdout, new RegExp(`^restore ${id}: FAILED \\(0 files\\)$`, 'm'));
    assert.match(status.stdout, /^ {2}error AMBIGUOUS_NAME: file name matches several archived keys; name the key exactly or set --all-matches: /m);
    assert.match(status.stdout, /^ {4}candidates \(4\):$/m);
    for (const c of CANDIDATES) assert.ok(status.stdout.includes(`\n      ${c}`), `${c} in:\n${status.stdout}`);
  });

  it('a --bucket never archived is SOURCE_NOT_FOUND naming it, exit 2 (nothing written for a prefix; keys are recorded FAILED); a restore that finds nothing exits 1', async () => {
    const before = await restoreItems();
    const r = cli(['restore', '--bucket', 'never-archived', '--prefix', 'd/']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^coldpack: SOURCE_NOT_FOUND: bucket never-archived has no archived files: .* \(flag: --bucket\)$/m);
    assert.equal(await restoreItems(), before, 'no request recorded');
    const k = cli(['restore', '--bucket', 'never-archived', '--key', 'd/0/part-00000.csv']);
    assert.equal(k.code, 2, k.stderr);
    assert.match(k.stderr, /SOURCE_NOT_FOUND: bucket never-archived has no archived files/);

    const missing = cli(['restore', '--bucket', 'clr-a', '--key', 'd/9/missing.csv']);
    assert.equal(missing.code, 1, `nothing found is not a success: ${missing.stdout}`);
    assert.match(missing.stdout, /FAILED \(1 files\)\n {2}NOT_FOUND +d\/9\/missing\.csv/);

    const ok = cli(['restore', '--bucket', 'clr-a', '--key', 'd/0/part-00000.csv']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /AVAILABLE/);
  });

  it('a topic off the allow-list names --topic-arn', () => {
    const r = cli(['restore', '--bucket', 'clr-a', '--key', 'd/0/part-00000.csv', '--topic-arn', 'arn:aws:sns:us-east-1:123456789012:nope']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^coldpack: TOPIC_NOT_ALLOWED: --topic-arn "arn:aws:sns:us-east-1:123456789012:nope" is not on .* \(flag: --topic-arn\)$/m);
    assert.doesNotMatch(r.stderr, /sns_topic_arn/);
  });
});

describe('coldpack reindex on moto', () => {
  it('--bucket of a bucket never archived: "0 bundles found for bucket nosuch", exit 2; a known bucket says what was done', () => {
    const none = cli(['reindex', '--bucket', 'nosuch']);
    assert.equal(none.code, 2, none.stdout);
    assert.match(
      none.stderr,
      /^coldpack: SOURCE_NOT_FOUND: 0 bundles found for bucket nosuch in s3:\/\/coldpack-archive\/bundles\/ \(2 bundles read\); nothing was reindexed/m,
    );
    const one = cli(['reindex', '--bucket', 'clr-a']);
    assert.equal(one.code, 0, one.stderr);
    assert.match(one.stdout, /^reindexed 1 of 2 bundles in s3:\/\/coldpack-archive \(only bucket clr-a\): 2 files, 1 job scopes, catalog compact$/m);
  });
});
