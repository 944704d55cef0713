/** Running totals of a bundle's entries: count, bytes, and min and max key in UTF-8 byte order. Pure. */
import { compareKeys } from '../domain/keys.js';

/** Counts entries and keeps the smallest and largest key, whatever order they come in. */
export class EntryStats {
  /** Entries added. */
  count = 0;
  /** Sum of their sizes in bytes. */
  bytes = 0;
  /** Smallest key (UTF-8 byte order), undefined before the first entry. */
  min: string | undefined;
  /** Largest key (UTF-8 byte order), undefined before the first entry. */
  max: string | undefined;

  /** Add one entry of `size` bytes. */
  add(key: string, size: number): void {
    this.count++;
    this.bytes += size;
    if (this.min === undefined || compareKeys(key, this.min) < 0) this.min = key;
    if (this.max === undefined || compareKeys(key, this.max) > 0) this.max = key;
  }
}
