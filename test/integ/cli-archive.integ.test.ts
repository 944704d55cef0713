import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, CreateBucketCommand } from '@aws-sdk/client-s3';
import { runCli, type CliRun } from '../support/run-cli.js';
import { startMotoFixture, type MotoFixture } from '../support/moto.js';

let fx: MotoFixture;
before(async () => {
  fx = await startMotoFixture();
});
after(async () => fx.close());

function cli(args: string[]): CliRun {
  return runCli(fx.moto.endpoint, 'cli-', args);
}

test('init, archive --json, status, ls through the CLI; bad input exits 2 and writes nothing', async () => {
  assert.equal(cli(['init']).code, 0);
  await fx.clients.s3.send(new CreateBucketCommand({ Bucket: 'cli-src' }));
  for (let i = 0; i < 5; i++)
    await fx.clients.s3.send(new PutObjectCommand({ Bucket: 'cli-src', Key: `20240410/${i}_20240410_001.csv`, Body: `row,${i}\n`.repeat(50) }));

  const bad = cli(['archive', '--bucket', 'cli-src', '--prefix', '20240410/', '--archive-size', '0']);
  assert.equal(bad.code, 2, bad.stderr);
  assert.match(bad.stderr, /--archive-size/);
  const badBucket = cli(['archive', '--bucket', 'Bad_Bucket', '--prefix', 'x/']);
  assert.equal(badBucket.code, 2);
  assert.match(badBucket.stderr, /--bucket/);
  const qc = cli(['archive', '--bucket', 'cli-src', '--prefix', '20240410/', '--file-count', '6', '--json']);
  assert.equal(qc.code, 2, 'QC guard refusal: nothing written');
  assert.match(qc.stderr, /expected 6, listed 5/);
  const failed = JSON.parse(qc.stdout) as { job_id?: string; status?: string; error?: { code: string } };
  assert.match(failed.job_id ?? '', /^\d{8}T\d{6}Z-[0-9a-f]{8}$/, 'archive --json names the job also when it failed');
  assert.equal(failed.status, 'FAILED');
  assert.equal(failed.error?.code, 'QC_MISMATCH');

  const unknown = cli(['archive', '--job', 'no-such-job', '--json']);
  assert.equal(unknown.code, 2);
  assert.doesNotMatch(unknown.stderr, /resumed/, 'nothing claims work it has not done');
  assert.deepEqual(
    (JSON.parse(unknown.stdout) as { error: Record<string, unknown> }).error,
    { code: 'NOT_FOUND', message: 'archive job no-such-job does not exist', field: '--job', job_id: 'no-such-job' },
    'every --json result carries the job id; the field is the flag the user typed',
  );

  const run = cli(['archive', '--bucket', 'cli-src', '--prefix', '20240410/', '--file-count', '5', '--archive-size', '500', '--project', 'amazon', '--json']);
  assert.equal(run.code, 0, run.stderr);
  const report = JSON.parse(run.stdout) as { job_id: string; status: string; files_archived: number; bundles: number };
  assert.equal(report.status, 'SUCCEEDED');
  assert.equal(report.files_archived, 5);

  const status = cli(['status', report.job_id, '--json']);
  assert.equal(status.code, 0);
  const shown = JSON.parse(status.stdout) as {
    status: string;
    report?: { files_archived?: number; cost?: { savings_usd?: number }; requests?: Record<string, number> };
  };
  assert.equal(shown.status, 'SUCCEEDED');
  assert.equal(shown.report?.files_archived, 5, 'status shows the stored report');
  assert.equal(typeof shown.report?.cost?.savings_usd, 'number');
  assert.ok((shown.report?.requests?.['S3:GetObject:STANDARD'] ?? 0) >= 5);
  assert.match(cli(['status', report.job_id]).stdout, /cost \(12 months, counted requests\)/);

  const bundleKey = `bundles/amazon/${report.job_id}/00000/000000.zip`;
  const ls = cli(['ls', bundleKey, '--json']);
  assert.equal(ls.code, 0, ls.stderr);
  const entries = JSON.parse(ls.stdout) as Array<{ key: string; offset: number; length: number }>;
  assert.equal(entries.length, 5);
  assert.equal(entries[0]!.offset, 0);
  assert.equal(entries[1]!.offset, entries[0]!.offset + entries[0]!.length);

  const missing = cli(['status', 'no-such-job', '--json']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /does not exist/);
  assert.equal((JSON.parse(missing.stdout) as { error: { code: string } }).error.code, 'NOT_FOUND');
  assert.match(cli(['archive', '--bucket', 'cli-src', '--prefix', '20240410/', '--archive-size', '0x10']).stderr, /--archive-size must be a whole number/);
  assert.match(cli(['archive', '--bucket', 'cli-src']).stderr, /--bucket needs --prefix/);
});

test('archive --csv with a local manifest file', async () => {
  for (let i = 0; i < 3; i++) await fx.clients.s3.send(new PutObjectCommand({ Bucket: 'cli-src', Key: `csv/${i}.txt`, Body: `csv ${i}` }));
  const dir = mkdtempSync(join(tmpdir(), 'cli-csv-'));
  try {
    const path = join(dir, 'objects.csv');
    writeFileSync(path, 'bucket,key,size\ncli-src,csv/0.txt,5\ncli-src,csv/1.txt,5\ncli-src,csv/2.txt,5\n');
    const run = cli(['archive', '--csv', path, '--file-count', '3', '--json']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /job \S+ started/);
    const report = JSON.parse(run.stdout) as { status: string; files_archived: number };
    assert.equal(report.status, 'SUCCEEDED');
    assert.equal(report.files_archived, 3);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('restore --wait prints the restore id on stderr as soon as the request is recorded, before waiting', async () => {
  const child = spawn(
    process.execPath,
    ['bin/coldpack.js', 'restore', '--key', 'csv/0.txt', '--bucket', 'cli-src', '--wait', '--interval', '1', '--timeout', '30', '--json'],
    {
      env: {
        ...process.env,
        AWS_ENDPOINT_URL: fx.moto.endpoint,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        COLDPACK_TABLE_PREFIX: 'cli-',
      },
    },
  );
  let stdout = '';
  let stderr = '';
  let stdoutWhenIdShown: string | undefined;
  child.stdout.on('data', (d: Buffer) => void (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (stdoutWhenIdShown === undefined && /restore \S+ recorded/.test(stderr)) stdoutWhenIdShown = stdout;
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const view = JSON.parse(stdout) as { restore_id: string };
  assert.match(stderr, new RegExp(`coldpack: restore ${view.restore_id} recorded \\(follow it with: coldpack restore-status ${view.restore_id}\\)`), stderr);
  assert.equal(stdoutWhenIdShown, '', 'the id is shown before the final answer');
  assert.ok(code === 0 || code === 1, stderr);
});

test('ls | head -1 ends quietly with exit 0 when the reader closes the pipe', async () => {
  const long = 'x'.repeat(150);
  const keys = Array.from({ length: 600 }, (_, i) => `pipe/${long}/${String(i).padStart(4, '0')}.txt`);
  for (let i = 0; i < keys.length; i += 50) {
    await Promise.all(keys.slice(i, i + 50).map((k) => fx.clients.s3.send(new PutObjectCommand({ Bucket: 'cli-src', Key: k, Body: 'p' }))));
  }
  const run = cli(['archive', '--bucket', 'cli-src', '--prefix', 'pipe/', '--json', '--no-delete-source']);
  assert.equal(run.code, 0, run.stderr);
  const { job_id: jobId } = JSON.parse(run.stdout) as { job_id: string };
  const env = {
    ...process.env,
    AWS_ENDPOINT_URL: fx.moto.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    COLDPACK_TABLE_PREFIX: 'cli-',
  };
  const r = spawnSync(
    'bash',
    ['-c', `"${process.execPath}" bin/coldpack.js ls bundles/default/${jobId}/00000/000000.zip | head -1; echo "rc=\${PIPESTATUS[0]}" >&2`],
    { encoding: 'utf8', env },
  );
  assert.match(r.stdout, /^# bundles\/default\//);
  assert.equal(r.stdout.trim().split('\n').length, 1);
  assert.match(r.stderr, /rc=0/);
  assert.doesNotMatch(r.stderr, /EPIPE|Error|at /, 'no stack trace');
});
