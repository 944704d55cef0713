import { z } from 'zod';
import { ValidationError } from '../domain/errors.js';
import { DEFAULT_ARCHIVE_SIZE_MB, DEFAULT_MAX_FILES_PER_BUNDLE } from '../domain/archive-request.js';
import { MAX_FILES_PER_BUNDLE_LIMIT } from '../domain/archive-request-builder.js';
import { MAX_OBJECT_BYTES } from '../domain/s3-names.js';
import { populationFromAverage, DEFAULT_AVG_KEY_BYTES, type Population } from './population.js';
import { DEFAULT_COMPUTE, type ComputeProfile } from './compute-cost.js';
import type { RestoreTier, TargetStorageClass } from './storage-class-prices.js';
import type { DeploymentOptions } from './deployment-cost.js';
import { CATALOG_MODES, DEFAULT_CATALOG_MODE, type CatalogMode } from './catalog-cost.js';
import { DEFAULT_MAX_AZS, DEFAULT_NETWORK_MODE, NETWORK_MODES, type NetworkMode } from './stack-defaults.js';

/**
 * Most objects an estimate accepts: 10^12 (a trillion; coldpack is built for billions). With the
 * size bound below it keeps every figure finite; the model computes in closed form, so its time does
 * not grow with the population.
 */
export const MAX_ESTIMATE_OBJECTS = 1_000_000_000_000;
/** Largest average object size an estimate accepts: S3's largest object ({@link MAX_OBJECT_BYTES}, 48.8 TiB). */
export const MAX_ESTIMATE_OBJECT_BYTES = MAX_OBJECT_BYTES;
/** Largest histogram bucket edge: 2^46 bytes (64 TiB), the power-of-two edge above S3's largest object. */
export const MAX_HISTOGRAM_EDGE_BYTES = 2 ** 46;
/** Most histogram buckets: 64 (a streamed histogram has one per power of two, about 37). */
export const MAX_HISTOGRAM_BUCKETS = 64;
/** Largest dollar amount accepted (`deployment.fixed_monthly_usd`): 10^9 USD per month. */
export const MAX_ESTIMATE_USD = 1_000_000_000;
/** Worker throughput bounds: 0.001-1,000,000 objects/s and 0.001-100,000 MB/s. */
export const MAX_OBJECTS_PER_SECOND = 1_000_000;
/** Largest `compute.mb_per_second`: 100,000 MB/s (100 GB/s). */
export const MAX_MB_PER_SECOND = 100_000;
/** Smallest throughput accepted (objects/s or MB/s): 0.001. */
export const MIN_THROUGHPUT = 0.001;
/** Fargate task size limits: 0.25-16 vCPU, 0.5-120 GB (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size). */
export const MAX_FARGATE_VCPU = 16;
/** Largest Fargate task memory: 120 GB. */
export const MAX_FARGATE_MEMORY_GB = 120;

const bucketSchema = z.strictObject({
  min_bytes: z.number().nonnegative().max(MAX_HISTOGRAM_EDGE_BYTES),
  max_bytes: z.number().positive().max(MAX_HISTOGRAM_EDGE_BYTES).nullable(),
  objects: z.number().int().nonnegative().max(MAX_ESTIMATE_OBJECTS),
  bytes: z
    .number()
    .nonnegative()
    .max(MAX_ESTIMATE_OBJECTS * MAX_HISTOGRAM_EDGE_BYTES),
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
    objects: z.number().int().nonnegative().max(MAX_ESTIMATE_OBJECTS, { error: 'at most 10^12 objects' }).optional(),
    avg_size_bytes: z
      .number()
      .nonnegative()
      .max(MAX_ESTIMATE_OBJECT_BYTES, { error: `at most ${MAX_ESTIMATE_OBJECT_BYTES} bytes (48.8 TiB, S3's largest object)` })
      .optional(),
    avg_key_bytes: z.number().positive().max(1024).optional(),
    histogram: z.array(bucketSchema).max(MAX_HISTOGRAM_BUCKETS).optional(),
    storage_class: z.enum(['DEEP_ARCHIVE', 'GLACIER', 'GLACIER_IR', 'STANDARD_IA']).default('DEEP_ARCHIVE'),
    archive_size_mb: z.number().positive().max(5_000_000).default(DEFAULT_ARCHIVE_SIZE_MB),
    max_files_per_bundle: z.number().int().positive().max(MAX_FILES_PER_BUNDLE_LIMIT).default(DEFAULT_MAX_FILES_PER_BUNDLE),
    months: z.number().nonnegative().max(1200).default(12),
    listing: z.enum(['list', 'manifest']).default('list'),
    delete_source: z.boolean().default(true),
    compression_ratio: z.number().positive().max(1).default(1),
    restore_files: z.number().int().positive().max(MAX_ESTIMATE_OBJECTS).default(100),
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
        fixed_monthly_usd: z.number().nonnegative().max(MAX_ESTIMATE_USD).optional(),
      })
      .optional(),
    compute: z
      .strictObject({
        objects_per_second: z.number().min(MIN_THROUGHPUT).max(MAX_OBJECTS_PER_SECOND).optional(),
        mb_per_second: z.number().min(MIN_THROUGHPUT).max(MAX_MB_PER_SECOND).optional(),
        vcpu: z.number().positive().max(MAX_FARGATE_VCPU).optional(),
        memory_gb: z.number().positive().max(MAX_FARGATE_MEMORY_GB).optional(),
        arch: z.enum(['x86', 'arm']).optional(),
        capacity: z.enum(['FARGATE_SPOT', 'FARGATE']).optional(),
        spot_discount: z.number().min(0).max(0.9).optional(),
      })
      .optional(),
  })
  .refine((v) => (v.histogram !== undefined) !== (v.objects !== undefined && v.avg_size_bytes !== undefined), {
    message: 'give either objects and avg_size_bytes, or histogram',
  })
  .refine((v) => (v.histogram ?? []).reduce((n, b) => n + b.objects, 0) <= MAX_ESTIMATE_OBJECTS, {
    message: `the histogram holds more than ${MAX_ESTIMATE_OBJECTS} objects`,
    path: ['histogram'],
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
