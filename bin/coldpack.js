#!/usr/bin/env node
// coldpack CLI launcher: runs the TypeScript sources through tsx (no separate build step).
import { register } from 'tsx/esm/api';

// The AWS SDK warns on every start that its 2027 releases need Node 22; our SDK versions are pinned.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
// `coldpack ls <bundle> | head -1`: a closed pipe ends the CLI quietly with exit code 0.
const { endQuietlyOnClosedPipe } = await import('../src/entrypoints/cli/closed-pipe.ts');
endQuietlyOnClosedPipe();
const { main } = await import('../src/entrypoints/cli/main.ts');
process.exitCode = await main(process.argv);
