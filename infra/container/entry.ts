/**
 * Entry point of the worker container image (bundled by esbuild in the Dockerfile's build stage to
 * `dist/coldpack.mjs`): runs the coldpack CLI, e.g. `worker shard --job <id>`, and exits with its code.
 */
import { main } from '../../src/entrypoints/cli/main.js';

process.exitCode = await main(process.argv);
