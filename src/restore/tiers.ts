/**
 * Retrieval-tier rules per storage class (pure).
 *
 * - DEEP_ARCHIVE: Standard (within 12 hours) or Bulk (within 48 hours); no Expedited.
 * - GLACIER (Glacier Flexible Retrieval): Expedited (1-5 minutes), Standard (3-5 hours), Bulk (5-12 hours).
 * - GLACIER_IR, STANDARD_IA, STANDARD: readable at once, no RestoreObject.
 *
 * Source: https://docs.aws.amazon.com/AmazonS3/latest/userguide/restoring-objects-retrieval-options.html
 */
import type { ArchiveStorageClass } from '../domain/model.js';
import type { RetrievalTier } from '../api/ports.js';

/** Tiers S3 accepts for each storage class that needs a restore. */
export const ALLOWED_TIERS: Readonly<Record<'DEEP_ARCHIVE' | 'GLACIER', readonly RetrievalTier[]>> = Object.freeze({
  DEEP_ARCHIVE: ['Standard', 'Bulk'],
  GLACIER: ['Expedited', 'Standard', 'Bulk'],
});

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
