/**
 * The archive job's pre-flight: before the first bundle upload, the bundle store (and, with the
 * `per_file` catalog, the file index) answers one read each, so a missing table fails the job
 * before anything is uploaded (the bundle directory's job scopes, written by the plan, come before
 * any upload too), with a message
 * naming the operation and the table (`DynamoDB GetItem failed: ResourceNotFoundException: table cp-files: ...`).
 * The archive bucket is proven by the job's first write, its shard plan (STANDARD, written before
 * any bundle): a missing or write-refusing bucket fails there, the error naming the operation and
 * the key (`PutObject s3://archive/plans/...: NoSuchBucket: ...`), and nothing is left behind.
 * The source bucket is checked when the job is submitted (`ArchiveService`). The checks are
 * DynamoDB reads, which the request model counts as bookkeeping, not as S3 requests.
 */
import { ColdpackError } from '../domain/errors.js';
import { isErrorCode } from '../domain/error-codes.js';
import { asColdpackError } from '../domain/unexpected-errors.js';
import type { CatalogMode } from '../domain/catalog.js';
import type { BundleStore } from '../domain/ports/bundle-store.js';
import type { FileIndexStore } from '../domain/ports/file-index-store.js';

/** A pre-flight check failed: nothing of the job was written. The message names the operation and the resource. */
export class PreflightError extends ColdpackError {
  /** @param what the resource checked (e.g. `archive bucket b`); @param cause the store's error */
  constructor(what: string, cause: unknown) {
    const e = asColdpackError(cause); // names the operation of an AWS error (and, for DynamoDB, the table)
    super(isErrorCode(e.code) ? e.code : 'AWS_ERROR', `pre-flight check of the ${what} failed before anything was uploaded: ${e.message}`, {
      cause,
      expose: true,
    });
  }
}

/**
 * Run the checks in order, stopping at the first failure.
 * @throws PreflightError naming what failed
 */
export async function preflight(deps: { bundles: BundleStore; index: FileIndexStore; catalog?: CatalogMode }): Promise<void> {
  const checks: Array<[string, () => Promise<void>]> = [
    ['bundle store', async () => deps.bundles.check?.()],
    // The per-file index exists (and is written) only with `catalog: per_file`.
    ...(deps.catalog === 'per_file' ? [['file index', async () => deps.index.check?.()] as [string, () => Promise<void>]] : []),
  ];
  for (const [what, check] of checks) {
    try {
      await check();
    } catch (err) {
      throw new PreflightError(what, err);
    }
  }
}
