/**
 * Request body schemas of the HTTP API. The same schemas validate requests (handlers), generate
 * the OpenAPI document (`openapi.ts`) and the API Gateway request models.
 *
 * Every object is strict: an unknown field is a 400 naming the field.
 */
import { z } from 'zod';
import { ARCHIVE_STORAGE_CLASSES } from '../domain/model.js';
import { DEFAULT_ARCHIVE_SIZE_MB, DEFAULT_MAX_FILES_PER_BUNDLE } from '../domain/archive-request.js';
import { MAX_ARCHIVE_SIZE_MB, MAX_FILES_PER_BUNDLE_LIMIT } from '../domain/archive-request-builder.js';
import { estimateRequestSchema } from '../cost/estimate-input.js';
import { DEFAULT_RESTORE_DAYS, MAX_RESTORE_DAYS, RETRIEVAL_TIERS } from '../domain/restore-request.js';
import { MAX_KEY_BYTES } from '../domain/s3-names.js';
import { AccountId, BucketName, KeyPrefix, ObjectKey, Period, PositiveInt, ProjectName, Region, RequestId, S3Uri, text } from './fields.js';

/** Limits of an archive request (defined with the request in `src/domain/archive-request-builder.ts`). */
export { MAX_ARCHIVE_SIZE_MB, MAX_FILES_PER_BUNDLE_LIMIT };
/** Most keys accepted inline in a restore body; larger lists go through `keys_manifest`. */
export const MAX_INLINE_KEYS = 10_000;
/** Longest `filename` list of a restore body: 100,000 UTF-8 bytes. */
export const MAX_FILENAME_LIST_BYTES = 100_000;

const storageClass = z.enum(ARCHIVE_STORAGE_CLASSES).meta({
  description: 'Storage class of the bundles. Default DEEP_ARCHIVE. GLACIER is Glacier Flexible Retrieval.',
});

/** The fields of the `POST /archive` body (without the cross-field rule); reused by the schedule config. */
export const ArchiveFields = z.strictObject({
  project_name: ProjectName,
  bucket_name: BucketName.meta({ description: 'Source bucket.' }),
  prefix: text(MAX_KEY_BYTES - 1)
    .refine((s) => !s.startsWith('/'), { error: 'must not start with "/" (S3 keys have no leading slash)' })
    .optional()
    .meta({
      description:
        'At most 1,023 UTF-8 bytes (with the "/" appended, a prefix is at most an S3 key\'s 1,024). ' +
        'Source folder name WITHOUT a trailing slash, as the source application sends it: "20240410" archives the keys under ' +
        '"20240410/" (never "202404101/..."). coldpack appends "/" unless the value already ends with one. ' +
        'Give exactly one of prefix and s3_prefix.',
      example: '20240410',
    }),
  s3_prefix: KeyPrefix.optional().meta({
    description: 'Raw S3 prefix (1-1,024 UTF-8 bytes), used as is (no "/" appended). Give exactly one of prefix and s3_prefix.',
  }),
  file_count: PositiveInt.optional().meta({
    description: 'Number of files the source application produced. The job fails before writing anything if the listing differs (unless allow_mismatch).',
  }),
  archive_size: z
    .int()
    .min(1)
    .max(MAX_ARCHIVE_SIZE_MB)
    .optional()
    .meta({
      description: `Bundle size cap in MB (1 MB = 1,000,000 bytes). Default ${DEFAULT_ARCHIVE_SIZE_MB}.`,
    }),
  total_size: PositiveInt.optional().meta({
    description: 'Expected total bytes under the prefix (QC guard, like file_count).',
  }),
  region: Region.optional(),
  account: AccountId.optional(),
  storage_class: storageClass.optional(),
  output_prefix: text(256).optional().meta({
    description: "Label recorded on the job and its report (the source application's output name), 1-256 UTF-8 bytes.",
  }),
  max_files_per_bundle: z
    .int()
    .min(1)
    .max(MAX_FILES_PER_BUNDLE_LIMIT)
    .optional()
    .meta({
      description: `Max entries per bundle. Default ${DEFAULT_MAX_FILES_PER_BUNDLE}.`,
    }),
  delete_source: z.boolean().optional().meta({
    description: 'Delete each source object after its bundle is verified and only if its ETag is unchanged. Default true.',
  }),
  dry_run: z.boolean().optional().meta({ description: 'Plan only: list, count, group; write nothing. Default false.' }),
  archive_tags: z.boolean().optional().meta({
    description:
      "Also record each object's tags (one GetObjectTagging request per object, counted in the job cost) and set them on restored copies. Default false.",
  }),
  allow_mismatch: z.boolean().optional().meta({
    description: 'Archive even if the listing does not match file_count/total_size. Default false.',
  }),
  period: Period.optional().meta({
    description:
      'Monthly period this run covers (yyyy-mm). Default: the current month in the schedule time zone. The monthly schedule skips a month that already has a job that is not FAILED.',
  }),
  request_id: RequestId.optional(),
});

/** `POST /archive` body: the source application's fields as it sends them, plus coldpack's own. */
export const ArchiveBody = ArchiveFields.superRefine((b, ctx) => {
  if ((b.prefix === undefined) === (b.s3_prefix === undefined)) {
    ctx.addIssue({
      code: 'custom',
      path: [b.prefix === undefined ? 'prefix' : 's3_prefix'],
      message:
        b.prefix === undefined
          ? 'give the folder to archive: "prefix" (folder name, "/" appended) or "s3_prefix" (raw S3 prefix)'
          : 'give either "prefix" or "s3_prefix", not both',
    });
  }
}).meta({ id: 'ArchiveRequest', description: 'Archive the objects under a folder of a source bucket into zip bundles.' });
/** Parsed `POST /archive` body. */
export type ArchiveBody = z.infer<typeof ArchiveBody>;

/** `POST /restore` body: the source application's fields plus coldpack's own. */
export const RestoreBody = z
  .strictObject({
    project_name: ProjectName.optional(),
    filename: text(MAX_FILENAME_LIST_BYTES)
      .optional()
      .meta({
        description:
          'One or several base file names separated by commas, e.g. "5000_20240517_003.csv,5000_20240517_004.csv" ' +
          `(at most ${MAX_FILENAME_LIST_BYTES.toLocaleString('en-US')} UTF-8 bytes; each name at most 1,024, an S3 key's limit).`,
      }),
    keys: z
      .array(ObjectKey)
      .min(1)
      .max(MAX_INLINE_KEYS)
      .optional()
      .meta({
        description: `Full source keys (at most ${MAX_INLINE_KEYS}; more through keys_manifest).`,
      }),
    key: ObjectKey.optional().meta({ description: 'One full source key.' }),
    prefix: KeyPrefix.optional().meta({ description: 'Every archived key under this raw S3 prefix (1-1,024 UTF-8 bytes).' }),
    keys_manifest: S3Uri.optional().meta({
      description:
        'Bulk path: s3://<restore bucket>/key-lists/<name>, a text object (at most 16 MiB) with one full source key per line. Other locations are refused; a missing object is a 400 SOURCE_NOT_FOUND (nothing recorded).',
    }),
    bucket_name: BucketName.optional().meta({
      description: 'Source bucket of the keys (default: any archived bucket); a bucket never archived is a 400 SOURCE_NOT_FOUND (nothing recorded).',
    }),
    region: Region.optional(),
    account: AccountId.optional(),
    retrieval_tier: z.enum(RETRIEVAL_TIERS).optional().meta({
      description: 'Retrieval tier. Default Standard. DEEP_ARCHIVE bundles: Standard (within 12 h) or Bulk (within 48 h); Expedited only for GLACIER bundles.',
    }),
    days: z
      .int()
      .min(1)
      .max(MAX_RESTORE_DAYS)
      .optional()
      .meta({
        description: `Days the restored bundle copy stays readable (integer 1-${MAX_RESTORE_DAYS}; the copy is billed at S3 Standard meanwhile). Default ${DEFAULT_RESTORE_DAYS}.`,
      }),
    all_matches: z.boolean().optional().meta({
      description:
        'Restore every key a file name matches (default false: an ambiguous name ends the request FAILED with AMBIGUOUS_NAME and every candidate in errors).',
    }),
    generation: text(256).optional().meta({
      description: 'Archive generation (job id or archived_at, 1-256 UTF-8 bytes) to restore from. Default: the newest.',
    }),
    sns_topic_arn: text(256).optional().meta({
      description: "SNS topic ARN (at most 256 characters) to notify as well; it must be on the deployment's allow-list.",
    }),
    request_id: RequestId.optional(),
  })
  .superRefine((b, ctx) => {
    const given = (['filename', 'keys', 'key', 'prefix', 'keys_manifest'] as const).filter((k) => b[k] !== undefined);
    if (given.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: [given[1] ?? 'filename'],
        message:
          given.length === 0
            ? 'say what to restore: one of filename, keys, key, prefix, keys_manifest'
            : `give only one of filename, keys, key, prefix, keys_manifest (got ${given.join(', ')})`,
      });
    }
  })
  .meta({ id: 'RestoreRequest', description: 'Restore archived files (by name, key, prefix or key list).' });
/** Parsed `POST /restore` body. */
export type RestoreBody = z.infer<typeof RestoreBody>;

/**
 * `POST /estimate` body: the cost model's own request schema (`src/cost/estimate-input.ts`), so the
 * API, the CLI and the OpenAPI document share one definition.
 */
export const EstimateBody = estimateRequestSchema.meta({
  id: 'EstimateRequest',
  description: 'Estimate the cost of archiving a population with coldpack against an S3 lifecycle rule.',
});
/** Parsed `POST /estimate` body. */
export type EstimateBody = z.infer<typeof EstimateBody>;
