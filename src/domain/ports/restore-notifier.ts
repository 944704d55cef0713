/**
 * Notification port of the restore pipeline and the message it sends when a request finishes.
 * SNS adapter: `src/adapters/sns-notifier.ts`; tests pass a recording fake. A new channel (Slack,
 * e-mail) is one more implementation of {@link RestoreNotifier}.
 */
import type { RestoreFileStatus, RestoreFinalStatus } from '../restore-request.js';

/** Event names of restore notifications (SNS message attribute `event`). */
export type RestoreEventName = 'restore.completed' | 'restore.partial' | 'restore.failed';

/** One file in a notification. */
export interface NotifiedFile {
  readonly key: string;
  readonly status: RestoreFileStatus;
  /** Source bucket. */
  readonly bucket?: string;
  /** Uncompressed size in bytes. */
  readonly size?: number;
  /** `s3://<restore bucket>/<restore key>` of the restored copy. */
  readonly location?: string;
  /** Presigned HTTPS GET URL of the restored copy, valid `url_expires_in` seconds. */
  readonly url?: string;
  /** Why it failed or was not found. */
  readonly error_code?: string;
  readonly message?: string;
}

/** The JSON body of a restore notification (SNS `Message`). */
export interface RestoreNotification {
  readonly event: RestoreEventName;
  readonly restore_id: string;
  readonly status: RestoreFinalStatus;
  readonly project?: string;
  readonly requested_by: string;
  readonly created_at: string;
  readonly finished_at: string;
  /** Counts of files by outcome. */
  readonly counts: { readonly files: number; readonly available: number; readonly failed: number; readonly not_found: number };
  /** Lifetime of the presigned URLs in seconds. */
  readonly url_expires_in: number;
  /** The files (an adapter may cut the list to fit its message limit; then `files_truncated` is true). */
  readonly files: readonly NotifiedFile[];
  readonly files_truncated?: boolean;
}

/** Sends restore notifications. */
export interface RestoreNotifier {
  /**
   * Publish `message` to every topic in `topicArns` (none = nothing to do).
   * @throws the transport's error when a publish fails (the caller records it and retries later)
   */
  notify(topicArns: readonly string[], message: RestoreNotification): Promise<void>;
}
