/**
 * Crash test (issue 12, "Done when"): `coldpack archive` and `coldpack restore --wait` run as child
 * processes against a moto this test starts, are SIGKILLed at seeded random points, and are resumed
 * (`archive --job <id>`; `restore-status <id>` with the reconciler) until they finish. The outcome
 * is then checked independently of coldpack's own records, by listing S3 and reading the bundles
 * with Info-ZIP `unzip`:
 * - 0 lost: every source object is still in the source bucket, or in exactly one bundle with identical bytes;
 * - 0 duplicated entries across the bundles;
 * - 0 orphan multipart uploads on the archive bucket (ListMultipartUploads);
 * - 0 superseded bundle versions (the archive bucket is versioned, as in the stack);
 * - the restored copies are byte-identical to the originals.
 * Fixed seed, bounded time (~60 s on 2 cores). `CRASH_SEED` overrides the seed for exploration.
 */
import { rng } from '../../src/local/demo-data.js';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  RestoreObjectCommand,
  paginateListObjectsV2,
} from '@aws-sdk/client-s3';
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ensureTables } from '../../src/adapters/dynamo/tables.js';
import { tableNames } from '../../src/domain/config.js';
import { MANIFEST_ENTRY_NAME } from '../../src/domain/keys.js';
import { startMotoFixture, type MotoFixture } from '../support/moto.js';
import { unzipEntry, unzipNames, unzipTest } from '../support/unzip.js';

const SEED = Number(process.env.CRASH_SEED ?? 20261130);
const SRC = 'crash-src';
const ARCHIVE = 'crash-archive';
const RESTORE = 'crash-restore';
const PREFIX = 'crash-';
const TRIALS = 4;
const FILES_PER_TRIAL = 50;

const rand = rng(SEED);
const between = (lo: number, hi: number): number => Math.floor(lo + rand() * (hi - lo));

let fx: MotoFixture;
const originals = new Map<string, Buffer>();
const log: string[] = [];

before(async () => {
  fx = await startMotoFixture();
  await ensureTables(fx.clients.dynamo, tableNames(PREFIX));
  for (const b of [SRC, ARCHIVE, RESTORE]) await fx.clients.s3.send(new CreateBucketCommand({ Bucket: b }));
  await fx.clients.s3.send(new PutBucketVersioningCommand({ Bucket: ARCHIVE, VersioningConfiguration: { Status: 'Enabled' } }));
  for (let t = 0; t < TRIALS; t++) {
    for (let i = 0; i < FILES_PER_TRIAL; i++) {
      const key = `t${t}/${String(i).padStart(3, '0')}_${between(0, 1e6)}.bin`;
      // Mostly small objects, a few large ones; half random (incompressible), half text.
      const size = rand() < 0.1 ? between(200_000, 400_000) : between(100, 20_000);
      const body =
        rand() < 0.5
          ? Buffer.from(Array.from({ length: size }, () => between(0, 256)))
          : Buffer.from(`${key};`.repeat(Math.ceil(size / (key.length + 1)))).subarray(0, size);
      originals.set(key, body);
      await fx.clients.s3.send(new PutObjectCommand({ Bucket: SRC, Key: key, Body: body }));
    }
  }
});
after(async () => {
  if (log.length) console.log(`crash test (seed ${SEED}):\n  ${log.join('\n  ')}`);
  await fx?.close();
});

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Where to SIGKILL a run: `ms` after the spawn, or `ms` after it printed that its job started or was resumed. */
type KillPoint = { readonly after: 'spawn' | 'job'; readonly ms: number };

/** A seeded kill point: 1 in 5 in the start-up and job-creation window, else during the work. */
function killPoint(): KillPoint {
  return rand() < 0.2 ? { after: 'spawn', ms: between(300, 1_500) } : { after: 'job', ms: between(0, 1_500) };
}

/** Run the CLI as a child process; SIGKILL it at `kill` when given. */
function cli(args: string[], kill?: KillPoint): Promise<Run> {
  const child = spawn(process.execPath, ['bin/coldpack.js', ...args], {
    env: {
      ...process.env,
      AWS_ENDPOINT_URL: fx.moto.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      COLDPACK_TABLE_PREFIX: PREFIX,
      COLDPACK_ARCHIVE_BUCKET: ARCHIVE,
      COLDPACK_RESTORE_BUCKET: RESTORE,
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => void (stdout += d.toString()));
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => void (timer ??= setTimeout(() => child.kill('SIGKILL'), kill!.ms));
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (kill?.after === 'job' && /job \S+ (?:started|resumed)|restore \S+ recorded/.test(stderr)) arm();
  });
  if (kill?.after === 'spawn') arm();
  return new Promise((resolve) =>
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    }),
  );
}

/** The job holding the source lock of `prefix` (a job created by a process killed before it printed its id). */
async function lockHolder(prefix: string): Promise<string | undefined> {
  const res = await fx.clients.dynamo.send(
    new GetCommand({ TableName: tableNames(PREFIX).jobs, Key: { pk: `LOCK#${SRC}`, sk: prefix }, ConsistentRead: true }),
  );
  return res.Item?.job_id as string | undefined;
}

/** Archive `prefix` with up to `kills` SIGKILLs at seeded points, resuming with --job; returns the job id. */
async function archiveWithCrashes(prefix: string, kills: number): Promise<string> {
  const base = [
    'archive',
    '--bucket',
    SRC,
    '--prefix',
    prefix,
    '--project',
    'crash',
    '--archive-size',
    '1',
    '--max-files-per-bundle',
    '7',
    '--json',
    '--no-progress',
  ];
  let jobId: string | undefined;
  for (let attempt = 0; attempt <= kills + 3; attempt++) {
    const kill = attempt < kills ? killPoint() : undefined;
    const run = await cli(jobId ? ['archive', '--job', jobId, '--json', '--no-progress'] : base, kill);
    jobId ??= /job (\S+) (?:started|resumed)/.exec(run.stderr)?.[1] ?? (await lockHolder(prefix));
    log.push(
      `${prefix} attempt ${attempt}: ${run.signal ? `killed ${kill!.ms} ms after ${kill!.after}` : `exit ${run.code}`}${jobId ? ` (job ${jobId})` : ' (no job yet)'}`,
    );
    if (!run.signal) {
      assert.equal(run.code, 0, `${prefix}: ${run.stderr}`);
      assert.equal((JSON.parse(run.stdout) as { status: string }).status, 'SUCCEEDED');
      return jobId!;
    }
  }
  return assert.fail(`${prefix}: not finished after ${kills + 3} attempts`);
}

test(`archive killed at seeded points and resumed: nothing lost, nothing duplicated, nothing left behind (seed ${SEED})`, { timeout: 240_000 }, async (t) => {
  for (let trial = 0; trial < TRIALS; trial++) await archiveWithCrashes(`t${trial}/`, 1 + (trial % 3));

  // Independent reading: every bundle (current version) with unzip.
  const dir = mkdtempSync(join(tmpdir(), 'crash-'));
  const found = new Map<string, number>();
  const wrongBytes: string[] = [];
  try {
    let n = 0;
    for await (const page of paginateListObjectsV2({ client: fx.clients.s3 }, { Bucket: ARCHIVE, Prefix: 'bundles/' })) {
      for (const o of page.Contents ?? []) {
        if (!o.Key!.endsWith('.zip')) continue;
        const path = join(dir, `${n++}.zip`);
        // Deep Archive: restore a readable copy first (moto makes it readable at once).
        await fx.clients.s3
          .send(new RestoreObjectCommand({ Bucket: ARCHIVE, Key: o.Key!, RestoreRequest: { Days: 1, GlacierJobParameters: { Tier: 'Standard' } } }))
          .catch((e: unknown) => {
            if ((e as { name?: string }).name !== 'RestoreAlreadyInProgress') throw e;
          });
        const res = await fx.clients.s3.send(new GetObjectCommand({ Bucket: ARCHIVE, Key: o.Key! }));
        writeFileSync(path, Buffer.from(await res.Body!.transformToByteArray()));
        unzipTest(path);
        for (const name of unzipNames(path)) {
          if (name === MANIFEST_ENTRY_NAME) continue;
          found.set(name, (found.get(name) ?? 0) + 1);
          if (!originals.get(name)?.equals(unzipEntry(path, name))) wrongBytes.push(`${o.Key}:${name}`);
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const lost: string[] = [];
  for (const [key, body] of originals) {
    if ((found.get(key) ?? 0) >= 1) continue;
    const inSource = await fx.clients.s3.send(new GetObjectCommand({ Bucket: SRC, Key: key })).then(
      async (r) => Buffer.from(await r.Body!.transformToByteArray()).equals(body),
      () => false,
    );
    if (!inSource) lost.push(key);
  }
  const duplicated = [...found].filter(([, c]) => c > 1).map(([k]) => k);
  const unknown = [...found.keys()].filter((k) => !originals.has(k));
  assert.deepEqual({ lost, duplicated, wrongBytes, unknown }, { lost: [], duplicated: [], wrongBytes: [], unknown: [] });
  assert.equal(found.size, originals.size, 'every object was archived (delete_source: they left the source only once bundled)');

  await t.test('0 orphan multipart uploads on the archive bucket', async () => {
    const uploads = (await fx.clients.s3.send(new ListMultipartUploadsCommand({ Bucket: ARCHIVE }))).Uploads ?? [];
    assert.deepEqual(
      uploads.map((u) => u.Key),
      [],
    );
  });
  // Issue 12 item 12: a rewrite that commits deletes the versions it superseded (src/archive/superseded-versions.ts).
  await t.test('0 superseded bundle or manifest versions in the versioned archive bucket', async () => {
    for (const prefix of ['bundles/', 'manifests/']) {
      const res = await fx.clients.s3.send(new ListObjectVersionsCommand({ Bucket: ARCHIVE, Prefix: prefix }));
      const superseded = (res.Versions ?? []).filter((v) => v.IsLatest === false).map((v) => v.Key);
      assert.deepEqual(superseded, [], prefix);
    }
  });
});

test(`restore --wait killed at a seeded point, followed with restore-status: every file restored byte-exact (seed ${SEED})`, { timeout: 120_000 }, async () => {
  const keys = [...originals.keys()].filter((k) => k.startsWith('t0/')).slice(0, 6);
  const args = ['restore', '--bucket', SRC, ...keys.flatMap((k) => ['--key', k]), '--wait', '--interval', '1', '--timeout', '60', '--json'];
  let restoreId: string | undefined;
  for (let attempt = 0; attempt < 3 && !restoreId; attempt++) {
    const kill = killPoint();
    const run = await cli(args, attempt === 0 ? kill : undefined);
    restoreId = /restore (\S+) recorded/.exec(run.stderr)?.[1];
    log.push(
      `restore attempt ${attempt}: ${run.signal ? `killed ${kill.ms} ms after ${kill.after}` : `exit ${run.code}`}${restoreId ? ` (restore ${restoreId})` : ''}`,
    );
  }
  assert.ok(restoreId, 'the restore id was printed');
  const aged = await ageExtractingFiles(restoreId);
  log.push(`restore ${restoreId}: ${aged} file(s) left EXTRACTING by the killed process`);
  let status = '';
  for (let i = 0; i < 8 && status !== 'AVAILABLE'; i++) {
    const run = await cli(['restore-status', restoreId, '--json']);
    status = (JSON.parse(run.stdout) as { status: string }).status;
    if (status !== 'AVAILABLE') await new Promise((r) => setTimeout(r, 1000));
  }
  assert.equal(status, 'AVAILABLE');
  for (const key of keys) {
    const res = await fx.clients.s3.send(new GetObjectCommand({ Bucket: RESTORE, Key: `restores/${restoreId}/${SRC}/${key}` }));
    assert.ok(Buffer.from(await res.Body!.transformToByteArray()).equals(originals.get(key)!), key);
  }
});

/**
 * Let the stale windows pass: a request a killed process was resolving is taken over once its claim
 * (`resolving_since`) is 5 minutes old, and a file it left EXTRACTING is retried once it is
 * EXTRACTING for 15 minutes (`staleExtractingMs`); the test moves both back an hour instead of
 * waiting. @returns how many files were EXTRACTING
 */
async function ageExtractingFiles(restoreId: string): Promise<number> {
  const table = tableNames(PREFIX).jobs;
  const res = await fx.clients.dynamo.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'pk = :p AND begins_with(sk, :f)',
      ExpressionAttributeValues: { ':p': `RESTORE#${restoreId}`, ':f': 'FILE#' },
      ConsistentRead: true,
    }),
  );
  const stuck = (res.Items ?? []).filter((i) => i.status === 'EXTRACTING');
  const old = new Date(Date.now() - 3_600_000).toISOString();
  const request = await fx.clients.dynamo.send(new GetCommand({ TableName: table, Key: { pk: `RESTORE#${restoreId}`, sk: 'REQUEST' }, ConsistentRead: true }));
  if (request.Item?.resolving_since) {
    await fx.clients.dynamo.send(
      new UpdateCommand({
        TableName: table,
        Key: { pk: `RESTORE#${restoreId}`, sk: 'REQUEST' },
        UpdateExpression: 'SET resolving_since = :o',
        ExpressionAttributeValues: { ':o': old },
      }),
    );
  }
  for (const i of stuck) {
    await fx.clients.dynamo.send(
      new UpdateCommand({
        TableName: table,
        Key: { pk: i.pk, sk: i.sk },
        UpdateExpression: 'SET extracting_since = :o',
        ExpressionAttributeValues: { ':o': old },
      }),
    );
  }
  return stuck.length;
}
