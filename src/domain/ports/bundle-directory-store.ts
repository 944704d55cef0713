/**
 * The bundle directory port: job scopes (which keys a job may hold in a source bucket) and the
 * directory entries of committed bundles, queried by job and key range. The archive side writes
 * scopes (planner) and entries (at commit, through {@link BundleStore.markCommitted}); `coldpack
 * reindex` rewrites both from the manifests. DynamoDB adapter:
 * `src/adapters/dynamo/dynamo-bundle-directory-store.ts`; in-memory fake: `test/support/memory-catalog.ts`.
 */
import type { BundleDirectoryEntry, JobScope } from '../catalog.js';

/** Where the bundle directory is kept. Reads never return part of an answer: they page to the end or throw. */
export interface BundleDirectoryStore {
  /** Record a job's scope in one source bucket (idempotent) and list the bucket as archived. */
  putScope(scope: JobScope): Promise<void>;
  /**
   * Scopes of every job of `bucket`, or of every archived bucket when `bucket` is undefined
   * (any order, all pages).
   */
  scopes(bucket?: string): Promise<JobScope[]>;
  /**
   * Directory entries of the job of `scope` whose [min_key, max_key] holds `key`. For a sorted
   * scope at most one (its bundles are disjoint); the adapter reads as little as that allows.
   */
  containing(scope: JobScope, key: string): Promise<BundleDirectoryEntry[]>;
  /**
   * Directory entries of every job of `bucket` whose [min_key, max_key] holds one of `keys` (UTF-8
   * byte order): every generation, from ONE read of the bucket's directory, when that read answers
   * whole; `undefined` when the entries to look at (those whose max key is ≥ the smallest of `keys`)
   * do not fit one read (DynamoDB: 1 MB of index items, about 2,000 bundles), and the caller goes job
   * by job ({@link scopes}, {@link containing}). `[]` for no keys.
   */
  holdingInBucket(bucket: string, keys: readonly string[]): Promise<BundleDirectoryEntry[] | undefined>;
  /**
   * Directory entries of the job of `scope` that may hold keys under `prefix` ('' = every bundle of
   * the job), in ascending max key order, page by page.
   */
  overlapping(scope: JobScope, prefix: string): AsyncIterable<BundleDirectoryEntry>;
  /**
   * Write a directory entry (reindex): the bundle item becomes COMMITTED with these attributes;
   * its restore state, if any, is kept.
   */
  putEntry(entry: BundleDirectoryEntry): Promise<void>;
}
