/**
 * File index port: one item per archived object per archive generation (`FileIndexItem`), found
 * by bucket and key (every generation, or the newest) or by base name. DynamoDB adapter:
 * `src/adapters/dynamo/dynamo-file-index-store.ts`; in-memory fake: `test/support/memory-stores.ts`.
 */
import type { FileIndexItem } from '../model.js';

/** One page of index items plus the opaque token of the next page (undefined on the last page). */
export interface IndexPage {
  readonly items: FileIndexItem[];
  readonly nextToken?: string;
}

/** Where index items are kept. */
export interface FileIndexStore {
  /**
   * Write index items (idempotent: the same object, job and generation overwrite the same item).
   * @returns the number of write calls made (for request accounting)
   * @throws ColdpackError `UNPROCESSED_ITEMS` when the store keeps refusing part of the batch
   */
  putMany(items: readonly FileIndexItem[]): Promise<number>;
  /**
   * Pre-flight: one cheap read proving the index exists and may be read (before a job uploads
   * anything). Optional: stores that cannot be missing need not implement it.
   * @throws an error naming the operation and the store (e.g. the table) when it cannot be used
   */
  check?(): Promise<void>;
  /** All generations of one object, oldest first. */
  generations(bucket: string, key: string): Promise<FileIndexItem[]>;
  /** The newest generation of one object, or undefined when it was never archived. */
  latest(bucket: string, key: string): Promise<FileIndexItem | undefined>;
  /**
   * Items whose base name equals `name` in `bucket`, one page.
   * @param options `limit` page size (default 100), `nextToken` from the previous page
   */
  byName(bucket: string, name: string, options?: { limit?: number; nextToken?: string }): Promise<IndexPage>;
}
