/**
 * The semantic rules of a restore request, checked once here (the shape of the input is the
 * edge's: the API schema, the CLI flags). Pure.
 *
 * Retrieval tiers per storage class (https://docs.aws.amazon.com/AmazonS3/latest/userguide/restoring-objects-retrieval-options.html):
 * - DEEP_ARCHIVE: Standard (within 12 hours) or Bulk (within 48 hours); no Expedited.
 * - GLACIER (Glacier Flexible Retrieval): Expedited (1-5 minutes), Standard (3-5 hours), Bulk (5-12 hours).
 * - GLACIER_IR, STANDARD_IA, STANDARD: readable at once, no RestoreObject.
 */
import { ValidationError } from '../domain/errors.js';
import type { ArchiveStorageClass } from '../domain/model.js';
import { DEFAULT_RESTORE_DAYS, MAX_RESTORE_DAYS, type RestoreRequestInput, type RetrievalTier } from '../domain/restore-request.js';

/** Tiers S3 accepts for each storage class that needs a restore. */
export const ALLOWED_TIERS: Readonly<Record<'DEEP_ARCHIVE' | 'GLACIER', readonly RetrievalTier[]>> = Object.freeze({
  DEEP_ARCHIVE: ['Standard', 'Bulk'],
  GLACIER: ['Expedited', 'Standard', 'Bulk'],
});

/** Prefix of the restore bucket where callers upload key lists for `keys_manifest`. */
export const KEY_LIST_PREFIX = 'key-lists/';

/** Whether objects of this class must be restored (RestoreObject) before a GET. */
export function needsRestore(storageClass: ArchiveStorageClass | string | undefined): boolean {
  return storageClass === 'DEEP_ARCHIVE' || storageClass === 'GLACIER';
}

/**
 * Why `tier` cannot be used for a bundle of `storageClass`, or undefined when it can (classes that
 * need no restore accept any tier: it is not used).
 */
export function tierProblem(storageClass: ArchiveStorageClass | string | undefined, tier: RetrievalTier): string | undefined {
  if (storageClass !== 'DEEP_ARCHIVE' && storageClass !== 'GLACIER') return undefined;
  const allowed = ALLOWED_TIERS[storageClass];
  if (allowed.includes(tier)) return undefined;
  return (
    `retrieval tier ${tier} is not available for ${storageClass} bundles; allowed tiers: ${allowed.join(', ')} ` +
    '(Standard completes within 12 hours, Bulk within 48 hours for Deep Archive)'
  );
}

/** Topics of this deployment: the configured one and those a caller may add. */
export interface TopicPolicy {
  readonly topicArn: string | undefined;
  readonly allowed: readonly string[];
}

/**
 * Check the request's semantic rules and return the topics to notify (the configured one plus an
 * allowed caller topic). Runs before any AWS call.
 * @param restoreBucket the deployment's restore bucket (the only place key lists are read from)
 * @throws ValidationError (400) naming the field: `days` not an integer 1-30, an empty `prefix` (a
 *   whole bucket), `sns_topic_arn` not on the allow-list (`TOPIC_NOT_ALLOWED`), `keys_manifest`
 *   outside `s3://<restore bucket>/key-lists/`
 */
export function checkRequest(req: RestoreRequestInput, topics: TopicPolicy, restoreBucket: string): string[] {
  if (!Number.isInteger(req.days) || req.days < 1 || req.days > MAX_RESTORE_DAYS) {
    throw new ValidationError(
      `days must be an integer from 1 to ${MAX_RESTORE_DAYS} (default ${DEFAULT_RESTORE_DAYS}), got ${JSON.stringify(req.days)}`,
      'days',
    );
  }
  if (req.selection.kind === 'prefix' && req.selection.prefix.length === 0) {
    throw new ValidationError('prefix must not be empty (restoring a whole bucket is not supported)', 'prefix');
  }
  checkKeyListLocation(req, restoreBucket);
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

/**
 * A `keys_manifest` must be an object under `key-lists/` in the restore bucket: the service reads
 * it with its own role, so any other location would let a caller read objects through the error
 * messages of the keys it holds.
 * @throws ValidationError (field `keys_manifest`) for any other location
 */
function checkKeyListLocation(req: RestoreRequestInput, restoreBucket: string): void {
  const sel = req.selection;
  if (sel.kind !== 'manifest') return;
  if (sel.bucket !== restoreBucket || !sel.key.startsWith(KEY_LIST_PREFIX) || sel.key.includes('..')) {
    throw new ValidationError(
      `keys_manifest must be an object under s3://${restoreBucket}/${KEY_LIST_PREFIX} (upload the key list there first), got s3://${sel.bucket}/${sel.key}`,
      'keys_manifest',
    );
  }
}
