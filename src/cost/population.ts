import { ValidationError } from '../domain/errors.js';

/**
 * One histogram bucket: objects whose size is in `[min_bytes, max_bytes)`, with their exact count and
 * byte total (so sums over buckets are exact, not bucket-midpoint guesses).
 */
export interface SizeBucket {
  /** Inclusive lower bound in bytes. */
  readonly min_bytes: number;
  /** Exclusive upper bound in bytes (`Infinity` serialises as null in JSON; the last bucket is open). */
  readonly max_bytes: number;
  /** Number of objects in the bucket. */
  readonly objects: number;
  /** Sum of their sizes in bytes. */
  readonly bytes: number;
}

/**
 * A population of source objects: count, total bytes, size histogram and average key length.
 * Built by {@link populationFromAverage} or streamed with {@link PopulationBuilder}.
 */
export interface Population {
  /** Number of objects. */
  readonly objects: number;
  /** Total size in bytes. */
  readonly bytes: number;
  /** Size histogram; power-of-two buckets from {@link PopulationBuilder}, or one bucket from an average. */
  readonly buckets: readonly SizeBucket[];
  /** Average key length in UTF-8 bytes (enters zip headers, manifests and index items). */
  readonly avg_key_bytes: number;
}

/** Default average key length in bytes when the population is given as count + average size (60). */
export const DEFAULT_AVG_KEY_BYTES = 60;

/**
 * A population of `objects` objects all of `avgBytes` bytes (one histogram bucket).
 * @param objects count (integer ≥ 0)
 * @param avgBytes average object size in bytes (≥ 0)
 * @param avgKeyBytes average key length in bytes, default {@link DEFAULT_AVG_KEY_BYTES}
 * @throws ValidationError for a negative or non-integer count, or a negative size
 */
export function populationFromAverage(objects: number, avgBytes: number, avgKeyBytes = DEFAULT_AVG_KEY_BYTES): Population {
  if (!Number.isSafeInteger(objects) || objects < 0) {
    throw new ValidationError(`objects: expected a whole number ≥ 0, got ${objects}`, 'objects');
  }
  if (!Number.isFinite(avgBytes) || avgBytes < 0) {
    throw new ValidationError(`avg_size: expected a byte size ≥ 0, got ${avgBytes}`, 'avg_size');
  }
  const bytes = Math.round(objects * avgBytes);
  return {
    objects,
    bytes,
    buckets: objects === 0 ? [] : [{ min_bytes: avgBytes, max_bytes: avgBytes + 1, objects, bytes }],
    avg_key_bytes: avgKeyBytes,
  };
}

/** Bucket index of a size: 0 for [0, 1 KiB), then one bucket per power of two: [2^(k+9), 2^(k+10)). */
function bucketIndex(size: number): number {
  return size < 1024 ? 0 : Math.floor(Math.log2(size)) - 9;
}

function bucketBounds(index: number): [number, number] {
  return index === 0 ? [0, 1024] : [2 ** (index + 9), 2 ** (index + 10)];
}

/**
 * Builds a {@link Population} one object at a time in O(number of buckets) memory, so a listing of
 * billions of keys can be streamed through it. Buckets are powers of two (the 128 KiB lifecycle
 * boundary is a bucket edge, so "objects below 128 KiB" is exact).
 */
export class PopulationBuilder {
  private readonly counts = new Map<number, { objects: number; bytes: number }>();
  private objects = 0;
  private bytes = 0;
  private keyBytes = 0;

  /**
   * Add one object.
   * @param size object size in bytes (integer ≥ 0)
   * @param keyBytes its key length in UTF-8 bytes (default {@link DEFAULT_AVG_KEY_BYTES})
   * @throws ValidationError (field `size`) for a negative or non-integer size
   */
  add(size: number, keyBytes = DEFAULT_AVG_KEY_BYTES): void {
    if (!Number.isSafeInteger(size) || size < 0) {
      throw new ValidationError(`size: expected a whole number of bytes ≥ 0, got ${size}`, 'size');
    }
    const index = bucketIndex(size);
    const bucket = this.counts.get(index) ?? { objects: 0, bytes: 0 };
    bucket.objects++;
    bucket.bytes += size;
    this.counts.set(index, bucket);
    this.objects++;
    this.bytes += size;
    this.keyBytes += keyBytes;
  }

  /** Number of objects added so far. */
  get count(): number {
    return this.objects;
  }

  /** The population so far (buckets sorted by size, empty buckets left out). */
  build(): Population {
    const buckets = [...this.counts.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, b]) => {
        const [min, max] = bucketBounds(index);
        return { min_bytes: min, max_bytes: max, objects: b.objects, bytes: b.bytes };
      });
    return {
      objects: this.objects,
      bytes: this.bytes,
      buckets,
      avg_key_bytes: this.objects === 0 ? DEFAULT_AVG_KEY_BYTES : this.keyBytes / this.objects,
    };
  }
}

/**
 * Split a population at a size threshold: objects with size < `thresholdBytes` and the rest.
 * Exact when the threshold is a bucket edge (powers of two ≥ 1 KiB for a streamed histogram); a bucket that
 * straddles it (e.g. the single bucket of an average) goes wholly to the side holding its average size.
 * @returns `{ below: {objects, bytes}, atOrAbove: {objects, bytes} }`
 */
export function splitBySize(
  population: Population,
  thresholdBytes: number,
): { below: { objects: number; bytes: number }; atOrAbove: { objects: number; bytes: number } } {
  const below = { objects: 0, bytes: 0 };
  const atOrAbove = { objects: 0, bytes: 0 };
  for (const b of population.buckets) {
    const side = bucketIsBelow(b, thresholdBytes) ? below : atOrAbove;
    side.objects += b.objects;
    side.bytes += b.bytes;
  }
  return { below, atOrAbove };
}

/**
 * Whether a bucket counts as below a size threshold: wholly below it, or straddling it with an average
 * size below it (see {@link splitBySize}).
 */
export function bucketIsBelow(bucket: SizeBucket, thresholdBytes: number): boolean {
  const average = bucket.objects === 0 ? bucket.min_bytes : bucket.bytes / bucket.objects;
  return bucket.max_bytes <= thresholdBytes || (bucket.min_bytes < thresholdBytes && average < thresholdBytes);
}
