/**
 * What a plan refused after its second pass leaves behind, removed: the quality-check guard can only
 * compare a manifest's distinct objects with `file_count` once the plan has sorted its rows and
 * dropped the repeats, which writes the shard plans (and, for large manifests, sort runs) under
 * `plans/<project>/<job>/`. When the guard then refuses the job, those objects are deleted, so a
 * refused job leaves nothing in the archive bucket.
 */
import type { Logger } from '../domain/ports/logger.js';
import type { ObjectStore } from '../domain/ports/object-store.js';

/** Keys deleted per DeleteObjects call: S3's limit, 1,000 (https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html). */
const DELETE_BATCH = 1000;

/**
 * Delete every object under `prefix` in `bucket` (a job's plans).
 * @returns one sentence saying what was removed, or what could not be and why (also logged); never throws
 */
export async function removePlans(objects: ObjectStore, bucket: string, prefix: string, logger: Logger): Promise<string> {
  let deleted = 0;
  const failed: string[] = [];
  try {
    let batch: string[] = [];
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      const r = await objects.deleteObjects(
        bucket,
        batch.map((key) => ({ key })),
      );
      deleted += r.deleted.length;
      for (const e of r.errors) failed.push(`${e.key}: ${e.code}`);
      batch = [];
    };
    for await (const o of objects.listObjects(bucket, prefix)) {
      batch.push(o.key);
      if (batch.length >= DELETE_BATCH) await flush();
    }
    await flush();
  } catch (err) {
    logger.error({ err, bucket, prefix }, 'the plans of a refused job could not be deleted');
    return `its shard plans under s3://${bucket}/${prefix} could not all be deleted (${err instanceof Error ? err.message : String(err)}); ${deleted} were`;
  }
  if (failed.length > 0) {
    logger.error({ bucket, prefix, failed: failed.slice(0, 20) }, 'some plans of a refused job could not be deleted');
    return `${deleted} of the job's shard plans under s3://${bucket}/${prefix} were deleted, ${failed.length} could not be (${failed.slice(0, 3).join(', ')})`;
  }
  return `the job's shard plans were deleted (${deleted} objects under s3://${bucket}/${prefix}); nothing else was written`;
}
