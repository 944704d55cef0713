/** How failed S3 calls of a restore are told apart and recorded on a file. Pure. */
import { ColdpackError } from '../domain/errors.js';
import { ObjectStoreError } from '../domain/ports/object-store.js';

/**
 * Whether a failed call was refused for good (the files fail: 400, 403, 404...) rather than
 * unavailable for now (throttled, 5xx, network: retried by the reconciler).
 */
export function isRefusal(err: unknown): boolean {
  if (!(err instanceof ObjectStoreError)) return false;
  if (err.failure === 'THROTTLED' || err.failure === 'UNAVAILABLE' || err.failure === 'UNKNOWN') return false;
  return err.httpStatus === undefined || err.httpStatus < 500;
}

/**
 * The `error_code` and `message` recorded on a file whose extraction failed: S3's error code (e.g.
 * `AccessDenied`, with a hint about the role's S3 and KMS permissions), coldpack's code (e.g.
 * `INTEGRITY_ERROR`), or `EXTRACTION_FAILED`.
 */
export function extractionFailure(err: unknown): { error_code: string; message: string } {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof ObjectStoreError) {
    const hint =
      err.failure === 'ACCESS_DENIED' ? " (access denied: check the role's S3 and KMS permissions on the restore bucket, e.g. kms:GenerateDataKey)" : '';
    return { error_code: err.awsCode ?? err.failure, message: `${message}${hint}` };
  }
  return { error_code: err instanceof ColdpackError ? err.code : 'EXTRACTION_FAILED', message };
}
