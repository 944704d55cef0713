/**
 * Map validated API bodies onto the engine's request types, and check that a request is meant for
 * this deployment (region, account).
 */
import type { ArchiveRequest } from '../domain/archive-request.js';
import { buildArchiveRequest, type ArchiveFieldNames } from '../domain/archive-request-builder.js';
import { ValidationError } from '../domain/errors.js';
import { periodOf } from '../schedule/period.js';
import { DEFAULT_RESTORE_DAYS, type RestoreRequestInput, type RestoreSelection } from '../domain/restore-request.js';
import type { ArchiveBody, RestoreBody } from './schemas.js';
import { MAX_KEY_BYTES } from '../domain/s3-names.js';
import { quote, utf8Bytes } from './fields.js';

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

/** The `POST /archive` body's name of each archive request value (for error messages). */
function apiFieldNames(body: Pick<ArchiveBody, 's3_prefix'>): ArchiveFieldNames {
  return {
    project: 'project_name',
    bucket: 'bucket_name',
    prefix: body.s3_prefix !== undefined ? 's3_prefix' : 'prefix',
    manifest: 'bucket_name',
    archiveSizeMb: 'archive_size',
    maxFilesPerBundle: 'max_files_per_bundle',
    storageClass: 'storage_class',
    expectedFileCount: 'file_count',
    expectedTotalBytes: 'total_size',
    outputPrefix: 'output_prefix',
    period: 'period',
  };
}

/**
 * Map a validated `POST /archive` body onto an {@link ArchiveRequest} with `buildArchiveRequest`
 * (`src/domain/archive-request-builder.ts`, which holds the defaults: 512 MB bundles,
 * 100,000 files per bundle, DEEP_ARCHIVE, delete_source true, ...). `period` defaults to the
 * month of `ctx.now` in `ctx.timeZone`.
 * @throws ValidationError naming the body field
 */
export function toArchiveRequest(body: ArchiveBody, ctx: ArchiveMappingContext): ArchiveRequest {
  return buildArchiveRequest(
    {
      project: body.project_name,
      source: { kind: 'list', bucket: body.bucket_name, prefix: sourcePrefix(body) },
      ...(body.archive_size === undefined ? {} : { archiveSizeMb: body.archive_size }),
      ...(body.max_files_per_bundle === undefined ? {} : { maxFilesPerBundle: body.max_files_per_bundle }),
      ...(body.storage_class === undefined ? {} : { storageClass: body.storage_class }),
      ...(body.file_count === undefined ? {} : { expectedFileCount: body.file_count }),
      ...(body.total_size === undefined ? {} : { expectedTotalBytes: body.total_size }),
      ...(body.allow_mismatch === undefined ? {} : { allowMismatch: body.allow_mismatch }),
      ...(body.delete_source === undefined ? {} : { deleteSource: body.delete_source }),
      ...(body.dry_run === undefined ? {} : { dryRun: body.dry_run }),
      ...(body.archive_tags ? { archiveTags: true } : {}),
      ...(body.output_prefix === undefined ? {} : { outputPrefix: body.output_prefix }),
      period: body.period ?? periodOf(ctx.now, ctx.timeZone),
      requestedBy: ctx.requestedBy,
    },
    apiFieldNames(body),
  );
}

/** Split the source application's comma-separated `filename` into trimmed, unique, non-empty names. */
export function splitFileNames(filename: string): string[] {
  const names = [
    ...new Set(
      filename
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
  if (names.length === 0) throw new ValidationError('filename holds no name (expected "a.csv" or "a.csv,b.csv")', 'filename');
  const tooLong = names.find((n) => utf8Bytes(n) > MAX_KEY_BYTES);
  if (tooLong) throw new ValidationError(`filename ${quote(tooLong)} is over ${MAX_KEY_BYTES} UTF-8 bytes, an S3 key's limit`, 'filename');
  const withSlash = names.find((n) => n.includes('/'));
  if (withSlash) {
    throw new ValidationError(`filename takes base names without folders; ${quote(withSlash)} contains "/" (use "key" or "keys" for full keys)`, 'filename');
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
