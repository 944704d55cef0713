/**
 * The COMMITTED bundle record (= bundle directory entry) of a test bundle, as the packer writes it:
 * min/max key in UTF-8 byte order over `entries` (in any order), counts and sizes in bytes.
 * Shared by the in-memory and the moto restore fixtures.
 */
import { compareKeys } from '../../src/domain/keys.js';
import type { ArchiveStorageClass, BundleItem, EntryRecord } from '../../src/domain/model.js';

/** Where the bundle is and whose it is. */
export interface CommittedBundleFields {
  readonly keys: { readonly bundle: string; readonly manifest: string };
  readonly archiveBucket: string;
  readonly sourceBucket: string;
  readonly jobId: string;
  readonly project: string;
  readonly shard: number;
  readonly seq: number;
  readonly storageClass: ArchiveStorageClass;
  /** Job generation time, ISO 8601. */
  readonly archivedAt: string;
  /** Bundle object size in bytes. */
  readonly bytes: number;
}

/** The record, from the bundle's entries (any order). */
export function committedBundle(f: CommittedBundleFields, entries: readonly EntryRecord[]): BundleItem {
  const keys = entries.map((e) => e.key).sort(compareKeys);
  return {
    bundle_key: f.keys.bundle,
    archive_bucket: f.archiveBucket,
    job_id: f.jobId,
    project: f.project,
    shard: f.shard,
    seq: f.seq,
    state: 'COMMITTED',
    storage_class: f.storageClass,
    source_bucket: f.sourceBucket,
    generation: f.archivedAt,
    min_key: keys[0] ?? '',
    max_key: keys[keys.length - 1] ?? '',
    entry_count: entries.length,
    bytes: f.bytes,
    source_bytes: entries.reduce((n, e) => n + e.size, 0),
    manifest_key: f.keys.manifest,
  };
}
