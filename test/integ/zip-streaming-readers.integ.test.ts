/**
 * ISSUE-11 item 7: every bundle reads with central-directory readers (Info-ZIP unzip) and with
 * streaming readers that never see the central directory: `bsdtar -tvf - < bundle` (libarchive)
 * and Java 17's `java.util.zip.ZipInputStream`; incompressible streamed entries are stored, not
 * grown. On moto (which keeps no CRC-32 for objects written without one, so the stored path that
 * reads the object twice is used, and the one that takes S3's CRC-32 for an object written with it).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { openSync, closeSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { startArchiveFixture, listRequest, type ArchiveFixture } from '../support/archive-fixture.js';
import { recordCalls } from '../support/faults.js';
import { unzipTest } from '../support/unzip.js';
import { readManifest, type ManifestEntry } from '../../src/bundle/manifest.js';

const MIB = 1024 * 1024;
let fx: ArchiveFixture;
let dir: string;
let bundlePath: string;
let entries: ManifestEntry[];
let getsByKey: Map<string, number>;
const bodies: Record<string, Buffer> = {
  'z/random.bin': randomBytes(9 * MIB), // incompressible, no telling extension: stored, CRC-32 from a first read
  'z/random-crc.bin': randomBytes(9 * MIB), // incompressible, written with a CRC-32 checksum: stored, CRC-32 from S3
  'z/photo.jpg': randomBytes(9 * MIB), // stored by its extension
  'z/table.csv': Buffer.from('id,value,comment\n'.repeat(600_000)), // ~10 MB, deflated with a data descriptor
  'z/small-a.txt': Buffer.from('small text '.repeat(50)),
  'z/small-b.bin': randomBytes(5000),
};

function run(cmd: string, args: string[], stdinFile: string): Buffer {
  const fd = openSync(stdinFile, 'r');
  try {
    return execFileSync(cmd, args, { stdio: [fd, 'pipe', 'pipe'], maxBuffer: 512 * MIB });
  } finally {
    closeSync(fd);
  }
}

before(async () => {
  fx = await startArchiveFixture('zs-');
  dir = await mkdtemp(join(tmpdir(), 'zs-'));
  for (const [key, body] of Object.entries(bodies)) {
    await fx.clients.s3.send(
      new PutObjectCommand({ Bucket: 'src', Key: key, Body: body, ...(key === 'z/random-crc.bin' ? { ChecksumAlgorithm: 'CRC32' } : {}) }),
    );
  }
  const gets = recordCalls(fx.clients.s3, 'GetObjectCommand');
  const view = await fx.archive.service.submit(listRequest('z/', { storage_class: 'STANDARD', max_bundle_bytes: 100_000_000, delete_source: false }), {});
  const report = await fx.archive.engine.run(view.job_id);
  gets.remove();
  assert.equal(report.status, 'SUCCEEDED', JSON.stringify(report.problems));
  getsByKey = new Map();
  for (const i of gets.inputs) if (i.Bucket === 'src') getsByKey.set(String(i.Key), (getsByKey.get(String(i.Key)) ?? 0) + 1);
  const bundle = await fx.clients.s3.send(new GetObjectCommand({ Bucket: 'archive', Key: `bundles/test/${view.job_id}/00000/000000.zip` }));
  bundlePath = join(dir, 'bundle.zip');
  await writeFile(bundlePath, Buffer.from(await bundle.Body!.transformToByteArray()));
  const manifest = await fx.clients.s3.send(new GetObjectCommand({ Bucket: 'archive', Key: `manifests/test/${view.job_id}/00000/000000.csv.gz` }));
  entries = [];
  for await (const e of readManifest(manifest.Body as never)) entries.push(e);
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
  await fx?.close();
});

test('incompressible streamed entries are stored (never larger than the object); compressible ones deflated', () => {
  const by = Object.fromEntries(entries.map((e) => [e.key, e]));
  for (const key of ['z/random.bin', 'z/random-crc.bin', 'z/photo.jpg']) {
    assert.equal(by[key]!.method, 0, key);
    assert.equal(by[key]!.compressed_size, bodies[key]!.length, `${key} not grown`);
  }
  assert.equal(by['z/table.csv']!.method, 8);
  assert.ok(by['z/table.csv']!.compressed_size < bodies['z/table.csv']!.length / 10);
  assert.equal(getsByKey.get('z/random.bin'), 2, 'no CRC-32 from S3: one read for the CRC-32, one to write');
  assert.equal(getsByKey.get('z/random-crc.bin'), 1, "S3's full-object CRC-32 used: one read");
});

test('Info-ZIP unzip -t (central directory) passes', () => {
  unzipTest(bundlePath);
});

test('bsdtar reads the bundle as a stream from a pipe: every entry listed and extracted byte-exact', () => {
  const listing = run('bsdtar', ['-tvf', '-'], bundlePath).toString('utf8');
  const names = listing
    .trim()
    .split('\n')
    .map((l) => l.slice(l.indexOf(' z/') + 1 || l.lastIndexOf(' ') + 1));
  for (const key of Object.keys(bodies)) assert.ok(names.includes(key), `bsdtar lists ${key}:\n${listing}`);
  const all = run('bsdtar', ['-xOf', '-'], bundlePath);
  const expected = Buffer.concat(entries.map((e) => bodies[e.key]!));
  assert.equal(
    createHash('sha256').update(all.subarray(0, expected.length)).digest('hex'),
    createHash('sha256').update(expected).digest('hex'),
    'entries extracted in order, byte-exact',
  );
});

test("Java 17's ZipInputStream reads every entry, sizes and CRC-32 as archived", () => {
  const program = new URL('../support/java/ZipStreamCheck.java', import.meta.url).pathname;
  const lines = run('java', [program], bundlePath).toString('utf8').trim().split('\n');
  const seen = new Map(lines.map((l) => l.split('\t')).map(([name, size, crc]) => [name!, { size: Number(size), crc: crc! }]));
  for (const [key, body] of Object.entries(bodies)) {
    assert.deepEqual(seen.get(key), { size: body.length, crc: (crc32(body) >>> 0).toString(16).padStart(8, '0') }, key);
  }
  assert.ok(seen.has('.coldpack/manifest.csv'));
});
