/**
 * The data model shared by archive, restore, API and cost code. Field names are snake_case because
 * they are stored as-is in DynamoDB items, manifests and API bodies.
 */
import type { ArchivedFile } from './catalog.js';

import type { ArchivedAttributes } from './object-attributes.js';

/** Storage classes a bundle may be written in. Default DEEP_ARCHIVE. */
export const ARCHIVE_STORAGE_CLASSES = ['DEEP_ARCHIVE', 'GLACIER', 'GLACIER_IR', 'STANDARD_IA', 'STANDARD'] as const;
/** One of {@link ARCHIVE_STORAGE_CLASSES}. */
export type ArchiveStorageClass = (typeof ARCHIVE_STORAGE_CLASSES)[number];

/** Zip compression method of an entry: 0 = stored, 8 = deflated. */
export type ZipMethod = 0 | 8;

/** One source object as listed (ListObjectsV2, CSV manifest or S3 Inventory). */
export interface SourceObject {
  /** Source bucket name. */
  readonly bucket: string;
  /** Full object key (decoded, exactly as stored in S3). */
  readonly key: string;
  /** Size in bytes as listed. */
  readonly size: number;
  /** ETag as listed, with its quotes stripped; undefined when the source did not give one. */
  readonly etag?: string;
  /** LastModified as listed, ISO 8601; undefined when the source did not give one. */
  readonly last_modified?: string;
  /** Storage class as listed (e.g. STANDARD). */
  readonly storage_class?: string;
}

/**
 * One entry of a bundle, as written. This is a manifest row and the body of a file index item.
 * `offset`/`length` are enough for one ranged GET: `bytes=offset-(offset+length-1)`. The object's
 * content headers, user metadata and (opt-in) tags are its {@link ArchivedAttributes}.
 */
export interface EntryRecord extends ArchivedAttributes {
  /** Full source key; equals the zip entry name (UTF-8). */
  readonly key: string;
  /** Uncompressed size in bytes. */
  readonly size: number;
  /** ETag of the source object that was archived (quotes stripped). */
  readonly etag: string;
  /** VersionId of the archived source object version, when the bucket is versioned. */
  readonly version_id?: string;
  /** LastModified of the archived object, ISO 8601. */
  readonly last_modified: string;
  /** Byte offset of the entry's local file header in the bundle. */
  readonly offset: number;
  /** Bytes from the local header to the end of the data (and data descriptor, if any). */
  readonly length: number;
  /** Compressed data size in bytes (equals `size` when stored). */
  readonly compressed_size: number;
  /** Zip method: 0 stored, 8 deflated. */
  readonly method: ZipMethod;
  /** CRC-32 of the uncompressed bytes, 8 lowercase hex digits. */
  readonly crc32: string;
  /** SHA-256 of the uncompressed bytes, 64 lowercase hex digits. */
  readonly sha256: string;
}

/** A file index item (DynamoDB `files` table, `catalog: per_file` only): one per archived object per archive generation. */
export interface FileIndexItem extends ArchivedFile {
  /** Partition key: `<bucket>/<key>` (≤ 1,088 UTF-8 bytes, under DynamoDB's 2,048-byte limit). */
  readonly pk: string;
  /** Sort key: `<archived_at ISO>#<job_id>`; newest generation sorts last. */
  readonly sk: string;
  /** Name-index partition key: `<bucket>#<base name>` (keys-only GSI `by_name`). */
  readonly name_key: string;
}

/** Bundle lifecycle: WRITING while uploading, COMMITTED once verified and manifested (the directory entry is the COMMITTED item). */
export type BundleState = 'WRITING' | 'COMMITTED';

/** Restore state of a bundle (DynamoDB `bundles` table attribute). */
export type BundleRestoreState = 'NONE' | 'REQUESTED' | 'READY' | 'EXPIRED';

/** A bundle item (DynamoDB `bundles` table, pk = bundle key). */
export interface BundleItem {
  readonly bundle_key: string;
  readonly archive_bucket: string;
  readonly job_id: string;
  readonly project: string;
  readonly shard: number;
  readonly seq: number;
  readonly state: BundleState;
  readonly storage_class: ArchiveStorageClass;
  /** Number of source entries (the manifest entry not counted). */
  readonly entry_count?: number;
  /** Bundle object size in bytes. */
  readonly bytes?: number;
  /** Sum of the entries' uncompressed sizes in bytes. */
  readonly source_bytes?: number;
  /** Directory attributes (set at commit): source bucket of the entries, job generation, min and max key in UTF-8 byte order. */
  readonly source_bucket?: string;
  readonly generation?: string;
  readonly min_key?: string;
  readonly max_key?: string;
  /** Key of the manifest object beside the bundle (STANDARD class). */
  readonly manifest_key?: string;
  /** Full-object CRC-32 of the bundle, base64 as S3 reports it. */
  readonly checksum_crc32?: string;
  /** Upload id of an unfinished multipart upload (WRITING only), aborted on resume. */
  readonly upload_id?: string;
  readonly committed_at?: string;
  /** Objects of this bundle's key range that were not archived, and the first 100 of them with reasons. */
  readonly skipped_count?: number;
  readonly skipped?: ReadonlyArray<{ readonly key: string; readonly reason: string; readonly detail: string }>;
  /** Versions of an earlier attempt (bundle and manifest keys) deleted when this rewrite committed (versioned bucket). */
  readonly superseded_versions_deleted?: number;
  /** Such versions whose delete was refused, left to the bucket's noncurrent-version expiration rule. */
  readonly superseded_versions_left?: number;
  /**
   * Restore fields, written by the restore pipeline. The requests waiting for the restore are not
   * in the bundle item (it would grow with every request): one item per (bundle, request), see
   * `src/adapters/dynamo/dynamo-bundle-restore-store.ts`.
   */
  readonly restore_state?: BundleRestoreState;
  readonly restore_tier?: string;
  readonly restore_requested_at?: string;
  readonly restore_ready_at?: string;
  readonly restore_expires_at?: string;
}

/** Archive job status. */
export type JobStatus = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'PARTIAL' | 'FAILED';
