/**
 * Bundle grouping: cuts a sorted stream of objects into bundles of contiguous keys. Pure.
 * A bundle closes when adding the next object would exceed `maxBytes` (sum of source sizes) or
 * `maxFiles`, or when the object's group (its source bucket) differs from the bundle's: a bundle
 * never mixes source buckets, so its directory entry names one. A file is never split; an object
 * larger than `maxBytes` gets a bundle of its own.
 */
export class BundleCutter {
  private seq = -1;
  private bytes = 0;
  private files = 0;
  private group: string | undefined;

  /**
   * @param maxBytes bundle cap in bytes of source data (default archive_size 512 MB = 512,000,000)
   * @param maxFiles max entries per bundle (default 100,000)
   * @throws RangeError when a limit is not a positive integer
   */
  constructor(
    private readonly maxBytes: number,
    private readonly maxFiles: number,
  ) {
    if (!(Number.isSafeInteger(maxBytes) && maxBytes > 0)) throw new RangeError(`maxBytes must be a positive integer, got ${maxBytes}`);
    if (!(Number.isSafeInteger(maxFiles) && maxFiles > 0)) throw new RangeError(`maxFiles must be a positive integer, got ${maxFiles}`);
  }

  /**
   * Assign the next object (in listing order) to a bundle.
   * @param size object size in bytes
   * @param group what a bundle must not mix (the source bucket); undefined = one group
   * @returns the bundle sequence number (0, 1, 2, ...)
   */
  assign(size: number, group?: string): number {
    const full = this.files >= this.maxFiles || (this.files > 0 && this.bytes + size > this.maxBytes) || (this.files > 0 && group !== this.group);
    if (this.seq < 0 || full) {
      this.seq++;
      this.bytes = 0;
      this.files = 0;
      this.group = group;
    }
    this.bytes += size;
    this.files++;
    return this.seq;
  }

  /** Number of bundles opened so far. */
  get bundleCount(): number {
    return this.seq + 1;
  }
}

/** Cuts a listing into shards (one AWS Batch array child each) by object count and bytes. Same rules as {@link BundleCutter}. */
export const ShardCutter = BundleCutter;
