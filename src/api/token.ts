/**
 * The bearer token of `coldpack serve`: from `--token-file`, else COLDPACK_API_TOKEN, else the
 * file `.coldpack/api-token`, else a new random token written to that file (mode 0600).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ENV } from '../domain/env-names.js';
import { ColdpackError, ValidationError } from '../domain/errors.js';
import { generateToken } from './auth.js';

/** Default token file, relative to the working directory (gitignored). */
export const DEFAULT_TOKEN_FILE = '.coldpack/api-token';

/** Where the token came from. */
export interface ResolvedToken {
  readonly token: string;
  readonly source: 'token-file' | 'env' | 'default-file' | 'generated';
  /** The file read or written, when there is one. */
  readonly path?: string;
}

function readToken(path: string, what: string): string {
  const token = readFileSync(path, 'utf8').trim();
  if (token.length < 16) throw new ValidationError(`${what} ${path} must hold a token of at least 16 characters`, 'token-file');
  return token;
}

/**
 * Resolve the API token.
 * @param opts `tokenFile` (--token-file), `envToken` (COLDPACK_API_TOKEN), `defaultFile` (default {@link DEFAULT_TOKEN_FILE})
 * @throws ValidationError for a token file holding fewer than 16 characters or a missing --token-file;
 *   ColdpackError `CONFIG_ERROR` for a COLDPACK_API_TOKEN shorter than 16 characters
 */
export function resolveToken(opts: { tokenFile?: string; envToken?: string; defaultFile?: string }): ResolvedToken {
  if (opts.tokenFile !== undefined) {
    if (!existsSync(opts.tokenFile)) throw new ValidationError(`--token-file ${opts.tokenFile} does not exist`, 'token-file');
    return { token: readToken(opts.tokenFile, '--token-file'), source: 'token-file', path: opts.tokenFile };
  }
  const env = opts.envToken?.trim();
  if (env) {
    if (env.length < 16) throw new ColdpackError('CONFIG_ERROR', `${ENV.API_TOKEN} must be at least 16 characters`, { field: ENV.API_TOKEN });
    return { token: env, source: 'env' };
  }
  const path = opts.defaultFile ?? DEFAULT_TOKEN_FILE;
  if (existsSync(path)) return { token: readToken(path, 'token file'), source: 'default-file', path };
  const token = generateToken();
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, token + '\n', { mode: 0o600 });
  return { token, source: 'generated', path };
}
