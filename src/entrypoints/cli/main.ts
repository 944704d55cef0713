import { Command, CommanderError } from 'commander';
import { ColdpackError } from '../../domain/errors.js';
import { CliContext, type GlobalFlags } from './context.js';
import { registerCommands } from './commands/index.js';

/** Exit codes: 0 ok, 1 failure (job failed, AWS error), 2 refused input (usage, validation or the QC guard; nothing archived or deleted). */
export const EXIT = Object.freeze({ OK: 0, FAILED: 1, BAD_INPUT: 2 });

/** Build the `coldpack` commander program. Each command's action returns its exit code. */
export function buildProgram(state: { ctx?: CliContext; exitCode: number }): Command {
  const program = new Command('coldpack')
    .description('Archive small S3 objects into zip bundles in Glacier Deep Archive; restore single files.')
    .option('--archive-bucket <name>', 'bundle bucket (env COLDPACK_ARCHIVE_BUCKET, default coldpack-archive)')
    .option('--restore-bucket <name>', 'restore bucket (env COLDPACK_RESTORE_BUCKET, default coldpack-restore)')
    .option('--table-prefix <prefix>', 'DynamoDB table name prefix (env COLDPACK_TABLE_PREFIX, default coldpack-)')
    .option('--json', 'machine-readable JSON output')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
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
 * Run the CLI. Never throws: errors become a message on stderr and an exit code
 * ({@link EXIT}); with --json the error is also printed as `{code, message, field}` on stdout.
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
    const json = program.opts<GlobalFlags>().json === true;
    if (err instanceof ColdpackError) {
      // Extra details of the error (e.g. every candidate key of an ambiguous name) travel with it.
      const details = (err as { details?: Record<string, unknown> }).details ?? {};
      const body = { code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}), ...details };
      if (json) process.stdout.write(JSON.stringify({ error: body }, null, 2) + '\n');
      process.stderr.write(`coldpack: ${err.code}: ${err.message}${err.field ? ` (field: ${err.field})` : ''}\n`);
      return err.status < 500 ? EXIT.BAD_INPUT : EXIT.FAILED;
    }
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    if (json) process.stdout.write(JSON.stringify({ error: { code: 'INTERNAL', message } }, null, 2) + '\n');
    process.stderr.write(`coldpack: ${message}\n`);
    return EXIT.FAILED;
  } finally {
    state.ctx?.close();
  }
}
