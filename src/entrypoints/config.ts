import { CATALOG_MODES, DEFAULT_CATALOG_MODE, type CatalogMode } from '../domain/catalog.js';
import type { ColdpackConfig } from '../domain/config.js';
import { ValidationError } from '../domain/errors.js';

/** Documented defaults for the environment variables read by {@link loadConfig}. */
export const CONFIG_DEFAULTS = Object.freeze({
  region: 'us-east-1',
  archiveBucket: 'coldpack-archive',
  restoreBucket: 'coldpack-restore',
  tablePrefix: 'coldpack-',
  concurrency: 64,
  catalog: DEFAULT_CATALOG_MODE,
});

function catalogMode(raw: string | undefined): CatalogMode {
  if (raw === undefined || raw === '') return DEFAULT_CATALOG_MODE;
  if ((CATALOG_MODES as readonly string[]).includes(raw)) return raw as CatalogMode;
  throw new ValidationError(`COLDPACK_CATALOG must be one of ${CATALOG_MODES.join(', ')}, got "${raw}"`, 'COLDPACK_CATALOG');
}

function positiveInt(raw: string | undefined, name: string, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new ValidationError(`${name} must be a positive integer, got "${raw}"`, name);
  return n;
}

/**
 * Read coldpack's configuration from environment variables once, at a process edge (CLI, Lambda,
 * Batch worker), into a frozen {@link ColdpackConfig}. Explicit `overrides` (e.g. CLI flags) win.
 *
 * Variables: AWS_REGION (or AWS_DEFAULT_REGION), AWS_ENDPOINT_URL, COLDPACK_ACCOUNT,
 * COLDPACK_ARCHIVE_BUCKET, COLDPACK_RESTORE_BUCKET, COLDPACK_TABLE_PREFIX, COLDPACK_TOPIC_ARN,
 * COLDPACK_ALLOWED_TOPIC_ARNS (comma-separated), COLDPACK_SOURCE_BUCKETS (comma-separated), COLDPACK_CONCURRENCY, COLDPACK_CATALOG (`compact` or `per_file`). Defaults: {@link CONFIG_DEFAULTS}.
 * @throws ValidationError when a numeric variable is not a positive integer or COLDPACK_CATALOG is unknown
 */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<ColdpackConfig> = {},
): ColdpackConfig {
  const pick = (v: string | undefined): string | undefined => (v === undefined || v === '' ? undefined : v);
  const endpoint = pick(env.AWS_ENDPOINT_URL);
  const account = pick(env.COLDPACK_ACCOUNT);
  const topicArn = pick(env.COLDPACK_TOPIC_ARN);
  const base: ColdpackConfig = {
    region: pick(env.AWS_REGION) ?? pick(env.AWS_DEFAULT_REGION) ?? CONFIG_DEFAULTS.region,
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(account === undefined ? {} : { account }),
    ...(topicArn === undefined ? {} : { topicArn }),
    archiveBucket: pick(env.COLDPACK_ARCHIVE_BUCKET) ?? CONFIG_DEFAULTS.archiveBucket,
    restoreBucket: pick(env.COLDPACK_RESTORE_BUCKET) ?? CONFIG_DEFAULTS.restoreBucket,
    tablePrefix: pick(env.COLDPACK_TABLE_PREFIX) ?? CONFIG_DEFAULTS.tablePrefix,
    allowedTopicArns: (pick(env.COLDPACK_ALLOWED_TOPIC_ARNS) ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    ...(pick(env.COLDPACK_SOURCE_BUCKETS) ? { sourceBuckets: env.COLDPACK_SOURCE_BUCKETS!.split(',').map((s) => s.trim()).filter(Boolean) } : {}),
    concurrency: positiveInt(env.COLDPACK_CONCURRENCY, 'COLDPACK_CONCURRENCY', CONFIG_DEFAULTS.concurrency),
    catalog: catalogMode(env.COLDPACK_CATALOG),
  };
  const merged = { ...base };
  for (const [k, v] of Object.entries(overrides)) if (v !== undefined) (merged as Record<string, unknown>)[k] = v;
  return Object.freeze(merged);
}
