/**
 * Superseded bundle versions in a versioned archive bucket: a bundle rewritten after a crash (its
 * first upload completed, its commit did not) keeps the earlier upload as a noncurrent version, in
 * Deep Archive, billed its 180-day minimum and then every month for good. When a rewrite commits,
 * every other version of the bundle's key and of its manifest's key (and any delete marker) is
 * deleted. Where the bucket policy refuses version deletes (the stack lets only a break-glass
 * principal delete versions) they are counted as left: the stack's noncurrent-version expiration
 * rule removes them (for Deep Archive that costs no more than deleting them now: the 180-day
 * minimum is billed either way).
 */
import type { Logger } from '../domain/ports/logger.js';
import { ObjectStoreError, type ObjectStore } from '../domain/ports/object-store.js';

/** What {@link deleteSuperseded} did. */
export interface SupersededOutcome {
  deleted: number;
  /** Versions whose delete was refused (access denied), left to the noncurrent-version rule. */
  left: number;
}

/**
 * Delete every version of each key but the one to keep.
 * @param keep pairs of key and the version id just written (committed)
 * @throws ObjectStoreError for a failure other than a refused delete (the commit is then retried)
 */
export async function deleteSuperseded(
  store: ObjectStore,
  bucket: string,
  keep: ReadonlyArray<readonly [string, string]>,
  logger: Logger,
): Promise<SupersededOutcome> {
  const out: SupersededOutcome = { deleted: 0, left: 0 };
  for (const [key, versionId] of keep) {
    for await (const v of store.listObjectVersions(bucket, key)) {
      if (v.key !== key || v.versionId === versionId) continue;
      try {
        await store.deleteObject(bucket, { key, versionId: v.versionId });
        out.deleted++;
      } catch (err) {
        if (!(err instanceof ObjectStoreError) || err.failure !== 'ACCESS_DENIED') throw err;
        logger.warn({ err, bucket, key, version_id: v.versionId }, 'deleting a superseded version was refused; the noncurrent-version rule removes it');
        out.left++;
      }
    }
  }
  return out;
}
