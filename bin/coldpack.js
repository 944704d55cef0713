#!/usr/bin/env node
// coldpack CLI launcher: runs the TypeScript sources through tsx (no separate build step).
import { register } from 'tsx/esm/api';

// The AWS SDK warns on every start that its 2027 releases need Node 22; versions are pinned, so hide it.
process.removeAllListeners('warning');
process.on('warning', (w) => {
  if (w.name !== 'NodeVersionSupportWarning') process.stderr.write(`${w.name}: ${w.message}\n`);
});
register();
const { main } = await import('../src/entrypoints/cli/main.ts');
process.exitCode = await main(process.argv);
