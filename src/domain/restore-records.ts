/**
 * What the restore pipeline records about a request and its files (the shapes the
 * {@link RestoreStore} port of `src/domain/ports/restore-store.ts` keeps), and the restore state of
 * a bundle (the {@link BundleRestoreStore} port). Field names are snake_case: stored as is.
 */
import type { ArchivedFile } from './catalog.js';
import type { ArchiveStorageClass, ZipMethod } from './model.js';
import { pickAttributes, type ArchivedAttributes } from './object-attributes.js';
import type { RestoreFileStatus, RestoreFinalStatus, RestoreProblem, RestoreRequestInput, RetrievalTier } from './restore-request.js';

/**
 * One file of a restore request (the index fields needed to extract it are copied in, with the
 * object's archived attributes, which the restored copy gets back).
 */
export interface RestoreFileRecord extends ArchivedAttributes {
  readonly restore_id: string;
  /** Position in the request (0-based); with `bundle_key` it identifies the file in its request. */
  readonly n: number;
  /** Source key, or the name/key as asked when NOT_FOUND. */
  readonly key: string;
  readonly status: RestoreFileStatus;
  /** Source bucket (absent when NOT_FOUND). */
  readonly bucket?: string;
  readonly archive_bucket?: string;
  /** Bundle holding the file (absent when NOT_FOUND). */
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
  /** ISO 8601. */
  readonly updated_at: string;
}

/** What identifies a file record in its request. */
export type RestoreFileRef = Pick<RestoreFileRecord, 'restore_id' | 'n' | 'bundle_key'>;

/** Fields a status change may set on a file record. */
export type RestoreFileChanges = Partial<Pick<RestoreFileRecord, 'restore_key' | 'location' | 'error_code' | 'message' | 'extracting_since'>> & {
  readonly updated_at: string;
};

/**
 * Where the lookup of a request's files stands: RESOLVING from the moment the request is recorded
 * until the restore worker has looked its files up (then RESOLVED), or FAILED when the selection was
 * refused (ambiguous name, too many files, no key list, tier not available): `resolve_error` says why.
 */
export type RestoreResolution = 'RESOLVING' | 'RESOLVED' | 'FAILED';

/** What a finished resolution records on the request. */
export interface ResolvedCounts {
  /** Files recorded (all statuses). */
  readonly files: number;
  /** Distinct bundles of the files to restore. */
  readonly bundles: number;
  /** Files refused at once (e.g. TIER_NOT_ALLOWED). */
  readonly files_failed: number;
  readonly files_not_found: number;
}

/** A restore request with its counters, final status and notification state. */
export interface RestoreRequestRecord {
  readonly restore_id: string;
  /** The request as asked; see `selection_count` for a list kept apart. */
  readonly request: RestoreRequestInput;
  /**
   * Set when the store keeps the selection's list (keys or names) apart from the request record
   * because it is too large for it (a DynamoDB item holds at most 400 KB; the API takes 10,000 keys
   * of up to 1,024 bytes): the number of keys or names. `request.selection` then holds an empty
   * list; `RestoreStore.selection` returns the whole selection.
   */
  readonly selection_count?: number;
  readonly requested_by: string;
  readonly project?: string;
  /** Absent on requests resolved when they were submitted (before the asynchronous lookup). */
  readonly resolution?: RestoreResolution;
  /** When a worker started resolving, ISO 8601 (a stale one is taken over by the reconciler). */
  readonly resolving_since?: string;
  /** Why the selection was refused (resolution FAILED), e.g. AMBIGUOUS_NAME with its candidates. */
  readonly resolve_error?: RestoreProblem;
  /** Final status once every file is terminal; absent before. */
  readonly status?: RestoreFinalStatus;
  /** Number of files (all statuses). */
  readonly files: number;
  /** Number of distinct bundles. */
  readonly bundles: number;
  readonly files_available?: number;
  readonly files_failed?: number;
  readonly files_not_found?: number;
  /** Topics notified at the end: at most two (the configured one and an allowed caller topic). */
  readonly topic_arns: readonly string[];
  /** ISO 8601. */
  readonly created_at: string;
  readonly updated_at: string;
  readonly finished_at?: string;
  readonly notified_at?: string;
  /** Last notification failure, `<name>: <message>` (cleared once delivered). */
  readonly notify_error?: string;
  /** Failed notification attempts so far (the reconciler gives up after `MAX_NOTIFY_ATTEMPTS`). */
  readonly notify_attempts?: number;
}

/** Counters kept on the request record (added to atomically). */
export type RestoreCounter = 'files_available' | 'files_failed';

/** An open request as the reconciler finds it. */
export interface OpenRestore {
  readonly restoreId: string;
  /** When it was opened, ISO 8601 ('' when unknown). */
  readonly openedAt: string;
}

/** Restore state of one bundle, shared by every request that needs it (the waiting requests are kept apart: `BundleRestoreStore.waiters`). */
export interface BundleRestoreState {
  /** NONE (never restored), REQUESTED, READY (a restored copy is readable) or EXPIRED. */
  readonly state: 'NONE' | 'REQUESTED' | 'READY' | 'EXPIRED';
  readonly tier?: RetrievalTier;
  /** Days asked for in the last RestoreObject. */
  readonly days?: number;
  /** ISO 8601 of the last claim. */
  readonly requestedAt?: string;
  readonly readyAt?: string;
  /** Expiry of the restored copy, ISO 8601. */
  readonly expiresAt?: string;
}

/** The record of an archived file found in the catalog, PENDING. */
export function fileRecordOf(restoreId: string, n: number, item: ArchivedFile, now: string): RestoreFileRecord {
  return {
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
    ...pickAttributes(item),
    etag: item.etag,
    ...(item.version_id ? { version_id: item.version_id } : {}),
    job_id: item.job_id,
    archived_at: item.archived_at,
    updated_at: now,
  };
}
