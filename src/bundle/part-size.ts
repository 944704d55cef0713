/**
 * The one part-size rule of bundle uploads, used by the archive multipart sink
 * (`src/archive/multipart-sink.ts`) and by the cost model (`src/cost/bundle-plan.ts`).
 *
 * S3 multipart limits (https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html): parts
 * of 5 MiB to 5 GiB (the last part may be smaller), at most 10,000 parts per upload, objects up to
 * 5 TiB.
 */

const MIB = 1024 * 1024;

/** Smallest part S3 accepts (all parts but the last): 5 MiB. */
export const S3_MIN_PART_BYTES = 5 * MIB;
/** Largest part S3 accepts: 5 GiB. */
export const S3_MAX_PART_BYTES = 5 * 1024 * MIB;
/** Most parts in one multipart upload: 10,000. */
export const S3_MAX_PARTS = 10_000;
/** Smallest part coldpack uses for bundles, and the default part size: 16 MiB. */
export const DEFAULT_PART_BYTES = 16 * MIB;
/** Parts coldpack aims for at most per bundle: 9,000 (10 % headroom for size estimates that run over). */
export const TARGET_MAX_PARTS = 9_000;

/**
 * Part size for an object of about `expectedBytes` bytes: max(16 MiB, ceil(expected / 9,000)
 * rounded up to a whole MiB), at most 5 GiB. An object smaller than the part size is written with
 * one PutObject; one of the part size or more is a multipart upload.
 * @param expectedBytes expected object size in bytes (≥ 0)
 * @returns part size in bytes
 */
export function partSizeFor(expectedBytes: number): number {
  const needed = Math.ceil(expectedBytes / TARGET_MAX_PARTS / MIB) * MIB;
  return Math.min(S3_MAX_PART_BYTES, Math.max(DEFAULT_PART_BYTES, needed));
}

/** Bytes a bundle's expected size adds per entry (local and central headers, descriptor): 200. */
export const ENTRY_OVERHEAD_BYTES = 200;

/**
 * Part size of a bundle that is streamed as its objects arrive (its total is not known before its
 * first part is uploaded): {@link partSizeFor} of the most the bundle can hold. An object larger than
 * the cap is a bundle of its own (its size + 200 bytes); else the cap + 200 bytes per file.
 * 16 MiB for every cap up to about 150 GB (the default cap is 512 MB).
 * @param maxBundleBytes bundle cap in source bytes; @param maxFiles entries per bundle cap
 * @param firstObjectSize size in bytes of the bundle's first object
 */
export function bundlePartSize(maxBundleBytes: number, maxFiles: number, firstObjectSize: number): number {
  if (firstObjectSize > maxBundleBytes) return partSizeFor(firstObjectSize + ENTRY_OVERHEAD_BYTES);
  return partSizeFor(maxBundleBytes + ENTRY_OVERHEAD_BYTES * maxFiles);
}
