import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { registerEstimate } from './estimate.js';
import { registerInit } from './init.js';
import { registerArchive, registerStatus } from './archive.js';
import { registerLs } from './ls.js';
import { registerWorker } from './worker.js';
import { registerDemo } from './demo.js';
import { registerServe } from './serve.js';
import { registerRestore } from './restore.js';
import { registerReindex } from './reindex.js';

/** Signature of one command module's registration function. */
export type RegisterCommand = (program: Command, ctx: () => CliContext, setExit: (code: number) => void) => void;

/**
 * Register every `coldpack` sub-command. One module per command (or family) in this folder; add
 * new ones to the list below.
 */
export function registerCommands(program: Command, ctx: () => CliContext, setExit: (code: number) => void): void {
  for (const register of COMMANDS) register(program, ctx, setExit);
}

const COMMANDS: RegisterCommand[] = [
  registerInit,
  registerArchive,
  registerStatus,
  registerLs,
  registerWorker,
  registerDemo,
  registerEstimate,
  registerServe,
  registerRestore,
  registerReindex,
];
