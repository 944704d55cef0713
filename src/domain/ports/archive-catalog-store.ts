/**
 * Read port of what the archive recorded, as the restore side needs it: the source bucket of
 * archive jobs, bundle items and the file index. Reads of many items never return a partial
 * answer: items missing from the answer do not exist; a read that cannot complete (throttling
 * past the retries) throws. DynamoDB adapter: `src/adapters/dynamo/dynamo-archive-catalog-store.ts`;
 * fake: `test/support/memory-restore-stores.ts`.
 */
import type { BundleItem, FileIndexItem } from '../model.js';
import type { Page, PageRequest } from '../page.js';

/** Archive catalog reads. */
export interface ArchiveCatalogStore {
  /**
   * Source bucket of each archive job, by job id; jobs that are unknown or record no bucket are absent.
   * @throws ColdpackError `UNPROCESSED_ITEMS` when the read cannot complete
   */
  jobSourceBuckets(jobIds: readonly string[]): Promise<ReadonlyMap<string, string>>;
  /**
   * The bundle items of `bundleKeys` that exist (any order).
   * @throws ColdpackError `UNPROCESSED_ITEMS` when the read cannot complete
   */
  bundles(bundleKeys: readonly string[]): Promise<BundleItem[]>;
  /** Every index item (archive generation) of one object, oldest first. */
  fileGenerations(bucket: string, key: string): Promise<FileIndexItem[]>;
  /** One page of the index items of `bucket` whose base name is `name`. */
  filesByName(bucket: string, name: string, page: PageRequest): Promise<Page<FileIndexItem>>;
}
