/**
 * What a failed bundle leaves behind, removed: a bundle (and its manifest) uploaded but never
 * committed is deleted, so a failed job leaves no Deep Archive object no record points to (each
 * would be billed its 180-day minimum for nothing). In a versioned archive bucket the version
 * written is deleted by its version id; where that is refused (the stack's bucket policy lets only
 * a break-glass principal delete versions) a delete marker hides it and the bucket's
 * noncurrent-version expiration rule removes the data. Where deleting is refused altogether (the
 * stack grants no role s3:DeleteObject on bundles: nobody may delete bundles) the object is kept
 * and a resume of the job rewrites it, superseding it (then expired by that rule). The outcome is
 * said in the job's error.
 */
import type { Logger } from '../domain/ports/logger.js';
import { ObjectStoreError, type ObjectStore } from '../domain/ports/object-store.js';

/** Append `note` to an error's message (keeping its class, code and fields) and return it. */
export function noted(err: unknown, note: string): unknown {
  if (err instanceof Error) err.message = `${err.message} (${note})`;
  return err;
}

/**
 * Delete objects written by a bundle attempt that did not commit.
 * @param written key and, in a versioned bucket, the version id written
 * @returns one sentence saying what was removed and what was not
 */
export async function removeUncommitted(
  store: ObjectStore,
  bucket: string,
  written: ReadonlyArray<readonly [string, { versionId?: string }]>,
  logger: Logger,
): Promise<string> {
  const said: string[] = [];
  for (const [key, { versionId }] of written) {
    const where = `s3://${bucket}/${key}`;
    try {
      await store.deleteObject(bucket, { key, ...(versionId ? { versionId } : {}) });
      said.push(`${where} uploaded but not committed: deleted`);
      continue;
    } catch (err) {
      if (!versionId || !(err instanceof ObjectStoreError) || err.failure !== 'ACCESS_DENIED') {
        logger.error({ err, bucket, key }, 'an uploaded, uncommitted bundle object could not be deleted');
        said.push(
          `${where} uploaded but not committed: could not be deleted (${err instanceof Error ? err.message : String(err)}); resuming the job rewrites it and the superseded version expires with the noncurrent-version rule`,
        );
        continue;
      }
    }
    try {
      await store.deleteObject(bucket, { key });
      said.push(`${where} uploaded but not committed: hidden by a delete marker (deleting its version was refused); the noncurrent-version rule removes it`);
    } catch (err) {
      logger.error({ err, bucket, key }, 'an uploaded, uncommitted bundle object could not be deleted');
      said.push(
        `${where} uploaded but not committed: could not be deleted (${err instanceof Error ? err.message : String(err)}); resuming the job rewrites it and the superseded version expires with the noncurrent-version rule`,
      );
    }
  }
  return said.join('; ');
}
