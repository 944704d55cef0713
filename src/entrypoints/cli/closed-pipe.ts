/**
 * A reader that stops early (`coldpack ls <bundle> | head -1`) closes the pipe: the next write to
 * stdout fails with EPIPE, emitted as an 'error' event that, unhandled, ends the process with a
 * stack trace. The CLI ends quietly instead, with exit code 0: the reader got what it asked for.
 * Any other stream error is left to Node (it is a real failure).
 */

/** Stream-like: what {@link endQuietlyOnClosedPipe} needs of stdout and stderr. */
export interface ErrorEmitter {
  on(event: 'error', listener: (err: NodeJS.ErrnoException) => void): unknown;
}

/**
 * Make EPIPE on the given streams (default stdout and stderr) end the process with `exit(0)`.
 * @param exit injected for tests; default `process.exit`
 */
export function endQuietlyOnClosedPipe(
  streams: readonly ErrorEmitter[] = [process.stdout, process.stderr],
  exit: (code: number) => void = (code) => process.exit(code),
): void {
  for (const s of streams) {
    s.on('error', (err) => {
      if (err.code === 'EPIPE') exit(0);
      else throw err;
    });
  }
}
