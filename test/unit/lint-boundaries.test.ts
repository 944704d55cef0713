/**
 * The lint rules the architecture relies on really fail on a violation (issue 9 item 10): a
 * deliberate violation linted with ESLint's Node API must be reported.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ESLint, type Linter } from 'eslint';

interface LintConfigModule {
  readonly CORE_FOLDERS: readonly string[];
  readonly CORE_BOUNDARY_RULE: Linter.RuleEntry;
}
// A computed specifier: the config is plain JavaScript outside the TypeScript project.
const CONFIG_FILE = '../../eslint.config.js';
const config = (await import(CONFIG_FILE)) as LintConfigModule;

/** The repository's config without type information (fast; the boundary rule needs none). */
const untyped: Linter.Config = {
  files: ['**/*.ts'],
  languageOptions: { parserOptions: { projectService: false } },
  rules: { '@typescript-eslint/no-floating-promises': 'off', '@typescript-eslint/no-misused-promises': 'off' },
};
const eslint = new ESLint({ overrideConfig: [untyped] });

async function restrictedImports(code: string, filePath: string, lint = eslint): Promise<string[]> {
  const [result] = await lint.lintText(code, { filePath });
  assert.ok(result);
  const fatal = result.messages.filter((m) => m.fatal);
  assert.deepEqual(fatal, [], `${filePath} did not parse`);
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('import boundaries (no-restricted-imports)', () => {
  it('a core file importing the AWS SDK fails lint', async () => {
    const messages = await restrictedImports(
      "import { S3Client } from '@aws-sdk/client-s3';\nexport const client = new S3Client({});\n",
      'src/archive/boundary-probe.ts',
    );
    assert.equal(messages.length, 1);
    assert.match(messages[0]!, /'@aws-sdk\/client-s3' import is restricted.*only src\/adapters\/ may call AWS/);
  });

  it('a core file importing an edge folder fails lint, in every core folder', async () => {
    const cases: Array<[string, string]> = [
      ['src/restore/boundary-probe.ts', "import type { ArchiveJobs } from '../api/ports.js';\nexport type X = ArchiveJobs;\n"],
      ['src/domain/ports/boundary-probe.ts', "import { main } from '../../entrypoints/cli/main.js';\nexport const m = main;\n"],
      ['src/schedule/boundary-probe.ts', "import { runDemo } from '../local/demo.js';\nexport const r = runDemo;\n"],
      ['src/bundle/boundary-probe.ts', "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nexport const d = DynamoDBClient;\n"],
      ['src/cost/boundary-probe.ts', "export { handler } from '../entrypoints/lambda/api.js';\n"],
    ];
    for (const [filePath, code] of cases) assert.equal((await restrictedImports(code, filePath)).length, 1, filePath);
  });

  it('adapters may import the SDK but not the edges; composition roots may import anything', async () => {
    assert.equal(
      (await restrictedImports("import { S3Client } from '@aws-sdk/client-s3';\nexport const c = S3Client;\n", 'src/adapters/boundary-probe.ts')).length,
      0,
    );
    assert.equal((await restrictedImports("import { json } from '../api/http.js';\nexport const j = json;\n", 'src/adapters/boundary-probe.ts')).length, 1);
    const root = "import { S3Client } from '@aws-sdk/client-s3';\nimport { json } from '../api/http.js';\nexport const x = [S3Client, json];\n";
    assert.equal((await restrictedImports(root, 'src/entrypoints/boundary-probe.ts')).length, 0);
  });

  it('the rule covers every core folder', () => {
    assert.deepEqual([...config.CORE_FOLDERS].sort(), ['src/archive', 'src/bundle', 'src/cost', 'src/domain', 'src/restore', 'src/schedule']);
  });

  it('a core file importing an adapter fails lint (the core reaches AWS through ports)', async () => {
    const code = "import { S3ObjectStore } from '../adapters/s3/s3-object-store.js';\nexport const s = S3ObjectStore;\n";
    const messages = await restrictedImports(code, 'src/archive/boundary-probe.ts');
    assert.equal(messages.length, 1);
    assert.match(messages[0]!, /only through ports/);
  });
});

describe('type-aware rules', () => {
  it('a floating or misused promise fails lint', async () => {
    // Type information needs a file of the TypeScript project: lint new text under an existing path.
    const [result] = await new ESLint().lintText(
      'async function work(): Promise<void> {}\nexport function start(): void {\n  work();\n  setTimeout(async () => work(), 1);\n}\n',
      { filePath: 'src/entrypoints/cli/int-flag.ts' },
    );
    const rules = (result?.messages ?? []).map((m) => m.ruleId);
    assert.ok(rules.includes('@typescript-eslint/no-floating-promises'), JSON.stringify(result?.messages));
    assert.ok(rules.includes('@typescript-eslint/no-misused-promises'), JSON.stringify(result?.messages));
  });
});
