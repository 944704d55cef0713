/**
 * Map validated API bodies onto the engine's request types, and check that a request is meant for
 * this deployment (region, account).
 */
import {
  DEFAULT_ARCHIVE_SIZE_MB,
  DEFAULT_MAX_FILES_PER_BUNDLE,
  type ArchiveRequest,
} from '../domain/archive-request.js';
import { ValidationError } from '../domain/errors.js';
import { periodOf } from '../schedule/period.js';
import { DEFAULT_RESTORE_DAYS, type RestoreRequestInput, type RestoreSelection } from '../domain/restore-request.js';
import type { ArchiveBody, RestoreBody } from './schemas.js';

/** Bytes in the source application's "MB": 1,000,000 (decimal). */
export const BYTES_PER_MB = 1_000_000;
/** Default max objects per shard: 1,000,000. */
export const DEFAULT_SHARD_MAX_FILES = 1_000_000;
/** Default max listed bytes per shard: 100 GiB. */
export const DEFAULT_SHARD_MAX_BYTES = 100 * 1024 ** 3;

/** The deployment a request must name (when it names one). */
export interface Deployment {
  /** AWS region of the deployment, e.g. `us-east-1`. */
  readonly region: string;
  /** 12-digit account id, when known (unknown = any account accepted). */
  readonly account?: string;
}

/** Left-pad an account id to 12 digits (some systems drop leading zeros). */
export function normalizeAccount(id: string): string {
  return id.padStart(12, '0');
}

/**
 * Refuse a request naming another region or account than the deployment's.
 * @throws ValidationError (400, code `WRONG_DEPLOYMENT`, field `region` or `account`)
 */
export function checkDeployment(body: { region?: string; account?: string }, dep: Deployment): void {
  if (body.region !== undefined && body.region !== dep.region) {
    throw new ValidationError(
      `region ${JSON.stringify(body.region)} is not this deployment's region (${dep.region}); ` +
        `send the request to the coldpack API deployed in ${body.region}, or omit "region"`,
      'region',
      'WRONG_DEPLOYMENT',
    );
  }
  if (body.account !== undefined && dep.account !== undefined && normalizeAccount(body.account) !== normalizeAccount(dep.account)) {
    throw new ValidationError(
      `account ${JSON.stringify(body.account)} is not this deployment's account (${dep.account}); ` +
        'send the request to the coldpack API of that account, or omit "account"',
      'account',
      'WRONG_DEPLOYMENT',
    );
  }
}

/**
 * S3 prefix to list for an archive body: the source application's `prefix` is a folder name
 * without a trailing slash, so `"20240410"` -> `"20240410/"` (a value already ending in `/` is
 * kept); `s3_prefix` is used as is.
 */
export function sourcePrefix(body: Pick<ArchiveBody, 'prefix' | 's3_prefix'>): string {
  if (body.s3_prefix !== undefined) return body.s3_prefix;
  const p = body.prefix ?? '';
  return p.endsWith('/') ? p : `${p}/`;
}

/** Context of an API archive request. */
export interface ArchiveMappingContext {
  /** Submission time (for the default `period`). */
  readonly now: Date;
  /** IANA zone in which the monthly period is taken (the schedule's zone). */
  readonly timeZone: string;
  /** Who asked: `api`, `schedule`, ... */
  readonly requestedBy: string;
}

/**
 * Map a validated `POST /archive` body onto an {@link ArchiveRequest}.
 * Defaults: archive_size 512 MB (bytes = MB × 1,000,000), 100,000 files per bundle, DEEP_ARCHIVE,
 * delete_source true, dry_run false, allow_mismatch false, shards of 1,000,000 files / 100 GiB,
 * period = the month of `ctx.now` in `ctx.timeZone`.
 */
export function toArchiveRequest(body: ArchiveBody, ctx: ArchiveMappingContext): ArchiveRequest {
  return {
    project: body.project_name,
    source: { kind: 'list', bucket: body.bucket_name, prefix: sourcePrefix(body) },
    max_bundle_bytes: (body.archive_size ?? DEFAULT_ARCHIVE_SIZE_MB) * BYTES_PER_MB,
    max_files_per_bundle: body.max_files_per_bundle ?? DEFAULT_MAX_FILES_PER_BUNDLE,
    storage_class: body.storage_class ?? 'DEEP_ARCHIVE',
    ...(body.file_count === undefined ? {} : { expected_file_count: body.file_count }),
    ...(body.total_size === undefined ? {} : { expected_total_bytes: body.total_size }),
    allow_mismatch: body.allow_mismatch ?? false,
    delete_source: body.delete_source ?? true,
    dry_run: body.dry_run ?? false,
    ...(body.archive_tags ? { archive_tags: true } : {}),
    ...(body.output_prefix === undefined ? {} : { output_prefix: body.output_prefix }),
    period: body.period ?? periodOf(ctx.now, ctx.timeZone),
    requested_by: ctx.requestedBy,
    shard_max_files: DEFAULT_SHARD_MAX_FILES,
    shard_max_bytes: DEFAULT_SHARD_MAX_BYTES,
  };
}

/** Split the source application's comma-separated `filename` into trimmed, unique, non-empty names. */
export function splitFileNames(filename: string): string[] {
  const names = [...new Set(filename.split(',').map((s) => s.trim()).filter(Boolean))];
  if (names.length === 0) throw new ValidationError('filename holds no name (expected "a.csv" or "a.csv,b.csv")', 'filename');
  const withSlash = names.find((n) => n.includes('/'));
  if (withSlash) {
    throw new ValidationError(
      `filename takes base names without folders; ${JSON.stringify(withSlash)} contains "/" (use "key" or "keys" for full keys)`,
      'filename',
    );
  }
  return names;
}

function selection(body: RestoreBody): RestoreSelection {
  if (body.filename !== undefined) return { kind: 'names', names: splitFileNames(body.filename) };
  if (body.keys !== undefined) return { kind: 'keys', keys: [...new Set(body.keys)] };
  if (body.key !== undefined) return { kind: 'keys', keys: [body.key] };
  if (body.prefix !== undefined) return { kind: 'prefix', prefix: body.prefix };
  const uri = body.keys_manifest ?? '';
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!m) throw new ValidationError('keys_manifest must be s3://bucket/key', 'keys_manifest');
  return { kind: 'manifest', bucket: m[1]!, key: m[2]! };
}

/**
 * Map a validated `POST /restore` body onto a {@link RestoreRequestInput}.
 * Defaults: tier Standard, days 3, all_matches false.
 * @throws ValidationError for an empty `filename` list or a name with a folder in it
 */
export function toRestoreInput(body: RestoreBody, requestedBy: string): RestoreRequestInput {
  return {
    ...(body.project_name === undefined ? {} : { project: body.project_name }),
    ...(body.bucket_name === undefined ? {} : { bucket: body.bucket_name }),
    selection: selection(body),
    tier: body.retrieval_tier ?? 'Standard',
    days: body.days ?? DEFAULT_RESTORE_DAYS,
    all_matches: body.all_matches ?? false,
    ...(body.generation === undefined ? {} : { generation: body.generation }),
    ...(body.sns_topic_arn === undefined ? {} : { topic_arn: body.sns_topic_arn }),
    requested_by: requestedBy,
  };
}
