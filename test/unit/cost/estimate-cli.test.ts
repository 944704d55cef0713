import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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
  assert.ok(Math.abs(json.coldpack.variable_total_usd - 10.2166) < 1e-4);
  assert.ok(Math.abs(json.coldpack.fixed_total_usd - 895.565569) < 1e-5); // 12 × $74.630464 (5 endpoints × 2 AZs × 730 h × $0.01 = $73.00 + $1.630464)
  assert.ok(Math.abs(json.coldpack.total_usd - 905.7822) < 1e-4); // 10.2166 + 895.5657
  assert.equal(json.stack_break_even_objects_per_month, 1_721_259); // 74.630464 / (43.358080 / 1e6) = 1,721,258.5, rounded up
});

test('CLI deployment and restore options reach the estimate', async () => {
  const r = await run([
    '--json', 'estimate', '--objects', '1000', '--avg-size', '100KB', '--no-endpoints', '--azs', '1',
    '--shared-stack', '0.5', '--restore-tier', 'Bulk', '--restore-days', '2',
  ]);
  assert.equal(r.code, 0, r.err);
  const json = JSON.parse(r.out) as {
    deployment: { interface_endpoints: number; azs: number; share: number; charged_monthly_usd: number };
    restore: { tier: string; days: number };
  };
  assert.equal(json.deployment.interface_endpoints, 0);
  assert.equal(json.deployment.azs, 1);
  assert.equal(json.deployment.share, 0.5);
  assert.ok(Math.abs(json.deployment.charged_monthly_usd - 1.630464048 / 2) < 1e-9); // ($1 + $0.60 + $0.02 + $0.010464) / 2
  assert.equal(json.restore.tier, 'Bulk');
  assert.equal(json.restore.days, 2);
  const fixed = await run(['--json', 'estimate', '--objects', '1000', '--avg-size', '100KB', '--endpoints', '2', '--fixed-monthly-usd', '5']);
  assert.equal(fixed.code, 0, fixed.err);
  assert.equal((JSON.parse(fixed.out) as { coldpack: { fixed_total_usd: number } }).coldpack.fixed_total_usd, 60); // 12 × $5
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
  ];
  const results = await Promise.all(cases.map((args) => run(args)));
  results.forEach((r, i) => {
    assert.equal(r.code, 2, `${cases[i]?.join(' ')}: ${r.err}`);
    assert.match(r.err, /coldpack: |error: /);
  });
});
