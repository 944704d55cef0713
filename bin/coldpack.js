#!/usr/bin/env node
// coldpack CLI launcher: runs the TypeScript sources through tsx (no separate build step).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/entrypoints/cli/main.ts');
process.exitCode = await main(process.argv);
