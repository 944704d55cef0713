/**
 * The catalog: how an archived key is found. By default ("compact") DynamoDB keeps one bundle
 * directory entry per committed bundle (source bucket, key range, counts, locations) and one scope
 * per (source bucket, job); the per-file rows live only in the bundle manifests (S3, gzip CSV beside
 * each bundle, and the bundle's last zip entry). The optional per-file index (`per_file`) adds one
 * DynamoDB item per archived file. Field names are snake_case: stored as is.
 */
import { truncateCodePoints } from './keys.js';
import type { ArchiveStorageClass, EntryRecord } from './model.js';

/** Catalog modes: `compact` (default: bundle directory + manifests) or `per_file` (plus one index item per file). */
export const CATALOG_MODES = ['compact', 'per_file'] as const;
/** One of {@link CATALOG_MODES}. */
export type CatalogMode = (typeof CATALOG_MODES)[number];
/** The default catalog mode. */
export const DEFAULT_CATALOG_MODE: CatalogMode = 'compact';

/**
 * Code points of a key kept in a DynamoDB sort key: 250, at most 4 UTF-8 bytes each, so at most
 * 1,000 bytes (sort keys are capped at 1,024 bytes and S3 keys reach 1,024 bytes:
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html). Counted in
 * code points, not bytes, so that the cut keeps key order (see {@link truncateCodePoints}). Exact
 * comparisons use the full `min_key`/`max_key` attributes; keys that share their first 250 code
 * points share a sort key and are read together.
 */
export const SORT_KEY_MAX_CODE_POINTS = 250;

/**
 * The directory sort key of a key (a bundle's max key, or a key looked up): its first
 * {@link SORT_KEY_MAX_CODE_POINTS} code points. `compareKeys(a, b) ≤ 0` implies
 * `directorySortKey(a) ≤ directorySortKey(b)`.
 */
export function directorySortKey(key: string): string {
  return truncateCodePoints(key, SORT_KEY_MAX_CODE_POINTS);
}

/** The directory entry of one committed bundle: what the catalog knows without reading its manifest. */
export interface BundleDirectoryEntry {
  /** Bundle object key, e.g. `bundles/<project>/<job>/<shard>/<seq>.zip`. */
  readonly bundle_key: string;
  /** Bucket holding the bundle and its manifest. */
  readonly archive_bucket: string;
  /** Manifest object key (gzip CSV, STANDARD class). */
  readonly manifest_key: string;
  /** Source bucket of every entry of the bundle (a bundle never mixes buckets). */
  readonly source_bucket: string;
  readonly project: string;
  readonly job_id: string;
  /** Shard and sequence number of the bundle in its job. */
  readonly shard: number;
  readonly seq: number;
  /** Generation time of the job (ISO 8601): the `archived_at` of every entry. */
  readonly generation: string;
  /** Smallest and largest entry key in UTF-8 byte order (whatever the order of the entries). */
  readonly min_key: string;
  readonly max_key: string;
  /** Source entries (the manifest entry not counted). */
  readonly entry_count: number;
  /** Bundle object size in bytes. */
  readonly bytes: number;
  /** Sum of the entries' sizes in bytes. */
  readonly source_bytes: number;
  readonly storage_class: ArchiveStorageClass;
  /** Full-object CRC-32 of the bundle, base64, when known. */
  readonly checksum_crc32?: string;
  /** When the bundle was committed (or re-indexed), ISO 8601. */
  readonly committed_at?: string;
}

/**
 * Which keys one job may hold in one source bucket, written by the planner before any bundle of the
 * job commits. A lookup reads the scopes of a bucket to know which jobs can hold a key.
 */
export interface JobScope {
  readonly bucket: string;
  readonly job_id: string;
  readonly project: string;
  /** Generation time of the job, ISO 8601. */
  readonly generation: string;
  /** Smallest and largest listed key of the job in this bucket (UTF-8 byte order). */
  readonly min_key: string;
  readonly max_key: string;
  /**
   * Whether the job's keys of this bucket came in strictly ascending order, so its bundles are
   * disjoint and ordered (a key is in at most one bundle: the first whose max key is ≥ it).
   */
  readonly sorted: boolean;
  /** Objects listed for the job in this bucket. */
  readonly files: number;
  /** The catalog mode the job was archived with (per-file index items exist only for `per_file`). */
  readonly catalog: CatalogMode;
}

/** An archived file as a lookup finds it: its manifest row plus where its bundle is. */
export interface ArchivedFile extends EntryRecord {
  /** Source bucket. */
  readonly bucket: string;
  readonly archive_bucket: string;
  readonly bundle_key: string;
  readonly storage_class: ArchiveStorageClass;
  readonly job_id: string;
  readonly project: string;
  /** Generation time of the job that archived it, ISO 8601. */
  readonly archived_at: string;
}

/** The archived file of manifest row `e` of the bundle `d`. */
export function archivedFile(d: BundleDirectoryEntry, e: EntryRecord): ArchivedFile {
  return {
    ...e,
    bucket: d.source_bucket,
    archive_bucket: d.archive_bucket,
    bundle_key: d.bundle_key,
    storage_class: d.storage_class,
    job_id: d.job_id,
    project: d.project,
    archived_at: d.generation,
  };
}

/** Order of generations: by generation time, then job id (oldest first). */
export function compareGenerations(a: Pick<ArchivedFile, 'archived_at' | 'job_id'>, b: Pick<ArchivedFile, 'archived_at' | 'job_id'>): number {
  const x = `${a.archived_at}#${a.job_id}`;
  const y = `${b.archived_at}#${b.job_id}`;
  return x < y ? -1 : x > y ? 1 : 0;
}
