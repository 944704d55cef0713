/**
 * Bundle store port, archive side: the state of each bundle while it is written (WRITING, with
 * its multipart upload id for resume) and once verified, manifested and indexed (COMMITTED).
 * DynamoDB adapter: `src/adapters/dynamo/dynamo-bundle-store.ts`; in-memory fake:
 * `test/support/memory-stores.ts`. The restore state of a bundle has its own port (restore side).
 * A COMMITTED record carries the bundle directory attributes (`source_bucket`, `generation`,
 * `min_key`, `max_key`, counts, locations): committing a bundle is writing its directory entry.
 */
import type { BundleItem } from '../model.js';

/** Where bundle records are kept (one per bundle key). Reads are strongly consistent. */
export interface BundleStore {
  /** The bundle record, or undefined. */
  get(bundleKey: string): Promise<BundleItem | undefined>;
  /** Write the record with state WRITING (overwrites), e.g. with the multipart `upload_id`. */
  markWriting(item: BundleItem): Promise<void>;
  /** Write the record with state COMMITTED (overwrites); the caller has verified size, checksum and index. */
  markCommitted(item: BundleItem): Promise<void>;
  /**
   * Pre-flight: one cheap read proving the store exists and may be read (before a job uploads
   * anything). Optional: stores that cannot be missing need not implement it.
   * @throws an error naming the operation and the store (e.g. the table) when it cannot be used
   */
  check?(): Promise<void>;
}
