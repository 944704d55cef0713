/**
 * Regenerate docs/openapi.json from the request schemas: `node --import tsx scripts/openapi.ts`.
 * With `--check`, exit 1 when the file on disk is not what the schemas generate (for CI).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { buildOpenApi } from '../src/api/openapi.js';

const target = new URL('../docs/openapi.json', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
const text = JSON.stringify(buildOpenApi({ version: pkg.version }), null, 2) + '\n';

if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    // missing file: stale
  }
  if (current !== text) {
    console.error('docs/openapi.json is stale: run node --import tsx scripts/openapi.ts');
    process.exit(1);
  }
  console.log('docs/openapi.json is up to date');
} else {
  writeFileSync(target, text);
  console.log(`wrote ${target.pathname}`);
}
