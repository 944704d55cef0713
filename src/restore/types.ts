/**
 * Items the restore pipeline stores in the `jobs` table, and its tunable options.
 *
 * Layout (pk / sk):
 * - `RESTORE#<id>` / `REQUEST`: the request, counters, final status, notification state;
 * - `RESTORE#<id>` / `FILE#<bundle_key>#<n>`: one file (n = 6-digit position in the request), so the
 *   files of one bundle are one Query (`begins_with(sk, 'FILE#<bundle_key>#')`); the raw key is an
 *   attribute, never part of a key (S3 keys reach 1,024 bytes = the DynamoDB sort-key limit, case C07);
 * - `RESTORE#<id>` / `FILE#-#<n>`: a file that was not found (no bundle);
 * - `RESTORE_OPEN` / `<id>`: present while the request is not finished and notified; the reconciler
 *   reads this one partition instead of scanning tables.
 */
import type { ArchiveStorageClass, FileIndexItem, ZipMethod } from '../domain/model.js';
import type { RestoreFileStatus, RestoreRequestInput } from '../api/ports.js';

/** Partition key of a restore request's items. */
export function restorePk(restoreId: string): string {
  return `RESTORE#${restoreId}`;
}
/** Sort key of the request item. */
export const REQUEST_SK = 'REQUEST';
/** Partition of the open-request markers read by the reconciler. */
export const OPEN_PK = 'RESTORE_OPEN';
/** Bundle placeholder in the sort key of NOT_FOUND files. */
export const NO_BUNDLE = '-';

/** Sort key of a file item: `FILE#<bundle_key>#<n, 6 digits>`. */
export function fileSk(bundleKey: string | undefined, n: number): string {
  return `FILE#${bundleKey ?? NO_BUNDLE}#${String(n).padStart(6, '0')}`;
}
/** Sort-key prefix of the files of one bundle in one request. */
export function bundleFilesPrefix(bundleKey: string): string {
  return `FILE#${bundleKey}#`;
}

/** Terminal file statuses: nothing more happens to the file. */
export const TERMINAL_FILE_STATUSES: readonly RestoreFileStatus[] = ['AVAILABLE', 'FAILED', 'NOT_FOUND'];

/** Final status of a request: every file AVAILABLE; some AVAILABLE; none AVAILABLE. */
export type RestoreFinalStatus = 'AVAILABLE' | 'PARTIAL' | 'FAILED';

/** One file of a restore request as stored (the index fields needed to extract it are copied in). */
export interface RestoreFileItem {
  readonly pk: string;
  readonly sk: string;
  readonly restore_id: string;
  /** Position in the request (0-based). */
  readonly n: number;
  /** Source key, or the name/key as asked when NOT_FOUND. */
  readonly key: string;
  readonly status: RestoreFileStatus;
  /** Source bucket (absent when NOT_FOUND). */
  readonly bucket?: string;
  readonly archive_bucket?: string;
  readonly bundle_key?: string;
  readonly storage_class?: ArchiveStorageClass;
  /** Byte offset of the entry's local header in the bundle. */
  readonly offset?: number;
  /** Bytes of the whole entry (header + data + descriptor). */
  readonly length?: number;
  readonly compressed_size?: number;
  /** Uncompressed size in bytes. */
  readonly size?: number;
  readonly method?: ZipMethod;
  readonly crc32?: string;
  readonly sha256?: string;
  readonly content_type?: string;
  readonly etag?: string;
  readonly version_id?: string;
  readonly job_id?: string;
  readonly archived_at?: string;
  /** Restored copy: `s3://<restore bucket>/<restore_key>`. */
  readonly location?: string;
  readonly restore_key?: string;
  /** Machine-readable reason of FAILED / NOT_FOUND (e.g. `TIER_NOT_ALLOWED`, `INTEGRITY_ERROR`). */
  readonly error_code?: string;
  readonly message?: string;
  /** When extraction of this file started, ISO 8601 (a stale EXTRACTING is retried by the reconciler). */
  readonly extracting_since?: string;
  readonly updated_at: string;
}

/** The request item (`RESTORE#<id>` / `REQUEST`). */
export interface RestoreRequestItem {
  readonly pk: string;
  readonly sk: string;
  readonly restore_id: string;
  readonly request: RestoreRequestInput;
  readonly requested_by: string;
  readonly project?: string;
  /** Final status once every file is terminal; absent before. */
  readonly status?: RestoreFinalStatus;
  /** Number of files (all statuses). */
  readonly files: number;
  /** Number of distinct bundles. */
  readonly bundles: number;
  readonly files_available?: number;
  readonly files_failed?: number;
  readonly files_not_found?: number;
  /** Topics notified at the end (the configured one and an allowed caller topic). */
  readonly topic_arns: readonly string[];
  readonly created_at: string;
  readonly updated_at: string;
  readonly finished_at?: string;
  readonly notified_at?: string;
  readonly notify_error?: string;
}

/** Build the stored file item of a found index item. */
export function fileItemFromIndex(restoreId: string, n: number, item: FileIndexItem, now: string): RestoreFileItem {
  return {
    pk: restorePk(restoreId),
    sk: fileSk(item.bundle_key, n),
    restore_id: restoreId,
    n,
    key: item.key,
    status: 'PENDING',
    bucket: item.bucket,
    archive_bucket: item.archive_bucket,
    bundle_key: item.bundle_key,
    storage_class: item.storage_class,
    offset: item.offset,
    length: item.length,
    compressed_size: item.compressed_size,
    size: item.size,
    method: item.method,
    crc32: item.crc32,
    sha256: item.sha256,
    ...(item.content_type ? { content_type: item.content_type } : {}),
    etag: item.etag,
    ...(item.version_id ? { version_id: item.version_id } : {}),
    job_id: item.job_id,
    archived_at: item.archived_at,
    updated_at: now,
  };
}
