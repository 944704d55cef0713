/**
 * Parse the `x-amz-restore` header of HeadObject (the SDK's `HeadObjectOutput.Restore`).
 *
 * Formats (https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html, "x-amz-restore"):
 * - in progress: `ongoing-request="true"`
 * - done: `ongoing-request="false", expiry-date="Fri, 21 Dec 2012 00:00:00 GMT"`
 * - no header: the object was never restored, or its restored copy expired.
 */

/** Restore state of one archived object as HeadObject shows it. */
export type HeadRestoreState =
  /** No `x-amz-restore`: no restore requested (or the copy expired). */
  | { readonly state: 'NONE' }
  /** A restore is in flight. */
  | { readonly state: 'ONGOING' }
  /** A restored copy is readable until `expiresAt` (undefined if S3 gave no date). */
  | { readonly state: 'DONE'; readonly expiresAt?: Date };

/**
 * @param header the header value, or undefined when absent
 * @returns the parsed state; an unrecognized value counts as ONGOING (wait rather than read)
 */
export function parseRestoreHeader(header: string | undefined): HeadRestoreState {
  if (header === undefined || header.trim() === '') return { state: 'NONE' };
  const ongoing = /ongoing-request\s*=\s*"(true|false)"/i.exec(header);
  if (!ongoing || ongoing[1]!.toLowerCase() === 'true') return { state: 'ONGOING' };
  const expiry = /expiry-date\s*=\s*"([^"]+)"/i.exec(header);
  const date = expiry ? new Date(expiry[1]!) : undefined;
  return date && !Number.isNaN(date.getTime()) ? { state: 'DONE', expiresAt: date } : { state: 'DONE' };
}
