/**
 * Logger port: structured logging, pino-compatible (`logger.info({ job_id }, 'message')`).
 * Composition roots pass a pino logger (`src/adapters/pino-logger.ts`); tests pass
 * {@link silentLogger} or a recording fake. Domain code never logs with `console`.
 */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** A logger that drops everything (the default where a caller passes none). */
export const silentLogger: Logger = Object.freeze({
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
});
