import { z } from 'zod';
import { ValidationError } from '../domain/errors.js';
import { DEFAULT_ARCHIVE_SIZE_MB, DEFAULT_MAX_FILES_PER_BUNDLE } from '../domain/archive-request.js';
import { populationFromAverage, DEFAULT_AVG_KEY_BYTES, type Population } from './population.js';
import { DEFAULT_COMPUTE, type ComputeProfile } from './compute-cost.js';
import type { RestoreTier, TargetStorageClass } from './storage-class-prices.js';
import type { DeploymentOptions } from './deployment-cost.js';
import { CATALOG_MODES, DEFAULT_CATALOG_MODE, type CatalogMode } from './catalog-cost.js';
import { DEFAULT_MAX_AZS, DEFAULT_NETWORK_MODE, NETWORK_MODES, type NetworkMode } from './stack-defaults.js';

const bucketSchema = z.strictObject({
  min_bytes: z.number().nonnegative(),
  max_bytes: z.number().positive().nullable(),
  objects: z.number().int().nonnegative(),
  bytes: z.number().nonnegative(),
});

/** RestoreObject `Days` of `coldpack restore` (3, `DEFAULT_DAYS` in src/restore/views.ts; a unit test keeps them equal). */
export const DEFAULT_RESTORE_DAYS = 3;

/** Days extracted files stay in the restore bucket: the stack's `RestoreExpiryDays` default (7, infra/parameters.ts). */
export const DEFAULT_RESTORE_BUCKET_DAYS = 7;

/**
 * Body of an estimate request (`POST /estimate`, and what the CLI builds): the population either as
 * `objects` + `avg_size_bytes` or as a `histogram` (buckets as in the estimate's own JSON), plus optional
 * settings. Unknown keys are rejected. Restore defaults match `coldpack restore` (Standard tier, `Days` 3)
 * and the stack (restored files kept 7 days); `network` (default `private`), `deployment.azs` (default 1),
 * `deployment.gateway_endpoints` (`existing` only, default true) and `deployment.share` price the stack's fixed
 * monthly cost and the run's network line; `catalog` (default `compact`) prices the DynamoDB catalog.
 */
export const estimateRequestSchema = z
  .strictObject({
    objects: z.number().int().nonnegative().optional(),
    avg_size_bytes: z.number().nonnegative().optional(),
    avg_key_bytes: z.number().positive().max(1024).optional(),
    histogram: z.array(bucketSchema).optional(),
    storage_class: z.enum(['DEEP_ARCHIVE', 'GLACIER', 'GLACIER_IR', 'STANDARD_IA']).default('DEEP_ARCHIVE'),
    archive_size_mb: z.number().positive().max(5_000_000).default(DEFAULT_ARCHIVE_SIZE_MB),
    max_files_per_bundle: z.number().int().positive().default(DEFAULT_MAX_FILES_PER_BUNDLE),
    months: z.number().nonnegative().max(1200).default(12),
    listing: z.enum(['list', 'manifest']).default('list'),
    delete_source: z.boolean().default(true),
    compression_ratio: z.number().positive().max(1).default(1),
    restore_files: z.number().int().positive().default(100),
    restore_tier: z.enum(['Standard', 'Bulk', 'Expedited']).default('Standard'),
    restore_days: z.number().positive().max(30).default(DEFAULT_RESTORE_DAYS),
    restore_bucket_days: z.number().positive().max(365).default(DEFAULT_RESTORE_BUCKET_DAYS),
    network: z.enum(NETWORK_MODES as [NetworkMode, ...NetworkMode[]]).default(DEFAULT_NETWORK_MODE),
    catalog: z.enum(CATALOG_MODES).default(DEFAULT_CATALOG_MODE),
    catalog_pitr: z.boolean().default(false),
    deployment: z
      .strictObject({
        azs: z.number().int().min(1).max(6).default(DEFAULT_MAX_AZS),
        gateway_endpoints: z.boolean().default(true),
        share: z.number().positive().max(1).default(1),
        fixed_monthly_usd: z.number().nonnegative().optional(),
      })
      .optional(),
    compute: z
      .strictObject({
        objects_per_second: z.number().positive().optional(),
        mb_per_second: z.number().positive().optional(),
        vcpu: z.number().positive().optional(),
        memory_gb: z.number().positive().optional(),
        arch: z.enum(['x86', 'arm']).optional(),
        capacity: z.enum(['FARGATE_SPOT', 'FARGATE']).optional(),
        spot_discount: z.number().min(0).max(0.9).optional(),
      })
      .optional(),
  })
  .refine((v) => (v.histogram !== undefined) !== (v.objects !== undefined && v.avg_size_bytes !== undefined), {
    message: 'give either objects and avg_size_bytes, or histogram',
  })
  .refine((v) => v.network === 'existing' || (v.deployment?.gateway_endpoints ?? true), {
    message: 'gateway_endpoints false needs network existing (a created VPC always has the gateway endpoints)',
    path: ['deployment', 'gateway_endpoints'],
  });

/** Parsed estimate request (defaults applied). */
export type EstimateRequest = z.infer<typeof estimateRequestSchema>;

/** The validated input of `estimate()`: a population and settings in model units. */
export interface EstimateInput {
  readonly population: Population;
  readonly storageClass: TargetStorageClass;
  /** Bundle cap in bytes (archive_size_mb × 1,000,000). */
  readonly maxBundleBytes: number;
  readonly maxFilesPerBundle: number;
  readonly months: number;
  readonly listing: 'list' | 'manifest';
  readonly deleteSource: boolean;
  readonly compressionRatio: number;
  readonly restoreFiles: number;
  readonly restoreTier: RestoreTier;
  /** RestoreObject `Days`: how long a restored bundle copy is kept. */
  readonly restoreDays: number;
  /** Days extracted files are kept in the restore bucket. */
  readonly restoreBucketDays: number;
  readonly compute: ComputeProfile;
  /** Catalog mode. */
  readonly catalog: CatalogMode;
  /** Point-in-time recovery on the per-file index (`per_file` only). */
  readonly catalogPitr: boolean;
  /** How the stack is deployed (network mode, fixed monthly cost). */
  readonly deployment: Required<Omit<DeploymentOptions, 'fixedMonthlyUsd'>> & Pick<DeploymentOptions, 'fixedMonthlyUsd'>;
}

/**
 * Validate an estimate request body and turn it into an {@link EstimateInput}.
 * @param raw parsed JSON body
 * @param population a population already built (e.g. streamed from a listing); overrides objects/avg/histogram
 * @throws ValidationError naming the first offending field
 */
export function parseEstimateRequest(raw: unknown, population?: Population): EstimateInput {
  const body = population === undefined ? raw : { ...(raw as object), objects: 0, avg_size_bytes: 0, histogram: undefined };
  const result = estimateRequestSchema.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue?.path.join('.') || 'body';
    throw new ValidationError(`${field}: ${issue?.message ?? 'invalid'}`, field);
  }
  const r = result.data;
  const keyBytes = r.avg_key_bytes ?? DEFAULT_AVG_KEY_BYTES;
  const pop =
    population ??
    (r.histogram
      ? {
          objects: r.histogram.reduce((n, b) => n + b.objects, 0),
          bytes: r.histogram.reduce((n, b) => n + b.bytes, 0),
          buckets: r.histogram.map((b) => ({ ...b, max_bytes: b.max_bytes ?? Infinity })),
          avg_key_bytes: keyBytes,
        }
      : populationFromAverage(r.objects ?? 0, r.avg_size_bytes ?? 0, keyBytes));
  const c = r.compute ?? {};
  return {
    population: pop,
    storageClass: r.storage_class,
    maxBundleBytes: r.archive_size_mb * 1_000_000,
    maxFilesPerBundle: r.max_files_per_bundle,
    months: r.months,
    listing: r.listing,
    deleteSource: r.delete_source,
    compressionRatio: r.compression_ratio,
    restoreFiles: r.restore_files,
    restoreTier: r.restore_tier,
    restoreDays: r.restore_days,
    restoreBucketDays: r.restore_bucket_days,
    catalog: r.catalog,
    catalogPitr: r.catalog_pitr,
    deployment: {
      network: r.network,
      azs: r.deployment?.azs ?? DEFAULT_MAX_AZS,
      gatewayEndpoints: r.deployment?.gateway_endpoints ?? true,
      share: r.deployment?.share ?? 1,
      ...(r.deployment?.fixed_monthly_usd === undefined ? {} : { fixedMonthlyUsd: r.deployment.fixed_monthly_usd }),
    },
    compute: {
      objectsPerSecond: c.objects_per_second ?? DEFAULT_COMPUTE.objectsPerSecond,
      bytesPerSecond: c.mb_per_second === undefined ? DEFAULT_COMPUTE.bytesPerSecond : c.mb_per_second * 1_000_000,
      vcpu: c.vcpu ?? DEFAULT_COMPUTE.vcpu,
      memoryGb: c.memory_gb ?? DEFAULT_COMPUTE.memoryGb,
      arch: c.arch ?? DEFAULT_COMPUTE.arch,
      capacity: c.capacity ?? DEFAULT_COMPUTE.capacity,
      ...(c.spot_discount === undefined ? {} : { spotDiscount: c.spot_discount }),
    },
  };
}
