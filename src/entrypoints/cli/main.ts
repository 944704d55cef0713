import { Command, CommanderError } from 'commander';
import { asColdpackError, formatCauseChain } from '../../domain/unexpected-errors.js';
import { fieldNote, flagOf, withFlags } from './cli-flags.js';
import { CliContext, type GlobalFlags } from './context.js';
import { registerCommands } from './commands/index.js';

/**
 * Exit codes: 0 ok, 1 failure (job failed, AWS error), 2 refused input (usage, validation or the
 * QC guard; nothing archived or deleted). A {@link ColdpackError} exits with its code's `exit`
 * from `src/domain/error-codes.ts`.
 */
export const EXIT = Object.freeze({ OK: 0, FAILED: 1, BAD_INPUT: 2 });

/** Build the `coldpack` commander program. Each command's action returns its exit code. */
export function buildProgram(state: { ctx?: CliContext; exitCode: number }): Command {
  const program = new Command('coldpack')
    .description('Archive small S3 objects into zip bundles in Glacier Deep Archive; restore single files.')
    .option('--archive-bucket <name>', 'bundle bucket (env COLDPACK_ARCHIVE_BUCKET, default coldpack-archive)')
    .option('--restore-bucket <name>', 'restore bucket (env COLDPACK_RESTORE_BUCKET, default coldpack-restore)')
    .option('--table-prefix <prefix>', 'DynamoDB table name prefix (env COLDPACK_TABLE_PREFIX, default coldpack-)')
    .option('--json', 'machine-readable JSON output')
    .option('--debug', 'on failure, also print the cause chain (names, messages, AWS HTTP status and request id)')
    .exitOverride()
    .configureOutput({
      writeErr: (s) => process.stderr.write(s),
      // Usage errors in the same shape as every other error: `coldpack: <CODE>: <message>`.
      outputError: (s, write) => write(`coldpack: VALIDATION_ERROR: ${s.replace(/^error: /, '')}`),
    });
  const context = (): CliContext => {
    state.ctx ??= new CliContext(program.opts<GlobalFlags>());
    return state.ctx;
  };
  registerCommands(program, context, (code) => {
    state.exitCode = code;
  });
  return program;
}

/**
 * Report a failure the CLI way: `coldpack: <CODE>: <message> (flag: --x)` on stderr (with `--debug`,
 * then the cause chain, one `caused by:` line per cause); with `--json` also `{error: {code, message,
 * field}}` on stdout. Request fields are named by their CLI flags in both (`bucket_name` is `--bucket`,
 * see `cli-flags.ts`). Unknown errors (raw SDK or Node errors) are first turned into a ColdpackError naming
 * what failed ({@link asColdpackError}).
 * @param err what was thrown
 * @param flags the global flags (`--json`, `--debug`)
 * @param endpoint the configured endpoint, named when the error does not tell which one failed
 * @returns the exit code of the error's code (1 failure, 2 refused input)
 */
export function reportFailure(err: unknown, flags: GlobalFlags, endpoint: string | undefined): number {
  const e = asColdpackError(err, endpoint);
  // Shared code names request fields (`bucket_name`, `allow_mismatch`): the CLI names its flags (cli-flags.ts).
  const message = withFlags(e.message);
  if (flags.json === true) {
    // Details an error carries (e.g. every candidate key of an ambiguous name) travel with it, as in the API's body.
    const details = (e as { details?: Record<string, unknown> }).details ?? {};
    const body = { code: e.code, message, ...(e.field ? { field: flagOf(e.field) } : {}), ...details };
    process.stdout.write(JSON.stringify({ error: body }, null, 2) + '\n');
  }
  process.stderr.write(`coldpack: ${e.code}: ${message}${e.field ? ` (${fieldNote(e.field)})` : ''}\n`);
  if (flags.debug === true) {
    const chain = formatCauseChain(e);
    for (const line of chain.slice(1)) process.stderr.write(`  ${line}\n`);
    if (chain.length <= 1) process.stderr.write('  (no cause recorded)\n');
  }
  return e.exitCode;
}

/**
 * Run the CLI. Never throws: errors become a message on stderr and an exit code
 * ({@link EXIT}, or the error code's exit code); with --json the error is also printed as
 * `{code, message, field}` on stdout.
 * @param argv full `process.argv`
 * @returns the process exit code
 */
export async function main(argv: string[]): Promise<number> {
  const state: { ctx?: CliContext; exitCode: number } = { exitCode: EXIT.OK };
  const program = buildProgram(state);
  try {
    await program.parseAsync(argv);
    return state.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? EXIT.OK : EXIT.BAD_INPUT;
    }
    return reportFailure(err, program.opts<GlobalFlags>(), state.ctx?.config.endpoint);
  } finally {
    state.ctx?.close();
  }
}
