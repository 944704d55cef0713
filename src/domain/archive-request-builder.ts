/**
 * The one way to build an {@link ArchiveRequest}: from the caller's values in domain terms, with
 * the documented defaults and the request's invariants checked once. The HTTP API (`POST /archive`
 * body, `src/api/mapping.ts`), the schedule and the CLI (`coldpack archive` flags) all call
 * {@link buildArchiveRequest}; each names its own fields in the errors ({@link ArchiveFieldNames}).
 */
import { DEFAULT_ARCHIVE_SIZE_MB, DEFAULT_MAX_FILES_PER_BUNDLE, type ArchiveRequest, type ArchiveSource } from './archive-request.js';
import { ValidationError } from './errors.js';
import { ARCHIVE_STORAGE_CLASSES, type ArchiveStorageClass } from './model.js';
import { MAX_KEY_BYTES, bucketNameProblem } from './s3-names.js';

/** Bytes in the source application's "MB": 1,000,000 (decimal). */
export const BYTES_PER_MB = 1_000_000;
/** Largest bundle cap accepted, in MB: 5,000,000 MB = 5 TB, under S3's 5 TiB object limit (https://docs.aws.amazon.com/AmazonS3/latest/userguide/upload-objects.html). */
export const MAX_ARCHIVE_SIZE_MB = 5_000_000;
/** Largest `max_files_per_bundle` accepted. */
export const MAX_FILES_PER_BUNDLE_LIMIT = 1_000_000;
/** Default max objects per shard: 1,000,000. */
export const DEFAULT_SHARD_MAX_FILES = 1_000_000;
/** Default max listed bytes per shard: 100 GiB. */
export const DEFAULT_SHARD_MAX_BYTES = 100 * 1024 ** 3;
/** A project name: 1-64 of letters, digits, `.`, `_`, `-`, starting with a letter or digit (it goes into bundle keys). */
export const PROJECT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** A month `yyyy-mm`. */
export const PERIOD_PATTERN = /^\d{4}-(0[1-9]|1[0-2])$/;
/** Longest `output_prefix` label, in characters. */
export const MAX_OUTPUT_PREFIX_LENGTH = 256;

/** What a caller says about an archive job, in domain terms; unset values take the defaults. */
export interface ArchiveRequestInput {
  /** Project name ({@link PROJECT_NAME_PATTERN}). */
  readonly project: string;
  /** Where the objects come from (a `list` prefix is a raw S3 prefix, used as is). */
  readonly source: ArchiveSource;
  /** Bundle cap in MB (× {@link BYTES_PER_MB}), 1-{@link MAX_ARCHIVE_SIZE_MB}. Default 512. */
  readonly archiveSizeMb?: number;
  /** Max entries per bundle, 1-{@link MAX_FILES_PER_BUNDLE_LIMIT}. Default 100,000. */
  readonly maxFilesPerBundle?: number;
  /** One of {@link ARCHIVE_STORAGE_CLASSES}. Default DEEP_ARCHIVE. */
  readonly storageClass?: string;
  /** Expected number of files (QC guard), ≥ 1. */
  readonly expectedFileCount?: number;
  /** Expected total bytes (QC guard), ≥ 1. */
  readonly expectedTotalBytes?: number;
  /** Archive even if the listing differs from the expectations. Default false. */
  readonly allowMismatch?: boolean;
  /** Delete the sources once archived. Default true. */
  readonly deleteSource?: boolean;
  /** Plan only. Default false. */
  readonly dryRun?: boolean;
  /** Record each object's tags too (one GetObjectTagging per object) and restore them. Default false. */
  readonly archiveTags?: boolean;
  /** Label recorded on the job, 1-256 characters. */
  readonly outputPrefix?: string;
  /** Month `yyyy-mm` the job archives (the caller computes the default, e.g. the current month in the schedule's zone). */
  readonly period?: string;
  /** Who asked: `api` (or the caller's ARN), `cli`, `schedule`. */
  readonly requestedBy: string;
}

/** How the caller named each value, so an error names what the user typed (`archive_size`, `--archive-size`). */
export type ArchiveFieldNames = Readonly<
  Record<
    | 'project'
    | 'bucket'
    | 'prefix'
    | 'manifest'
    | 'archiveSizeMb'
    | 'maxFilesPerBundle'
    | 'storageClass'
    | 'expectedFileCount'
    | 'expectedTotalBytes'
    | 'outputPrefix'
    | 'period',
    string
  >
>;

/** The field names of {@link ArchiveRequestInput} themselves. */
export const DOMAIN_FIELD_NAMES: ArchiveFieldNames = Object.freeze({
  project: 'project',
  bucket: 'bucket',
  prefix: 'prefix',
  manifest: 'manifest',
  archiveSizeMb: 'archiveSizeMb',
  maxFilesPerBundle: 'maxFilesPerBundle',
  storageClass: 'storageClass',
  expectedFileCount: 'expectedFileCount',
  expectedTotalBytes: 'expectedTotalBytes',
  outputPrefix: 'outputPrefix',
  period: 'period',
});

function wholeNumber(value: number | undefined, field: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new ValidationError(`${field} must be a whole number from ${min} to ${max}, got ${value}`, field);
  }
  return value;
}

function checkBucket(bucket: string, field: string): void {
  const problem = bucketNameProblem(bucket);
  if (problem) throw new ValidationError(`${field}: not a valid S3 bucket name: ${problem} (got ${JSON.stringify(bucket)})`, field);
}

function checkSource(source: ArchiveSource, names: ArchiveFieldNames): void {
  if (source.kind === 'list') {
    checkBucket(source.bucket, names.bucket);
    if (source.prefix === '') throw new ValidationError(`${names.prefix} must not be empty (archiving a whole bucket is not supported)`, names.prefix);
  } else {
    // A CSV manifest may be a local file of the CLI (bucket ''); an S3 one needs a valid bucket.
    if (source.kind === 'inventory' || source.bucket !== '') checkBucket(source.bucket, names.manifest);
    if (source.manifest === '') throw new ValidationError(`${names.manifest} must name the manifest`, names.manifest);
  }
  const prefix = source.kind === 'csv' ? undefined : source.prefix;
  if (prefix !== undefined && Buffer.byteLength(prefix, 'utf8') > MAX_KEY_BYTES) {
    throw new ValidationError(`${names.prefix} must be at most ${MAX_KEY_BYTES} UTF-8 bytes`, names.prefix);
  }
}

/**
 * Build the {@link ArchiveRequest} the engine runs. Defaults: 512 MB bundles (bytes = MB ×
 * 1,000,000), 100,000 files per bundle, DEEP_ARCHIVE, delete_source true, dry_run and
 * allow_mismatch false, shards of 1,000,000 files / 100 GiB.
 * @param input the caller's values
 * @param names how the caller names each value in its errors (default {@link DOMAIN_FIELD_NAMES})
 * @throws ValidationError naming the field for a bad project, bucket, prefix, size, count,
 *   storage class, label or period
 */
export function buildArchiveRequest(input: ArchiveRequestInput, names: ArchiveFieldNames = DOMAIN_FIELD_NAMES): ArchiveRequest {
  if (!PROJECT_NAME_PATTERN.test(input.project)) {
    throw new ValidationError(
      `${names.project} must be 1-64 characters: letters, digits, ".", "_", "-", starting with a letter or digit (got ${JSON.stringify(input.project)})`,
      names.project,
    );
  }
  checkSource(input.source, names);
  const archiveSizeMb = wholeNumber(input.archiveSizeMb, names.archiveSizeMb, 1, MAX_ARCHIVE_SIZE_MB) ?? DEFAULT_ARCHIVE_SIZE_MB;
  const maxFiles = wholeNumber(input.maxFilesPerBundle, names.maxFilesPerBundle, 1, MAX_FILES_PER_BUNDLE_LIMIT) ?? DEFAULT_MAX_FILES_PER_BUNDLE;
  const expectedFiles = wholeNumber(input.expectedFileCount, names.expectedFileCount, 1, Number.MAX_SAFE_INTEGER);
  const expectedBytes = wholeNumber(input.expectedTotalBytes, names.expectedTotalBytes, 1, Number.MAX_SAFE_INTEGER);
  const storageClass = input.storageClass ?? 'DEEP_ARCHIVE';
  if (!(ARCHIVE_STORAGE_CLASSES as readonly string[]).includes(storageClass)) {
    throw new ValidationError(
      `${names.storageClass} must be one of ${ARCHIVE_STORAGE_CLASSES.join(', ')}, got ${JSON.stringify(storageClass)}`,
      names.storageClass,
    );
  }
  if (input.outputPrefix !== undefined && (input.outputPrefix.length < 1 || input.outputPrefix.length > MAX_OUTPUT_PREFIX_LENGTH)) {
    throw new ValidationError(`${names.outputPrefix} must be 1-${MAX_OUTPUT_PREFIX_LENGTH} characters`, names.outputPrefix);
  }
  if (input.period !== undefined && !PERIOD_PATTERN.test(input.period)) {
    throw new ValidationError(`${names.period} must be a month yyyy-mm, got ${JSON.stringify(input.period)}`, names.period);
  }
  return {
    project: input.project,
    source: input.source,
    max_bundle_bytes: archiveSizeMb * BYTES_PER_MB,
    max_files_per_bundle: maxFiles,
    storage_class: storageClass as ArchiveStorageClass,
    ...(expectedFiles === undefined ? {} : { expected_file_count: expectedFiles }),
    ...(expectedBytes === undefined ? {} : { expected_total_bytes: expectedBytes }),
    allow_mismatch: input.allowMismatch ?? false,
    delete_source: input.deleteSource ?? true,
    dry_run: input.dryRun ?? false,
    ...(input.archiveTags ? { archive_tags: true } : {}),
    ...(input.outputPrefix === undefined ? {} : { output_prefix: input.outputPrefix }),
    ...(input.period === undefined ? {} : { period: input.period }),
    requested_by: input.requestedBy,
    shard_max_files: DEFAULT_SHARD_MAX_FILES,
    shard_max_bytes: DEFAULT_SHARD_MAX_BYTES,
  };
}
