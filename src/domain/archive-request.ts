import type { ArchiveStorageClass } from './model.js';

/** Default bundle size cap: 512 MB (`archive_size` is in MB = 1,000,000 bytes, as the source application sends it). */
export const DEFAULT_ARCHIVE_SIZE_MB = 512;
/** Default maximum number of entries per bundle. */
export const DEFAULT_MAX_FILES_PER_BUNDLE = 100_000;

/** Where the job's object list comes from. */
export type ArchiveSource =
  /** Stream ListObjectsV2 of `s3://bucket/prefix` (raw S3 prefix, used as is). */
  | { readonly kind: 'list'; readonly bucket: string; readonly prefix: string }
  /** A CSV manifest `bucket,key,size[,etag]` stored at `s3://bucket/key` (or a local file path for the CLI). */
  | { readonly kind: 'csv'; readonly bucket: string; readonly manifest: string }
  /** An S3 Inventory report: `s3://bucket/key` of its manifest.json, optionally filtered by `prefix`. */
  | { readonly kind: 'inventory'; readonly bucket: string; readonly manifest: string; readonly prefix?: string };

/**
 * A validated, normalized archive request: what the archive engine runs. The HTTP API and the CLI
 * map their own input (including the source application's body) onto this.
 */
export interface ArchiveRequest {
  /** Project name, used in bundle keys and idempotency keys (e.g. `amazon`). */
  readonly project: string;
  /** Source of the objects. */
  readonly source: ArchiveSource;
  /** Bundle size cap in bytes (archive_size MB × 1,000,000). Default 512 MB. */
  readonly max_bundle_bytes: number;
  /** Max entries per bundle. Default 100,000. */
  readonly max_files_per_bundle: number;
  /** Storage class of bundles. Default DEEP_ARCHIVE. */
  readonly storage_class: ArchiveStorageClass;
  /** Expected number of files (QC guard), from the source application's `file_count`. */
  readonly expected_file_count?: number;
  /** Expected total bytes (QC guard), `total_size`. */
  readonly expected_total_bytes?: number;
  /** Run even if the listing does not match the expected count/size. Default false. */
  readonly allow_mismatch: boolean;
  /** Delete sources after their bundles are committed. Default true. */
  readonly delete_source: boolean;
  /** Plan only: list, count, group, print; write nothing. Default false. */
  readonly dry_run: boolean;
  /**
   * Record each object's tags too (one GetObjectTagging per object) and set them on restored
   * copies. Default false (content headers and user metadata are always recorded: they come with the GET).
   */
  readonly archive_tags?: boolean;
  /** Optional label for output keys (source application's `output_prefix`), recorded on the job. */
  readonly output_prefix?: string;
  /** Period `yyyy-mm` this job archives (schedule idempotency), when known. */
  readonly period?: string;
  /** Who asked: `api`, `cli`, `schedule`. */
  readonly requested_by: string;
  /** Max objects per shard (one AWS Batch array child). Default 1,000,000. */
  readonly shard_max_files: number;
  /** Max listed bytes per shard. Default 100 GiB. */
  readonly shard_max_bytes: number;
}
