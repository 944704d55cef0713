import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../../bin/coldpack.js', import.meta.url));

/** Run the real CLI in a child process (its own stdout, env without AWS endpoints). */
function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, out: stdout, err: stderr });
    });
  });
}

test('coldpack --json estimate --objects 1000000 --avg-size 100KB prints the estimate JSON', async () => {
  const r = await run(['--json', 'estimate', '--objects', '1000000', '--avg-size', '100KB']);
  assert.equal(r.code, 0, r.err);
  const json = JSON.parse(r.out) as {
    lifecycle: { total_usd: number };
    coldpack: { total_usd: number; variable_total_usd: number; fixed_total_usd: number };
    savings_ratio: number;
    stack_break_even_objects_per_month: number;
  };
  assert.ok(Math.abs(json.lifecycle.total_usd - 53.5746729) < 1e-6);
  assert.ok(Math.abs(json.coldpack.variable_total_usd - 1.6230587) < 1e-6); // compact catalog, private network
  assert.ok(Math.abs(json.coldpack.fixed_total_usd - 283.565569) < 1e-5); // 12 × $23.630464 (3 endpoints × 1 AZ × 730 h × $0.01 = $21.90 + $1.730464)
  assert.ok(Math.abs(json.coldpack.total_usd - 285.1886277) < 1e-6); // 1.6230587 + 283.5655686
  assert.equal(json.stack_break_even_objects_per_month, 454_856); // 23.630464 / (51.951614 / 1e6) = 454,855.x, rounded up
});

test('CLI network, catalog, deployment and restore options reach the estimate', async () => {
  const r = await run([
    '--json',
    'estimate',
    '--objects',
    '1000',
    '--avg-size',
    '100KB',
    '--network',
    'existing',
    '--no-gateway-endpoints',
    '--catalog',
    'per_file',
    '--shared-stack',
    '0.5',
    '--restore-tier',
    'Bulk',
    '--restore-days',
    '2',
    '--spot-discount',
    '0.7',
  ]);
  assert.equal(r.code, 0, r.err);
  const json = JSON.parse(r.out) as {
    input: { network: string; catalog: string };
    deployment: { network: string; interface_endpoints: number; gateway_endpoints: boolean; share: number; charged_monthly_usd: number };
    coldpack: { one_time: Array<{ name: string; unit_usd: number }> };
    restore: { tier: string; days: number };
  };
  assert.deepEqual(json.input, { ...json.input, network: 'existing', catalog: 'per_file' });
  assert.equal(json.deployment.network, 'existing');
  assert.equal(json.deployment.interface_endpoints, 0);
  assert.equal(json.deployment.gateway_endpoints, false);
  assert.equal(json.deployment.share, 0.5);
  assert.ok(Math.abs(json.deployment.charged_monthly_usd - 1.730464048 / 2) < 1e-9); // ($1 + $0.70 + $0.02 + $0.010464) / 2
  assert.ok(json.coldpack.one_time.some((i) => i.name === 'nat_data_processing'));
  assert.ok(json.coldpack.one_time.some((i) => i.name === 'index_writes'));
  // (1 vCPU × $0.04048 + 4 GB × $0.004445) × (1 − 0.7) = $0.017478 an hour
  assert.ok(Math.abs((json.coldpack.one_time.find((i) => i.name === 'compute')?.unit_usd ?? 0) - 0.017478) < 1e-9);
  assert.equal(json.restore.tier, 'Bulk');
  assert.equal(json.restore.days, 2);
  const fixed = await run(['--json', 'estimate', '--objects', '1000', '--avg-size', '100KB', '--network', 'public', '--azs', '2', '--fixed-monthly-usd', '5']);
  assert.equal(fixed.code, 0, fixed.err);
  assert.equal((JSON.parse(fixed.out) as { coldpack: { fixed_total_usd: number } }).coldpack.fixed_total_usd, 60); // 12 × $5
  const refused = await run(['estimate', '--objects', '1000', '--avg-size', '100KB', '--no-gateway-endpoints']);
  assert.equal(refused.code, 2); // a created VPC always has the gateway endpoints
  assert.match(refused.err, /gateway_endpoints/);
});

test('estimate from a CSV manifest with --html writes a report', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'estimate-'));
  const csv = join(dir, 'objects.csv');
  writeFileSync(csv, 'bucket,key,size,etag\nsrc,a/1.csv,1000,"e1"\nsrc,a/2.csv,3000,"e2"\n');
  const html = join(dir, 'report.html');
  const r = await run(['estimate', '--csv', csv, '--html', html, '--months', '6']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /coldpack estimate: 2 objects, 3\.9 KiB/);
  assert.match(readFileSync(html, 'utf8'), /<svg /);
});

test('bad input exits 2 with a message', async () => {
  // usage error (commander), and validation errors (ColdpackError, status 400); the validation paths
  // themselves are unit-tested in units.test.ts, price-table.test.ts and estimate.test.ts
  const cases = [
    ['estimate', '--objects', '10', '--avg-size', '1KB', '--storage-class', 'STANDARD'],
    ['estimate', '--objects', '10', '--avg-size', '1XB', '--prices', '/no/such/file.json'],
    // issue 12 item 1: past the documented bounds, a quick exit 2 (it used to loop per shard forever)
    ['estimate', '--objects', '1000', '--avg-size', '100000TB'],
    ['estimate', '--objects', '99999999999999999999', '--avg-size', '1KB'],
  ];
  const results = await Promise.all(cases.map((args) => run(args)));
  results.forEach((r, i) => {
    assert.equal(r.code, 2, `${cases[i]?.join(' ')}: ${r.err}`);
    assert.match(r.err, /coldpack: |error: /);
  });
});

test('--html into a missing folder: exit 2 naming the path and the folder, before anything is computed or written', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'estimate-'));
  const html = join(dir, 'no', 'such', 'dir', 'report.html');
  const r = await run(['estimate', '--objects', '1000', '--avg-size', '4KB', '--html', html]);
  assert.equal(r.code, 2, r.err);
  assert.equal(r.out, '', 'no table printed');
  assert.ok(r.err.includes(`coldpack: VALIDATION_ERROR: --html ${html}: folder ${join(dir, 'no', 'such', 'dir')} does not exist`), r.err);
  assert.match(r.err, /\(flag: --html\)$/m);
  assert.equal(existsSync(join(dir, 'no')), false, 'no folder created');
  const onFolder = await run(['estimate', '--objects', '1000', '--avg-size', '4KB', '--html', dir]);
  assert.equal(onFolder.code, 2, onFolder.err);
  assert.match(onFolder.err, /^coldpack: VALIDATION_ERROR: --html .*: is a folder; give a file name/m);
});

test('errors name the flags the user typed, not the request fields behind them', async () => {
  const cases: Array<[string[], RegExp]> = [
    [
      ['estimate', '--objects', '10', '--avg-size', '1KB', '--restore-files', '0'],
      /^coldpack: VALIDATION_ERROR: --restore-files: .* \(flag: --restore-files\)$/m,
    ],
    [
      ['estimate', '--objects', '10', '--avg-size', '1KB', '--spot-discount', '2'],
      /^coldpack: VALIDATION_ERROR: --spot-discount: .* \(flag: --spot-discount\)$/m,
    ],
    [['estimate', '--objects', '10', '--avg-size', '1KB', '--shared-stack', '2'], /^coldpack: VALIDATION_ERROR: --shared-stack: .* \(flag: --shared-stack\)$/m],
    [['estimate', '--objects', '10', '--avg-size', '1XB'], /^coldpack: VALIDATION_ERROR: --avg-size: .* \(flag: --avg-size\)$/m],
  ];
  const results = await Promise.all(cases.map(([args]) => run(args)));
  results.forEach((r, i) => {
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, cases[i]![1]);
    assert.doesNotMatch(r.err, /restore_files|spot_discount|deployment\.share|field: avg-size/);
  });
});
