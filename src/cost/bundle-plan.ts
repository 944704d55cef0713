import { DEFAULT_ARCHIVE_SIZE_MB, DEFAULT_MAX_FILES_PER_BUNDLE } from '../domain/archive-request.js';
import { DEFAULT_PART_BYTES, S3_MAX_PART_BYTES, TARGET_MAX_PARTS, partSizeFor } from '../bundle/part-size.js';
import { MB, MIB, GIB } from './units.js';
import type { Population } from './population.js';

/** The engine's smallest multipart part: 16 MiB (S3's own minimum is 5 MiB, https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html). */
export const MIN_PART_BYTES = DEFAULT_PART_BYTES;
/** The engine aims for at most 9,000 parts per bundle (S3 allows 10,000; the rest is headroom). */
export { TARGET_MAX_PARTS };
/** Default bundle cap in bytes: 512 MB = 512,000,000 bytes. */
export const DEFAULT_MAX_BUNDLE_BYTES = DEFAULT_ARCHIVE_SIZE_MB * MB;
/** Entries bigger than this are streamed with a 16-byte data descriptor (8 MiB). */
export const DATA_DESCRIPTOR_THRESHOLD_BYTES = 8 * MIB;
/**
 * Manifest CSV row size without the key (bytes): size, etag (32), last_modified (24), content type,
 * offset, length, compressed size, method, crc32 (8), sha256 (64) and commas ≈ 90; a row is 90 + key
 * bytes (≈ 150 for 60-byte keys). Columns: `MANIFEST_COLUMNS` in src/bundle/manifest.ts.
 */
export const MANIFEST_ROW_FIXED_BYTES = 90;
/** Assumed gzip ratio of manifest CSV (compressed / raw): 0.3. */
export const DEFAULT_MANIFEST_GZIP_RATIO = 0.3;
/** Name of the manifest entry inside a bundle: `.coldpack/manifest.csv` (22 bytes). */
const MANIFEST_ENTRY_NAME_BYTES = 22;
/** S3's largest part: 5 GiB (https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html). */
export const MAX_PART_BYTES = S3_MAX_PART_BYTES;

/**
 * Multipart part size the archive engine uses for a bundle: the engine's own rule
 * ({@link partSizeFor} of `src/bundle/part-size.ts`, the same function), re-exported under the cost
 * model's name. A bundle smaller than this is uploaded with a single PutObject; one of exactly this
 * size or more is a multipart upload.
 * @param expectedBundleBytes the bundle cap (or expected bundle size) in bytes
 * @returns part size in bytes
 */
export const multipartPartSize: (expectedBundleBytes: number) => number = partSizeFor;

/**
 * Upload requests of one bundle. PutObject and CompleteMultipartUpload are billed at the bundle class's PUT
 * price; CreateMultipartUpload and UploadPart to GLACIER/DEEP_ARCHIVE at the STANDARD PUT price
 * (`billedRequestClass` in request-pricing.ts).
 */
export interface BundleUploadRequests {
  /** 1 when the bundle is smaller than the part size, else 0. */
  readonly putObject: number;
  /** CreateMultipartUpload: 1 for a multipart bundle, else 0. */
  readonly createMultipartUpload: number;
  /** UploadPart: ceil(bytes / part size) for a multipart bundle, else 0. */
  readonly uploadPart: number;
  /** CompleteMultipartUpload: 1 for a multipart bundle, else 0. */
  readonly completeMultipartUpload: number;
}

/**
 * The upload requests for a bundle of `bundleBytes` bytes with parts of `partBytes`.
 * @param bundleBytes final bundle size in bytes
 * @param partBytes part size from {@link multipartPartSize}
 */
export function bundleUploadRequests(bundleBytes: number, partBytes: number): BundleUploadRequests {
  if (bundleBytes < partBytes) return { putObject: 1, createMultipartUpload: 0, uploadPart: 0, completeMultipartUpload: 0 };
  return { putObject: 0, createMultipartUpload: 1, uploadPart: Math.ceil(bundleBytes / partBytes), completeMultipartUpload: 1 };
}

/**
 * Zip bytes one entry adds beside its data: local header 30 + central header 46 + the name twice +
 * an extended-timestamp extra field (9 bytes) twice, + 16 for a data descriptor when the entry is larger
 * than 8 MiB (streamed). Zip64 per-entry extras (offsets over 4 GiB) are not counted.
 * Source: PKWARE APPNOTE.TXT sections 4.3.7, 4.3.9, 4.3.12 (https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT).
 * @param nameBytes entry name (source key) length in UTF-8 bytes
 * @param entryBytes stored data size in bytes
 */
export function zipEntryOverheadBytes(nameBytes: number, entryBytes: number): number {
  return 30 + 46 + 2 * nameBytes + 2 * 9 + (entryBytes > DATA_DESCRIPTOR_THRESHOLD_BYTES ? 16 : 0);
}

/**
 * Bytes of a bundle's end records: end of central directory (22) + zip64 end record and locator (56 + 20 = 76)
 * when the bundle has more than 65,535 entries or exceeds 4 GiB.
 */
export function zipEndOverheadBytes(entries: number, bundleBytes: number): number {
  return 22 + (entries > 0xffff || bundleBytes > 0xffffffff ? 76 : 0);
}

/**
 * Bytes of a bundle's manifest CSV: entries × (90 + key bytes) × `ratio` (1 = plain CSV as in the bundle's last
 * entry; the gzip copy beside the bundle uses {@link DEFAULT_MANIFEST_GZIP_RATIO}).
 * @param entries manifest rows
 * @param avgKeyBytes average key length in bytes
 * @param ratio compressed / raw size ratio (default 1)
 */
export function manifestBytes(entries: number, avgKeyBytes: number, ratio = 1): number {
  return Math.ceil(entries * (MANIFEST_ROW_FIXED_BYTES + avgKeyBytes) * ratio);
}

/** Bundles that have the same number of entries and the same size. */
export interface BundleGroup {
  /** Number of bundles in the group. */
  readonly count: number;
  /** Source entries per bundle (manifest entry not counted). */
  readonly entries: number;
  /** Bundle object size in bytes (data + zip overhead + manifest entry). */
  readonly bytes: number;
  /** Source bytes per bundle (sum of the entries' sizes), when known: the engine sizes parts from it. */
  readonly sourceBytes?: number;
}

/** Packing limits and assumptions of a {@link planBundles} call. */
export interface BundlePlanOptions {
  /** Bundle cap in bytes of source data (the engine's `max_bundle_bytes`). Default 512,000,000. */
  readonly maxBundleBytes?: number;
  /** Max entries per bundle. Default 100,000. */
  readonly maxFilesPerBundle?: number;
  /** Max objects per shard. Default 1,000,000. */
  readonly shardMaxFiles?: number;
  /** Max source bytes per shard. Default 100 GiB. */
  readonly shardMaxBytes?: number;
  /** Stored/source byte ratio (deflate of compressible data), 0 < r ≤ 1. Default 1 (stored as is). */
  readonly compressionRatio?: number;
  /** Manifest gzip/deflate ratio. Default 0.3. */
  readonly manifestGzipRatio?: number;
}

/** The predicted bundles of a population. */
export interface BundlePlan {
  /** Shards (Batch array children) the planner cuts. */
  readonly shards: number;
  /** Bundles grouped by equal size. */
  readonly groups: readonly BundleGroup[];
  /** Total number of bundles. */
  readonly bundles: number;
  /** Total bytes of all bundles. */
  readonly bundleBytes: number;
  /** Total bytes of the gzip manifest objects beside the bundles (STANDARD, one per bundle). */
  readonly manifestBytes: number;
  /** Multipart part size of a bundle at the cap. */
  readonly partBytes: number;
}

function bundleOf(entries: number, avgSource: number, ratio: number, avgKeyBytes: number, gzip: number): BundleGroup & { count: 0 } {
  const stored = avgSource * ratio;
  const data = entries * (stored + zipEntryOverheadBytes(avgKeyBytes, stored));
  const manifest = manifestBytes(entries, avgKeyBytes, gzip);
  const body = data + manifest + zipEntryOverheadBytes(MANIFEST_ENTRY_NAME_BYTES, manifest);
  return { count: 0, entries, bytes: Math.ceil(body + zipEndOverheadBytes(entries + 1, body)), sourceBytes: Math.round(entries * avgSource) };
}

/**
 * Predict the bundles of a population the way the engine packs it (`BundleCutter` in
 * src/domain/grouping.ts): shards of contiguous keys (count = max(ceil(objects / shardMaxFiles),
 * ceil(bytes / shardMaxBytes))); within a shard a bundle takes objects in listing order until the next one
 * would push its *source* bytes over the cap or it holds `maxFilesPerBundle` entries. Objects are assumed
 * evenly spread over shards and of the average size (so a bundle holds floor(cap / average) objects; an
 * object larger than the cap is a bundle of its own). Bundle bytes add the zip overhead and the manifest entry
 * (deflated, `manifestGzipRatio`).
 * @param population the source objects
 * @param options caps and ratios (see {@link BundlePlanOptions})
 */
export function planBundles(population: Population, options: BundlePlanOptions = {}): BundlePlan {
  const cap = options.maxBundleBytes ?? DEFAULT_MAX_BUNDLE_BYTES;
  const maxFiles = options.maxFilesPerBundle ?? DEFAULT_MAX_FILES_PER_BUNDLE;
  const ratio = options.compressionRatio ?? 1;
  const gzip = options.manifestGzipRatio ?? DEFAULT_MANIFEST_GZIP_RATIO;
  const key = population.avg_key_bytes;
  const groups: BundleGroup[] = [];
  let packedObjects = 0;
  let packedBytes = 0;
  for (const b of population.buckets) {
    const avg = b.objects === 0 ? 0 : b.bytes / b.objects;
    if (avg > cap) groups.push({ ...bundleOf(1, avg, ratio, key, gzip), count: b.objects });
    else {
      packedObjects += b.objects;
      packedBytes += b.bytes;
    }
  }
  const shards =
    population.objects === 0
      ? 0
      : Math.max(Math.ceil(population.objects / (options.shardMaxFiles ?? 1_000_000)), Math.ceil(population.bytes / (options.shardMaxBytes ?? 100 * GIB)));
  if (packedObjects > 0) {
    const avgSource = packedBytes / packedObjects;
    const perBundle = Math.max(1, Math.min(maxFiles, avgSource === 0 ? maxFiles : Math.floor(cap / avgSource)));
    const base = Math.floor(packedObjects / shards);
    const bigger = packedObjects % shards;
    for (const [shardCount, objects] of [
      [shards - bigger, base],
      [bigger, base + 1],
    ] as const) {
      if (shardCount === 0 || objects === 0) continue;
      const full = Math.floor(objects / perBundle);
      const rest = objects - full * perBundle;
      if (full > 0) groups.push({ ...bundleOf(perBundle, avgSource, ratio, key, gzip), count: shardCount * full });
      if (rest > 0) groups.push({ ...bundleOf(rest, avgSource, ratio, key, gzip), count: shardCount });
    }
  }
  return {
    shards,
    groups,
    bundles: groups.reduce((n, g) => n + g.count, 0),
    bundleBytes: groups.reduce((n, g) => n + g.count * g.bytes, 0),
    manifestBytes: groups.reduce((n, g) => n + g.count * manifestBytes(g.entries, key, gzip), 0),
    partBytes: multipartPartSize(cap),
  };
}
