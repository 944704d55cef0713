/**
 * Input validation of restore requests (before any AWS call) and the view of a stored request.
 */
import { ValidationError } from '../domain/errors.js';
import { utf8Length } from '../domain/keys.js';
import { RETRIEVAL_TIERS, type RestoreFileView, type RestoreRequestInput, type RestoreView } from '../api/ports.js';
import type { RestoreFileItem, RestoreRequestItem } from './types.js';

/** Default restore lifetime of a restored bundle copy, in days (S3 RestoreRequest `Days`). */
export const DEFAULT_DAYS = 3;
/** Longest restored-copy lifetime accepted, in days: the copy is billed at S3 Standard meanwhile. */
export const MAX_DAYS = 30;

/**
 * Check a request and return the topics to notify (the configured one plus the caller's).
 * @param topics the configured topic and the allow-list of caller topics
 * @throws ValidationError (400) naming the field: tier not in Standard/Bulk/Expedited, days not an
 *   integer ≥ 1, empty selection, a key over 1,024 UTF-8 bytes, a name with "/", a topic not allowed
 */
export function validateInput(req: RestoreRequestInput, topics: { topicArn: string | undefined; allowed: readonly string[] }): string[] {
  if (!RETRIEVAL_TIERS.includes(req.tier)) {
    throw new ValidationError(`retrieval tier must be one of ${RETRIEVAL_TIERS.join(', ')}, got ${JSON.stringify(req.tier)}`, 'retrieval_tier');
  }
  if (!Number.isInteger(req.days) || req.days < 1 || req.days > MAX_DAYS) {
    throw new ValidationError(`days must be an integer from 1 to ${MAX_DAYS} (default ${DEFAULT_DAYS}), got ${JSON.stringify(req.days)}`, 'days');
  }
  const sel = req.selection;
  if (sel.kind === 'keys') {
    if (sel.keys.length === 0) throw new ValidationError('keys must hold at least one key', 'keys');
    const bad = sel.keys.find((k) => k.length === 0 || utf8Length(k) > 1024);
    if (bad !== undefined) throw new ValidationError(`an S3 key is 1-1,024 UTF-8 bytes, got ${utf8Length(bad)} bytes`, 'keys');
  } else if (sel.kind === 'names') {
    if (sel.names.length === 0) throw new ValidationError('filename holds no name', 'filename');
    const bad = sel.names.find((n) => n.length === 0 || n.includes('/'));
    if (bad !== undefined) throw new ValidationError(`file names are base names without "/", got ${JSON.stringify(bad)}`, 'filename');
  } else if (sel.kind === 'prefix' && sel.prefix.length === 0) {
    throw new ValidationError('prefix must not be empty (restoring a whole bucket is not supported)', 'prefix');
  }
  const out = topics.topicArn ? [topics.topicArn] : [];
  if (req.topic_arn !== undefined) {
    if (req.topic_arn !== topics.topicArn && !topics.allowed.includes(req.topic_arn)) {
      throw new ValidationError(
        `sns_topic_arn ${JSON.stringify(req.topic_arn)} is not on this deployment's allow-list (COLDPACK_ALLOWED_TOPIC_ARNS); ask the operator to add it`,
        'sns_topic_arn',
        'TOPIC_NOT_ALLOWED',
      );
    }
    if (!out.includes(req.topic_arn)) out.push(req.topic_arn);
  }
  return out;
}

/** The API view of one file. */
export function fileView(f: RestoreFileItem): RestoreFileView {
  return {
    key: f.key,
    status: f.status,
    ...(f.bucket ? { bucket: f.bucket } : {}),
    ...(f.bundle_key ? { bundle_key: f.bundle_key } : {}),
    ...(f.storage_class ? { storage_class: f.storage_class } : {}),
    ...(f.size !== undefined ? { size: f.size } : {}),
    ...(f.location ? { location: f.location } : {}),
    ...(f.error_code ? { error_code: f.error_code } : {}),
    ...(f.message ? { message: f.message } : {}),
    ...(f.archived_at ? { archived_at: f.archived_at, job_id: f.job_id } : {}),
    updated_at: f.updated_at,
  };
}

/**
 * The API view of a request. Status: the final one once recorded (AVAILABLE, PARTIAL, FAILED),
 * else EXTRACTING if a file is being extracted, RESTORING if one waits for its bundle, else PENDING.
 */
export function toView(req: RestoreRequestItem, files: readonly RestoreFileItem[]): RestoreView {
  const count = (s: string): number => files.filter((f) => f.status === s).length;
  const status = req.status ?? (count('EXTRACTING') > 0 ? 'EXTRACTING' : count('RESTORING') > 0 ? 'RESTORING' : 'PENDING');
  return {
    restore_id: req.restore_id,
    status,
    request: req.request,
    files: files.map(fileView),
    counters: {
      files: files.length,
      bundles: req.bundles,
      files_pending: count('PENDING'),
      files_restoring: count('RESTORING'),
      files_extracting: count('EXTRACTING'),
      files_available: count('AVAILABLE'),
      files_failed: count('FAILED'),
      files_not_found: count('NOT_FOUND'),
    },
    created_at: req.created_at,
    updated_at: req.updated_at,
    ...(req.notify_error ? { errors: [{ code: 'NOTIFY_FAILED', message: req.notify_error }] } : {}),
  };
}
