import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../infra/build.js';
import { NETWORK_CONTEXTS } from './support.js';

/** A fresh synth of the template with CDK context (Lambda bundling skipped: same template, other hashes). */
function templateWith(context: Record<string, string>): string {
  const outdir = mkdtempSync(join(tmpdir(), 'coldpack-lint-'));
  const { app, stack } = buildApp({ context, outdir, bundle: false, nag: false, builtinValidation: false });
  return app.synth().getStackArtifact(stack.artifactId).templateFullPath;
}

/**
 * Template to lint: the one `npm run synth` wrote to cdk.out/ (test:infra runs it first), else a
 * fresh synth into a temporary directory (Lambda bundling skipped: same template, other hashes).
 */
const CDK_OUT = join(process.cwd(), 'cdk.out');
const fromCli = join(CDK_OUT, 'Coldpack.template.json');
function templatePath(): string {
  if (existsSync(fromCli) && Date.now() - statSync(fromCli).mtimeMs < 30 * 60_000) return fromCli;
  return templateWith({});
}

interface LintMatch {
  readonly Level: string;
  readonly Rule: { readonly Id: string };
  readonly Message: string;
  readonly Location: { readonly Path: unknown[] };
}

/** cfn-lint's errors on a template, as `rule message at path` lines. */
function lintErrors(path: string): string[] {
  let out: string;
  try {
    out = execFileSync('cfn-lint', ['--format', 'json', path], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stdout?: string; status?: number };
    if (e.code === 'ENOENT') assert.fail('cfn-lint is not installed: pip install cfn-lint');
    // Exit status is a bit mask: 2 errors, 4 warnings, 8 informational; the JSON is on stdout either way.
    out = e.stdout ?? '';
  }
  const matches = JSON.parse(out || '[]') as LintMatch[];
  return matches.filter((m) => m.Level === 'Error').map((m) => `${m.Rule.Id} ${m.Message} at ${m.Location.Path.join('/')}`);
}

describe('cfn-lint', () => {
  it('reports zero errors on the synthesized template', () => {
    assert.deepEqual(lintErrors(templatePath()), []);
  });

  it('reports zero errors on the public and existing network modes too', () => {
    assert.deepEqual(lintErrors(templateWith(NETWORK_CONTEXTS.public)), []);
    assert.deepEqual(lintErrors(templateWith(NETWORK_CONTEXTS.existing)), []);
  });
});

describe('npm run synth output', { skip: existsSync(fromCli) ? false : 'cdk.out/ not written (run npm run synth)' }, () => {
  it('holds the template and five esbuild-bundled Lambda functions (ESM, source maps)', () => {
    const assets = JSON.parse(readFileSync(join(CDK_OUT, 'Coldpack.assets.json'), 'utf8')) as {
      files: Record<string, { source: { path: string; packaging?: string } }>;
      dockerImages: Record<string, { source: { directory: string; dockerFile?: string } }>;
    };
    // coldpack's five functions (esbuild output); CDK's own custom-resource provider
    // (restrictDefaultSecurityGroup) ships prebuilt with an __entrypoint__.js.
    const bundles = Object.values(assets.files).filter((f) => f.source.packaging === 'zip' && !existsSync(join(CDK_OUT, f.source.path, '__entrypoint__.js')));
    assert.equal(bundles.length, 5);
    for (const b of bundles) {
      const dir = join(CDK_OUT, b.source.path);
      assert.ok(existsSync(join(dir, 'index.mjs')), `${dir}/index.mjs`);
      assert.ok(existsSync(join(dir, 'index.mjs.map')), `${dir}/index.mjs.map`);
    }
    const images = Object.values(assets.dockerImages);
    assert.equal(images.length, 1);
    const context = join(CDK_OUT, images[0]!.source.directory);
    for (const needed of ['Dockerfile', 'package.json', 'package-lock.json', 'src', 'infra/container/entry.ts']) {
      assert.ok(existsSync(join(context, needed)), `image context has ${needed}`);
    }
    for (const excluded of ['node_modules', 'test', '.git', 'cdk.out']) {
      assert.equal(existsSync(join(context, excluded)), false, `image context excludes ${excluded}`);
    }
  });
});
