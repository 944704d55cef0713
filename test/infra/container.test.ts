import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { WORKER_COMMANDS } from '../../infra/constructs/compute.js';

const root = process.cwd();
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');

/** Variables that change what code node loads or where the AWS SDK sends signed requests. */
const INJECTABLE = [
  'NODE_OPTIONS',
  'NODE_PATH',
  'AWS_ENDPOINT_URL',
  'AWS_ENDPOINT_URL_S3',
  'AWS_ENDPOINT_URL_DYNAMODB',
  'AWS_ENDPOINT_URL_SNS',
  'AWS_ENDPOINT_URL_BATCH',
];

/** The runtime stage's exec-form ENTRYPOINT. */
function entrypoint(): string[] {
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('FROM '));
  const line = runtime.match(/^ENTRYPOINT (\[.*\])$/m);
  assert.ok(line, 'exec-form ENTRYPOINT in the runtime stage');
  return JSON.parse(line[1]!) as string[];
}

describe('worker image (Dockerfile)', () => {
  it('builds on node:22-slim, installs production dependencies only, runs as the non-root node user', () => {
    const froms = [...dockerfile.matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]);
    assert.deepEqual(froms, ['node:22-slim', 'node:22-slim']);
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('FROM '));
    assert.match(runtime, /npm ci --omit=dev/);
    assert.match(runtime, /^USER node$/m);
    assert.doesNotMatch(runtime, /^USER root/m);
  });

  it('ENTRYPOINT unsets the variables a SubmitJob environment override could use to run code as the job role', () => {
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('FROM '));
    assert.doesNotMatch(runtime, /^ENV .*NODE_OPTIONS/m, 'NODE_OPTIONS set in the image would be unset anyway: pass node flags on the command line');
    const entry = entrypoint();
    assert.equal(entry[0], '/usr/bin/env');
    const nodeAt = entry.indexOf('node');
    assert.ok(nodeAt > 0);
    assert.equal(entry[nodeAt + entry.slice(nodeAt).findIndex((a) => a.endsWith('.mjs'))], 'dist/coldpack.mjs');
    const unset = new Set(entry.slice(1, nodeAt).filter((_, i) => i % 2 === 1));
    assert.ok(
      entry.slice(1, nodeAt).every((a, i) => (i % 2 === 0 ? a === '-u' : true)),
      'only -u NAME pairs before node',
    );
    for (const name of INJECTABLE) assert.ok(unset.has(name), `ENTRYPOINT does not unset ${name}`);
  });

  it('its entry bundles with esbuild (as the build stage does) and offers the worker commands the job definitions run', async () => {
    const outdir = join(root, 'node_modules', '.cache', 'coldpack-container-test');
    mkdirSync(outdir, { recursive: true });
    const outfile = join(outdir, 'coldpack.mjs');
    await build({
      entryPoints: [join(root, 'infra/container/entry.ts')],
      bundle: true,
      platform: 'node',
      target: 'node22',
      format: 'esm',
      packages: 'external',
      outfile,
      logLevel: 'silent',
    });
    const help = execFileSync(process.execPath, [outfile, 'worker', '--help'], { encoding: 'utf8' });
    // Run it the way the image does (ENTRYPOINT + a job definition's command) with an injected
    // NODE_OPTIONS that would make node fail to start if it survived.
    const entry = entrypoint().map((a) => (a === 'node' ? process.execPath : a === 'dist/coldpack.mjs' ? outfile : a));
    const injected = execFileSync(entry[0]!, [...entry.slice(1), 'worker', '--help'], {
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '--require /nonexistent/coldpack-injected.cjs', NODE_PATH: '/nonexistent', AWS_ENDPOINT_URL: 'http://127.0.0.1:9' },
    });
    assert.equal(injected, help);
    for (const kind of ['plan', 'shard', 'finalize'] as const) {
      assert.deepEqual(WORKER_COMMANDS[kind].slice(0, 2), ['worker', kind]);
      assert.match(help, new RegExp(`^\\s+${kind}\\b`, 'm'), `coldpack worker ${kind}`);
    }
  });
});
