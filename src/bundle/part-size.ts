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
