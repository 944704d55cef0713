/**
 * The final notification of a restore request: build the message (files, locations, presigned GET
 * URLs), publish it through the {@link RestoreNotifier}, record the outcome, and close the request
 * for the reconciler once delivered. Presigned URLs: SigV4 query signing, at most 7 days
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ShareObjectPreSignedURL.html); a URL signed
 * with temporary credentials (a Lambda role) stops working when those credentials expire, whatever
 * its own expiry.
 */
import { ColdpackError } from '../domain/errors.js';
import type { Clock } from '../domain/ports/clock.js';
import type { Logger } from '../domain/ports/logger.js';
import type { ObjectStore } from '../domain/ports/object-store.js';
import type { NotifiedFile, RestoreEventName, RestoreNotification, RestoreNotifier } from '../domain/ports/restore-notifier.js';
import type { RestoreStore } from '../domain/ports/restore-store.js';
import type { RestoreFinalStatus } from '../domain/restore-request.js';

/** Default presigned URL lifetime: 86,400 s (1 day). */
export const DEFAULT_PRESIGN_SECONDS = 86_400;
/** Longest presigned URL lifetime SigV4 allows: 604,800 s (7 days). */
export const MAX_PRESIGN_SECONDS = 604_800;

/** Publish attempts of one restore notification before the reconciler gives up (hourly passes in AWS: about a day). */
export const MAX_NOTIFY_ATTEMPTS = 24;
/** Most files given a presigned URL in one message (signing is local, but the message is capped at 256 KiB). */
const MAX_SIGNED = 1_000;

/** Map a final status to its event name. */
export function eventFor(status: RestoreFinalStatus): RestoreEventName {
  return status === 'AVAILABLE' ? 'restore.completed' : status === 'PARTIAL' ? 'restore.partial' : 'restore.failed';
}

/** Where notifications come from and go to. */
export interface NotificationsOptions {
  /** Bucket of the restored copies. */
  readonly restoreBucket: string;
  /** URL lifetime in seconds (1-604,800). Default {@link DEFAULT_PRESIGN_SECONDS}. */
  readonly presignSeconds?: number;
}

/** Sends and records final notifications. */
export class Notifications {
  /**
   * @param objects presigns GETs; @param store restore records; @param notifier the channel;
   * @param clock now; @param logger failed deliveries; @param options bucket and URL lifetime
   */
  constructor(
    private readonly objects: ObjectStore,
    private readonly store: RestoreStore,
    private readonly notifier: RestoreNotifier,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly options: NotificationsOptions,
  ) {}

  private get presignSeconds(): number {
    return this.options.presignSeconds ?? DEFAULT_PRESIGN_SECONDS;
  }

  /** Build the notification of a finished request, or undefined when it is not finished. */
  async build(restoreId: string): Promise<RestoreNotification | undefined> {
    const req = await this.store.getRequest(restoreId);
    if (!req?.status || !req.finished_at) return undefined;
    const files = await this.store.files(restoreId);
    let signed = 0;
    const out: NotifiedFile[] = [];
    const counts = { files: files.length, available: 0, failed: 0, not_found: 0 };
    for (const f of files) {
      if (f.status === 'AVAILABLE') counts.available++;
      else if (f.status === 'FAILED') counts.failed++;
      else if (f.status === 'NOT_FOUND') counts.not_found++;
      let url: string | undefined;
      if (f.status === 'AVAILABLE' && f.restore_key && signed++ < MAX_SIGNED)
        url = await this.objects.presignGet(this.options.restoreBucket, f.restore_key, this.presignSeconds);
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
    return {
      event: eventFor(req.status),
      restore_id: restoreId,
      status: req.status,
      ...(req.project ? { project: req.project } : {}),
      requested_by: req.requested_by,
      created_at: req.created_at,
      finished_at: req.finished_at,
      counts,
      url_expires_in: this.presignSeconds,
      files: out,
    };
  }

  /**
   * Publish the notification of a finished request and close it; on a publish failure record the
   * error, log it and keep the request open (the reconciler retries).
   * @returns whether it was delivered (or there was no topic)
   */
  async send(restoreId: string): Promise<boolean> {
    const req = await this.store.getRequest(restoreId);
    const message = await this.build(restoreId);
    if (!req || !message) return false;
    try {
      if (req.topic_arns.length > 0) await this.notifier.notify(req.topic_arns, message);
    } catch (err) {
      const reason = err instanceof ColdpackError ? `${err.code}: ${err.message}` : err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      this.logger.warn({ restore_id: restoreId, topics: req.topic_arns, err }, `restore notification failed, the reconciler retries it: ${reason}`);
      await this.store.markNotifyFailed(restoreId, reason);
      if ((req.notify_attempts ?? 0) + 1 >= MAX_NOTIFY_ATTEMPTS) {
        // Bounded: the request stays FAILED-to-notify in its status (`errors`: NOTIFY_FAILED) and leaves the open list.
        this.logger.error({ restore_id: restoreId, topics: req.topic_arns }, `restore notification given up after ${MAX_NOTIFY_ATTEMPTS} attempts: ${reason}`);
        await this.store.close(restoreId);
      }
      return false;
    }
    await this.store.markNotified(restoreId, this.clock.now().toISOString());
    await this.store.close(restoreId);
    return true;
  }
}
