import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { WORKER_COMMANDS } from '../../infra/constructs/compute.js';

const root = process.cwd();
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');

describe('worker image (Dockerfile)', () => {
  it('builds on node:22-slim, installs production dependencies only, runs as the non-root node user', () => {
    const froms = [...dockerfile.matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]);
    assert.deepEqual(froms, ['node:22-slim', 'node:22-slim']);
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('FROM '));
    assert.match(runtime, /npm ci --omit=dev/);
    assert.match(runtime, /^USER node$/m);
    assert.match(runtime, /^ENTRYPOINT \["node", "dist\/coldpack\.mjs"\]$/m);
    assert.doesNotMatch(runtime, /^USER root/m);
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
    for (const kind of ['plan', 'shard', 'finalize', 'restore'] as const) {
      assert.deepEqual(WORKER_COMMANDS[kind].slice(0, 2), ['worker', kind]);
      assert.match(help, new RegExp(`^\\s+${kind}\\b`, 'm'), `coldpack worker ${kind}`);
    }
  });
});
