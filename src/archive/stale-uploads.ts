/**
 * Unfinished multipart uploads a job left behind: a process killed between CreateMultipartUpload
 * and recording the upload id, or a create whose answer was lost and which the SDK retried, leaves
 * an upload nobody completes (its parts are billed until the bucket's lifecycle rule aborts it).
 * A resumed step lists the uploads under the prefix it alone writes and aborts them before it
 * writes again (nothing of it is in flight then); finalize does the same for the whole job when a
 * step was resumed. The job report counts them (`orphan_uploads_aborted`).
 */
import type { Logger } from '../domain/ports/logger.js';
import type { ObjectStore } from '../domain/ports/object-store.js';

/**
 * Abort every unfinished upload under `prefix`. A failed abort is logged, not thrown (the
 * lifecycle rule aborts it later).
 * @returns the number of uploads aborted
 */
export async function abortStaleUploads(objects: ObjectStore, bucket: string, prefix: string, logger: Logger): Promise<number> {
  let aborted = 0;
  for await (const u of objects.listMultipartUploads(bucket, prefix)) {
    try {
      await objects.abortMultipartUpload({ bucket, key: u.key, uploadId: u.uploadId });
      aborted++;
    } catch (err) {
      logger.warn({ err, bucket, key: u.key, upload_id: u.uploadId }, 'a stale multipart upload could not be aborted; the lifecycle rule will');
    }
  }
  return aborted;
}
