/**
 * Parse "restore completed" events into (bucket, key) pairs.
 *
 * Two shapes are accepted:
 * - EventBridge `detail-type: "Object Restore Completed"`, `source: "aws.s3"`, with
 *   `detail.bucket.name`, `detail.object.key`, `detail["restore-expiry-time"]`
 *   (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html);
 * - S3 event notifications (`Records[].eventName` `ObjectRestore:Completed`, `s3.bucket.name`,
 *   `s3.object.key`; https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html),
 *   also when wrapped in an SNS or SQS envelope.
 *
 * Keys in S3 event payloads are URL-encoded form values: a space arrives as `+` and a literal `+`
 * as `%2B`. They are decoded exactly once here (case C06); nothing downstream decodes again.
 */
import { decodeS3UrlKey } from '../domain/keys.js';

/** One archived object whose restore completed. */
export interface RestoreCompletedEvent {
  readonly bucket: string;
  /** The object key, decoded. */
  readonly key: string;
  /** When the restored copy expires, if the event says so. */
  readonly expiresAt?: Date;
}


type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function date(v: unknown): Date | undefined {
  const s = str(v);
  if (!s) return undefined;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

function fromEventBridge(e: Json): RestoreCompletedEvent[] {
  if (e['detail-type'] !== 'Object Restore Completed') return [];
  const detail = obj(e.detail);
  const bucket = str(obj(detail?.bucket)?.name);
  const key = str(obj(detail?.object)?.key);
  if (!bucket || key === undefined) return [];
  const expiresAt = date(detail?.['restore-expiry-time']);
  return [{ bucket, key: decodeS3UrlKey(key), ...(expiresAt ? { expiresAt } : {}) }];
}

function fromRecord(r: Json): RestoreCompletedEvent[] {
  // SQS envelope (body) or SNS envelope (Sns.Message) holding an S3 notification.
  const body = str(r.body) ?? str(obj(r.Sns)?.Message);
  if (body !== undefined) {
    try {
      return parseRestoreEvents(JSON.parse(body));
    } catch {
      return [];
    }
  }
  const name = str(r.eventName) ?? '';
  if (!name.startsWith('ObjectRestore:Completed')) return [];
  const s3 = obj(r.s3);
  const bucket = str(obj(s3?.bucket)?.name);
  const key = str(obj(s3?.object)?.key);
  if (!bucket || key === undefined) return [];
  const expiresAt = date(obj(obj(r.glacierEventData)?.restoreEventData)?.lifecycleRestorationExpiryTime);
  return [{ bucket, key: decodeS3UrlKey(key), ...(expiresAt ? { expiresAt } : {}) }];
}

/**
 * Extract every restore-completed object from an event (EventBridge, S3 notification, or an
 * SNS/SQS envelope of one). Other events give an empty list.
 */
export function parseRestoreEvents(event: unknown): RestoreCompletedEvent[] {
  const e = obj(event);
  if (!e) return [];
  if ('detail-type' in e) return fromEventBridge(e);
  const records = Array.isArray(e.Records) ? e.Records : [];
  return records.flatMap((r) => {
    const rec = obj(r);
    return rec ? fromRecord(rec) : [];
  });
}
