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

/** A record that looked like a restore event but could not be read, with the reason. */
export interface UnreadableEvent {
  readonly reason: string;
  /** The start of the offending value (at most 200 characters). */
  readonly excerpt: string;
}

/** Outcome of {@link parseRestoreEvents}. */
export interface ParsedRestoreEvents {
  readonly events: RestoreCompletedEvent[];
  /** Records that could not be read (a body that is not JSON, a key with a malformed `%` escape). */
  readonly unreadable: UnreadableEvent[];
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const excerpt = (s: string): string => s.slice(0, 200);

function date(v: unknown): Date | undefined {
  const s = str(v);
  if (!s) return undefined;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** One completed object, or an unreadable entry when its key holds a malformed escape. */
function completed(out: ParsedRestoreEvents, bucket: string, rawKey: string, expiresAt: Date | undefined): void {
  try {
    out.events.push({ bucket, key: decodeS3UrlKey(rawKey), ...(expiresAt ? { expiresAt } : {}) });
  } catch (err) {
    out.unreadable.push({ reason: `object key of s3://${bucket} is not URL-encoded: ${(err as Error).message}`, excerpt: excerpt(rawKey) });
  }
}

function fromEventBridge(e: Json, out: ParsedRestoreEvents): void {
  if (e['detail-type'] !== 'Object Restore Completed') return;
  const detail = obj(e.detail);
  const bucket = str(obj(detail?.bucket)?.name);
  const key = str(obj(detail?.object)?.key);
  if (!bucket || key === undefined) {
    out.unreadable.push({
      reason: 'Object Restore Completed event without detail.bucket.name or detail.object.key',
      excerpt: excerpt(JSON.stringify(detail ?? null)),
    });
    return;
  }
  completed(out, bucket, key, date(detail?.['restore-expiry-time']));
}

function fromRecord(r: Json, out: ParsedRestoreEvents): void {
  // SQS envelope (body) or SNS envelope (Sns.Message) holding an S3 notification.
  const body = str(r.body) ?? str(obj(r.Sns)?.Message);
  if (body !== undefined) {
    let inner: unknown;
    try {
      inner = JSON.parse(body);
    } catch (err) {
      out.unreadable.push({ reason: `envelope body is not JSON: ${(err as Error).message}`, excerpt: excerpt(body) });
      return;
    }
    collect(inner, out);
    return;
  }
  const name = str(r.eventName) ?? '';
  if (!name.startsWith('ObjectRestore:Completed')) return;
  const s3 = obj(r.s3);
  const bucket = str(obj(s3?.bucket)?.name);
  const key = str(obj(s3?.object)?.key);
  if (!bucket || key === undefined) {
    out.unreadable.push({ reason: `${name} record without s3.bucket.name or s3.object.key`, excerpt: excerpt(JSON.stringify(s3 ?? null)) });
    return;
  }
  completed(out, bucket, key, date(obj(obj(r.glacierEventData)?.restoreEventData)?.lifecycleRestorationExpiryTime));
}

function collect(event: unknown, out: ParsedRestoreEvents): void {
  const e = obj(event);
  if (!e) return;
  if ('detail-type' in e) return fromEventBridge(e, out);
  for (const r of Array.isArray(e.Records) ? e.Records : []) {
    const rec = obj(r);
    if (rec) fromRecord(rec, out);
  }
}

/**
 * Extract every restore-completed object from an event (EventBridge, S3 notification, or an
 * SNS/SQS envelope of one). Other kinds of events give nothing; restore events that cannot be read
 * are returned in `unreadable` with the reason (the caller logs them), never dropped silently.
 */
export function parseRestoreEvents(event: unknown): ParsedRestoreEvents {
  const out: ParsedRestoreEvents = { events: [], unreadable: [] };
  collect(event, out);
  return out;
}
