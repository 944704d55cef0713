/**
 * The final notification of a restore request: build the message (files, locations, presigned GET
 * URLs), publish it through the {@link RestoreNotifier}, record the outcome, and close the request
 * for the reconciler once delivered. Presigned URLs: SigV4 query signing, at most 7 days
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ShareObjectPreSignedURL.html); a URL signed
 * with temporary credentials (a Lambda role) stops working when those credentials expire, whatever
 * its own expiry.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { eventFor, type NotifiedFile, type RestoreNotification, type RestoreNotifier } from './notifier.js';
import type { RestoreStore } from './restore-store.js';

/** Default presigned URL lifetime: 86,400 s (1 day). */
export const DEFAULT_PRESIGN_SECONDS = 86_400;
/** Longest presigned URL lifetime SigV4 allows: 604,800 s (7 days). */
export const MAX_PRESIGN_SECONDS = 604_800;
/** Most files given a presigned URL in one message (signing is local, but the message is capped at 256 KiB). */
const MAX_SIGNED = 1_000;

/** Sends and records final notifications. */
export class Notifications {
  /**
   * @param s3 client used to presign GETs
   * @param restoreBucket bucket of the restored copies
   * @param presignSeconds URL lifetime in seconds (1-604,800)
   */
  constructor(
    private readonly s3: S3Client,
    private readonly store: RestoreStore,
    private readonly notifier: RestoreNotifier,
    readonly restoreBucket: string,
    private readonly presignSeconds: number = DEFAULT_PRESIGN_SECONDS,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Build the notification of a finished request, or undefined when it is not finished. */
  async build(restoreId: string): Promise<RestoreNotification | undefined> {
    const req = await this.store.getRequest(restoreId);
    if (!req?.status || !req.finished_at) return undefined;
    const files = await this.store.files(restoreId);
    let signed = 0;
    const out: NotifiedFile[] = [];
    for (const f of files) {
      let url: string | undefined;
      if (f.status === 'AVAILABLE' && f.restore_key && signed++ < MAX_SIGNED) {
        url = await getSignedUrl(this.s3, new GetObjectCommand({ Bucket: this.restoreBucket, Key: f.restore_key }), { expiresIn: this.presignSeconds });
      }
      out.push({
        key: f.key,
        status: f.status,
        ...(f.bucket ? { bucket: f.bucket } : {}),
        ...(f.size !== undefined ? { size: f.size } : {}),
        ...(f.location ? { location: f.location } : {}),
        ...(url ? { url } : {}),
        ...(f.error_code ? { error_code: f.error_code } : {}),
        ...(f.message ? { message: f.message } : {}),
      });
    }
    const count = (s: string): number => files.filter((f) => f.status === s).length;
    return {
      event: eventFor(req.status),
      restore_id: restoreId,
      status: req.status,
      ...(req.project ? { project: req.project } : {}),
      requested_by: req.requested_by,
      created_at: req.created_at,
      finished_at: req.finished_at,
      counts: { files: files.length, available: count('AVAILABLE'), failed: count('FAILED'), not_found: count('NOT_FOUND') },
      url_expires_in: this.presignSeconds,
      files: out,
    };
  }

  /**
   * Publish the notification of a finished request and close it; on a publish failure record the
   * error and keep it open (the reconciler retries).
   * @returns whether it was delivered (or there was no topic)
   */
  async send(restoreId: string): Promise<boolean> {
    const req = await this.store.getRequest(restoreId);
    const message = await this.build(restoreId);
    if (!req || !message) return false;
    try {
      if (req.topic_arns.length > 0) await this.notifier.notify(req.topic_arns, message);
    } catch (err) {
      await this.store.notified(restoreId, this.now().toISOString(), `${(err as Error).name}: ${(err as Error).message}`);
      return false;
    }
    await this.store.notified(restoreId, this.now().toISOString());
    await this.store.close(restoreId);
    return true;
  }
}
