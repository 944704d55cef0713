/**
 * The CLI's {@link Logger}: what a command's services log beside its output. Without `--debug`,
 * warnings and errors are one line each on stderr, `coldpack: warning: <message> (restore_id …)`,
 * with no stack; info and debug are dropped. With `--debug`, pino JSON lines on stderr with every
 * field (the cause's stack included), from level debug.
 */
import { pino } from 'pino';
import type { Logger } from '../../domain/ports/logger.js';

/** Fields named in a one-line message, when the log record has them. */
const ID_FIELDS = ['job_id', 'restore_id', 'bundle_key', 'bucket', 'key'] as const;

/** One stderr line for a log record: `coldpack: <level>: <message> (<ids>)`. */
export function cliLogLine(level: 'warning' | 'error', obj: object, msg?: string): string {
  const record = obj as Record<string, unknown>;
  const ids = ID_FIELDS.filter((f) => typeof record[f] === 'string' || typeof record[f] === 'number').map((f) => `${f} ${String(record[f])}`);
  return `coldpack: ${level}: ${msg ?? ''}${ids.length > 0 ? ` (${ids.join(', ')})` : ''}\n`;
}

/**
 * @param debug the global `--debug` flag
 * @param write where lines go (default stderr)
 */
export function cliLogger(debug: boolean, write: (line: string) => void = (l) => void process.stderr.write(l)): Logger {
  if (debug) return pino({ name: 'coldpack', level: 'debug' }, pino.destination({ fd: 2, sync: true }));
  return {
    debug: () => undefined,
    info: () => undefined,
    warn: (obj, msg) => write(cliLogLine('warning', obj, msg)),
    error: (obj, msg) => write(cliLogLine('error', obj, msg)),
  };
}
