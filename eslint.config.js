// ESLint flat config: typescript-eslint recommended rules over src/, test/, bench/, infra/, plus
// the rules the architecture depends on, enforced by `npm run lint` (and so by `npm test`):
// - import boundaries (docs/architecture.md): the core imports no AWS SDK, no adapter and no edge
//   folder; adapters import no edge folder;
// - type-aware checks (typescript-eslint projectService): no floating or misused promises.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Folders of the core: domain logic only, no AWS SDK, no edge. */
export const CORE_FOLDERS = ['src/domain', 'src/bundle', 'src/archive', 'src/restore', 'src/schedule', 'src/cost'];

/** Edge folders (composition roots, HTTP, local harness) that the core and the adapters may not import. */
const EDGE_IMPORTS = {
  group: ['**/api', '**/api/**', '**/entrypoints', '**/entrypoints/**', '**/local', '**/local/**'],
  message: 'the core and the adapters may not import the edges (src/api, src/entrypoints, src/local): move the contract into src/domain.',
};

/** The AWS SDK, which only src/adapters/ (and the composition roots) may import. */
const AWS_SDK_IMPORTS = {
  group: ['@aws-sdk/*'],
  message: 'only src/adapters/ may call AWS: put the SDK call in an adapter behind a port in src/domain/.',
};

/** The adapters, which the core reaches only through the ports in src/domain/ports/. */
const ADAPTER_IMPORTS = {
  group: ['**/adapters', '**/adapters/**'],
  message: 'the core reaches AWS only through ports (src/domain/ports/): the composition roots pass adapters in.',
};

/** `no-restricted-imports` of the core folders: no AWS SDK, no adapter, no edge folder. */
export const CORE_BOUNDARY_RULE = ['error', { patterns: [AWS_SDK_IMPORTS, ADAPTER_IMPORTS, EDGE_IMPORTS] }];


export default tseslint.config(
  { ignores: ['dist/**', 'cdk.out/**', 'node_modules/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test's describe/it/test return promises the runner itself awaits.
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }] },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    files: CORE_FOLDERS.map((folder) => `${folder}/**/*.ts`),
    rules: { 'no-restricted-imports': CORE_BOUNDARY_RULE },
  },
  {
    files: ['src/adapters/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [EDGE_IMPORTS] }] },
  },
);
