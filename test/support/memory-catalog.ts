/**
 * In-memory {@link BundleDirectoryStore} for unit tests: directory entries are the COMMITTED items of
 * a {@link MemoryBundleStore} (as in DynamoDB, where they are the bundles table's items), scopes are
 * kept by bucket. Every call is recorded in `calls` (`scopes`, `containing`, `overlapping`, `putScope`,
 * `putEntry`) so tests can count catalog requests; `failWith` makes reads throw (throttling).
 */
import type { BundleDirectoryEntry, JobScope } from '../../src/domain/catalog.js';
import { compareKeys, rangeMayHoldPrefix } from '../../src/domain/keys.js';
import type { BundleItem } from '../../src/domain/model.js';
import type { BundleDirectoryStore } from '../../src/domain/ports/bundle-directory-store.js';
import { MemoryBundleStore } from './memory-stores.js';

/** The directory entry of a committed bundle item with entries, or undefined. */
export function entryOf(b: BundleItem): BundleDirectoryEntry | undefined {
  if (b.state !== 'COMMITTED' || !b.entry_count || b.source_bucket === undefined || b.min_key === undefined || b.max_key === undefined) return undefined;
  return {
    bundle_key: b.bundle_key,
    archive_bucket: b.archive_bucket,
    manifest_key: b.manifest_key ?? '',
    source_bucket: b.source_bucket,
    project: b.project,
    job_id: b.job_id,
    shard: b.shard,
    seq: b.seq,
    generation: b.generation ?? '',
    min_key: b.min_key,
    max_key: b.max_key,
    entry_count: b.entry_count,
    bytes: b.bytes ?? 0,
    source_bytes: b.source_bytes ?? 0,
    storage_class: b.storage_class,
    ...(b.checksum_crc32 ? { checksum_crc32: b.checksum_crc32 } : {}),
    ...(b.committed_at ? { committed_at: b.committed_at } : {}),
  };
}

/** {@link BundleDirectoryStore} over a {@link MemoryBundleStore}. */
export class MemoryBundleDirectoryStore implements BundleDirectoryStore {
  readonly scopeItems = new Map<string, Map<string, JobScope>>();
  /** Every call, in order: `<method> <argument>`. */
  readonly calls: string[] = [];
  /** When set, reads throw it. */
  failWith: Error | undefined;
  /**
   * Entries one {@link holdingInBucket} read can hold (DynamoDB: 1 MB of index items); more entries
   * from the smallest key on make it answer `undefined`. Default: unbounded.
   */
  bucketReadCapacity = Number.POSITIVE_INFINITY;

  /** @param bundles where the directory entries are (the COMMITTED bundle items) */
  constructor(readonly bundles: MemoryBundleStore = new MemoryBundleStore()) {}

  private read(call: string): void {
    this.calls.push(call);
    if (this.failWith) throw this.failWith;
  }

  async putScope(scope: JobScope): Promise<void> {
    this.calls.push(`putScope ${scope.bucket}#${scope.job_id}`);
    const m = this.scopeItems.get(scope.bucket) ?? new Map<string, JobScope>();
    m.set(scope.job_id, structuredClone(scope));
    this.scopeItems.set(scope.bucket, m);
  }

  async scopes(bucket?: string): Promise<JobScope[]> {
    this.read(`scopes ${bucket ?? '*'}`);
    const buckets = bucket !== undefined ? [bucket] : [...this.scopeItems.keys()];
    return buckets.flatMap((b) => [...(this.scopeItems.get(b)?.values() ?? [])].map((s) => structuredClone(s)));
  }

  /** Directory entries of the scope's job, in ascending max key order. */
  private entries(scope: JobScope): BundleDirectoryEntry[] {
    return [...this.bundles.items.values()]
      .map(entryOf)
      .filter((e): e is BundleDirectoryEntry => e !== undefined && e.source_bucket === scope.bucket && e.job_id === scope.job_id)
      .sort((a, b) => compareKeys(a.max_key, b.max_key));
  }

  async containing(scope: JobScope, key: string): Promise<BundleDirectoryEntry[]> {
    this.read(`containing ${scope.bucket}#${scope.job_id} ${key}`);
    return this.entries(scope).filter((e) => compareKeys(e.min_key, key) <= 0 && compareKeys(key, e.max_key) <= 0);
  }

  async holdingInBucket(bucket: string, keys: readonly string[]): Promise<BundleDirectoryEntry[] | undefined> {
    this.read(`holdingInBucket ${bucket} ${keys.join(',')}`);
    if (keys.length === 0) return [];
    const sorted = [...keys].sort(compareKeys);
    const read = [...this.bundles.items.values()]
      .map(entryOf)
      .filter((e): e is BundleDirectoryEntry => e !== undefined && e.source_bucket === bucket && compareKeys(e.max_key, sorted[0]!) >= 0);
    if (read.length > this.bucketReadCapacity) return undefined;
    return read.filter((e) => sorted.some((k) => compareKeys(e.min_key, k) <= 0 && compareKeys(k, e.max_key) <= 0));
  }

  async *overlapping(scope: JobScope, prefix: string): AsyncGenerator<BundleDirectoryEntry> {
    this.read(`overlapping ${scope.bucket}#${scope.job_id} ${prefix}`);
    for (const e of this.entries(scope)) if (rangeMayHoldPrefix(prefix, e.min_key, e.max_key)) yield e;
  }

  async putEntry(entry: BundleDirectoryEntry): Promise<void> {
    this.calls.push(`putEntry ${entry.bundle_key}`);
    const existing = this.bundles.items.get(entry.bundle_key);
    this.bundles.items.set(entry.bundle_key, { ...(existing ?? {}), ...entry, state: 'COMMITTED' });
  }
}
