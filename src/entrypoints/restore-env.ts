/**
 * Restore settings read from the environment at a process edge (CLI, Lambda).
 * - COLDPACK_PRESIGN_EXPIRES_SECONDS: lifetime of presigned URLs in notifications, 1-604,800 s
 *   (default 86,400).
 */
import { ENV } from '../domain/env-names.js';
import { ValidationError } from '../domain/errors.js';
import type { RestoreExtraOptions } from '../restore/factory.js';
import { MAX_PRESIGN_SECONDS } from '../restore/notifications.js';

/** @throws ValidationError when a variable is out of range */
export function restoreOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): RestoreExtraOptions {
  const raw = env[ENV.PRESIGN_EXPIRES_SECONDS];
  if (raw === undefined || raw === '') return {};
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > MAX_PRESIGN_SECONDS) {
    throw new ValidationError(`${ENV.PRESIGN_EXPIRES_SECONDS} must be an integer 1-${MAX_PRESIGN_SECONDS}, got "${raw}"`, ENV.PRESIGN_EXPIRES_SECONDS);
  }
  return { presignSeconds: n };
}
