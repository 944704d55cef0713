import { createReadStream, existsSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import type { SourceObject } from '../../../domain/model.js';
import { ValidationError } from '../../../domain/errors.js';
import { S3ObjectStore } from '../../../adapters/s3/s3-object-store.js';
import { readCsvManifest } from '../../../archive/sources/csv-manifest.js';
import { readS3Inventory } from '../../../archive/sources/s3-inventory.js';
import { estimate } from '../../../cost/estimate.js';
import { parseEstimateRequest } from '../../../cost/estimate-input.js';
import { loadPriceTable } from '../../../cost/price-table.js';
import { parseS3Uri, populationFromObjects } from '../../../cost/population-sources.js';
import type { Population } from '../../../cost/population.js';
import { renderEstimateText } from '../../../cost/report-text.js';
import { renderEstimateHtml } from '../../../cost/report-html.js';
import { parseByteSize, parseCount } from '../../../cost/units.js';
import { CATALOG_MODES, DEFAULT_CATALOG_MODE } from '../../../cost/catalog-cost.js';
import { DEFAULT_MAX_AZS, DEFAULT_NETWORK_MODE, NETWORK_MODES } from '../../../cost/stack-defaults.js';
import type { CliContext } from '../context.js';
import { intFlag } from '../int-flag.js';
import type { RegisterCommand } from './index.js';

/** Options of `coldpack estimate` as commander parses them (strings; validated here). */
interface EstimateOptions {
  objects?: string;
  avgSize?: string;
  csv?: string;
  inventory?: string;
  bucket?: string;
  prefix?: string;
  storageClass: string;
  archiveSize?: string;
  months?: string;
  prices?: string;
  html?: string;
  restoreFiles?: string;
  restoreTier?: string;
  restoreDays?: string;
  network: string;
  catalog: string;
  azs?: number;
  /** `--no-gateway-endpoints` gives false. */
  gatewayEndpoints: boolean;
  sharedStack?: string;
  fixedMonthlyUsd?: string;
  objectsPerSecond?: string;
  mbPerSecond?: string;
  spotDiscount?: string;
}

function positiveNumber(text: string, field: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new ValidationError(`${field}: expected a number > 0, got ${JSON.stringify(text)}`, field);
  return n;
}

function nonNegativeNumber(text: string, field: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < 0) throw new ValidationError(`${field}: expected a number ≥ 0, got ${JSON.stringify(text)}`, field);
  return n;
}

/**
 * Check where `--html` will write, before anything is computed: the folder must exist (it is not
 * created: a mistyped path is refused rather than building a folder tree) and the path must not be
 * a folder.
 * @throws ValidationError naming the path (exit 2, nothing written)
 */
export function checkHtmlPath(path: string): void {
  const folder = dirname(resolve(path));
  if (!statSync(folder, { throwIfNoEntry: false })?.isDirectory())
    throw new ValidationError(`--html ${path}: folder ${folder} does not exist (create it first, or name a file in an existing folder)`, '--html');
  if (statSync(path, { throwIfNoEntry: false })?.isDirectory())
    throw new ValidationError(`--html ${path}: is a folder; give a file name such as report.html`, '--html');
}

/** Write the HTML report. @throws ValidationError naming the path when it cannot be written (permissions, a full disk) */
function writeHtml(path: string, html: string): void {
  try {
    writeFileSync(path, html);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new ValidationError(`--html ${path}: cannot write the report (${e.code ?? 'error'}: ${e.message})`, '--html');
  }
}

/** Which population source the options name; exactly one is required. */
function chooseSource(o: EstimateOptions): 'average' | 'csv' | 'inventory' | 'list' {
  const chosen = [
    ...(o.objects !== undefined || o.avgSize !== undefined ? (['average'] as const) : []),
    ...(o.csv !== undefined ? (['csv'] as const) : []),
    ...(o.inventory !== undefined ? (['inventory'] as const) : []),
    ...(o.bucket !== undefined ? (['list'] as const) : []),
  ];
  if (chosen.length !== 1 || chosen[0] === undefined) {
    throw new ValidationError(
      'give exactly one population: --objects N --avg-size S, --csv FILE, --inventory s3://bucket/manifest.json, or --bucket B [--prefix P]',
      '--objects',
    );
  }
  if (chosen[0] === 'average' && (o.objects === undefined || o.avgSize === undefined)) {
    throw new ValidationError('--objects and --avg-size go together', o.objects === undefined ? '--objects' : '--avg-size');
  }
  return chosen[0];
}

async function readPopulation(kind: 'csv' | 'inventory' | 'list', o: EstimateOptions, ctx: () => CliContext): Promise<Population> {
  const progress = (n: number): void => {
    if (!ctx().json) process.stderr.write(`\rcounted ${n.toLocaleString('en-US')} objects`);
  };
  let objects: AsyncIterable<SourceObject>;
  if (kind === 'csv') {
    if (!existsSync(o.csv ?? '')) throw new ValidationError(`--csv: no such file ${JSON.stringify(o.csv)}`, '--csv');
    objects = readCsvManifest(createReadStream(o.csv ?? ''), o.csv ?? '');
  } else if (kind === 'inventory') {
    const { bucket, key } = parseS3Uri(o.inventory ?? '', '--inventory');
    objects = readS3Inventory(new S3ObjectStore(ctx().clients.s3), bucket, key, o.prefix ?? '');
  } else {
    objects = new S3ObjectStore(ctx().clients.s3).listObjects(o.bucket ?? '', o.prefix ?? '');
  }
  const population = await populationFromObjects(objects, progress);
  if (!ctx().json && population.objects >= 100_000) process.stderr.write('\n');
  return population;
}

/**
 * `coldpack estimate`: what archiving a population costs with coldpack against a lifecycle rule.
 * Population from `--objects/--avg-size`, `--csv`, `--inventory` or `--bucket/--prefix` (streamed);
 * prints a table, or the JSON of `estimate()` with `--json`; `--html FILE` writes a one-page report
 * (into an existing folder: a missing folder is refused before anything is computed, exit 2).
 * The stack's fixed cost is priced from `--network`, `--azs`, `--no-gateway-endpoints`, `--shared-stack` and
 * `--fixed-monthly-usd` and included in coldpack's total; `--catalog` prices the DynamoDB catalog.
 * Bad input exits 2.
 */
export const registerEstimate: RegisterCommand = (program: Command, ctx, setExit) => {
  program
    .command('estimate')
    .description('Estimate the cost of archiving with coldpack versus an S3 lifecycle rule')
    .option('--objects <n>', 'number of objects (with --avg-size); at most 10^12')
    .option('--avg-size <bytes>', "average object size: 100000, 100KB, 1.5MB, 1MiB; at most 48.8 TiB (S3's largest object)")
    .option('--csv <file>', 'CSV manifest bucket,key,size[,etag]')
    .option('--inventory <uri>', 'S3 Inventory manifest: s3://bucket/.../manifest.json (CSV format)')
    .option('--bucket <name>', 'list this source bucket (ListObjectsV2, streamed)')
    .option('--prefix <prefix>', 'raw key prefix for --bucket or --inventory', '')
    .addOption(
      new Option('--storage-class <class>', 'archive storage class').choices(['DEEP_ARCHIVE', 'GLACIER', 'GLACIER_IR', 'STANDARD_IA']).default('DEEP_ARCHIVE'),
    )
    .option('--archive-size <MB>', 'bundle cap in MB (1 MB = 1,000,000 bytes); default 512')
    .option('--months <n>', 'horizon of the totals in months; default 12')
    .option('--prices <file>', 'price override JSON (other region, negotiated prices)')
    .option('--html <file>', 'write a one-page HTML report with a cost chart (the folder must exist)')
    .option('--restore-files <n>', 'files in the restore scenario; default 100')
    .addOption(new Option('--restore-tier <tier>', 'restore tier; default Standard (as coldpack restore)').choices(['Standard', 'Bulk', 'Expedited']))
    .option('--restore-days <n>', 'days a restored bundle copy is kept (RestoreObject Days); default 3 (as coldpack restore)')
    .addOption(new Option('--network <mode>', 'network mode of the stack (CDK context network)').choices([...NETWORK_MODES]).default(DEFAULT_NETWORK_MODE))
    .addOption(
      new Option('--catalog <mode>', 'DynamoDB catalog: one item per bundle, or also one per file').choices([...CATALOG_MODES]).default(DEFAULT_CATALOG_MODE),
    )
    .option('--azs <n>', `availability zones of a created VPC (CDK context maxAzs); default ${DEFAULT_MAX_AZS}`, intFlag('--azs', { min: 1 }))
    .option('--no-gateway-endpoints', 'with --network existing: no S3/DynamoDB gateway endpoints (S3 traffic through a NAT gateway)')
    .option('--shared-stack <fraction>', "fraction (0-1] of the stack's fixed cost charged to this population; default 1")
    .option('--fixed-monthly-usd <usd>', "the stack's measured fixed cost per month, replacing the itemised idle cost")
    .option('--objects-per-second <n>', 'measured worker throughput in objects/s; default 200')
    .option('--mb-per-second <n>', 'measured worker throughput in MB/s; default 50')
    .option('--spot-discount <fraction>', 'Fargate Spot discount off on demand (0-0.9); default 0.5, an assumption')
    .action(async (o: EstimateOptions) => {
      const kind = chooseSource(o);
      if (o.html !== undefined) checkHtmlPath(o.html);
      const prices = loadPriceTable(o.prices);
      const body = {
        ...(kind === 'average' ? { objects: parseCount(o.objects ?? '', '--objects'), avg_size_bytes: parseByteSize(o.avgSize ?? '', '--avg-size') } : {}),
        storage_class: o.storageClass,
        ...(o.archiveSize === undefined ? {} : { archive_size_mb: positiveNumber(o.archiveSize, '--archive-size') }),
        ...(o.months === undefined ? {} : { months: Number(o.months) }),
        ...(o.restoreFiles === undefined ? {} : { restore_files: parseCount(o.restoreFiles, '--restore-files') }),
        ...(o.restoreTier === undefined ? {} : { restore_tier: o.restoreTier }),
        ...(o.restoreDays === undefined ? {} : { restore_days: positiveNumber(o.restoreDays, '--restore-days') }),
        network: o.network,
        catalog: o.catalog,
        deployment: {
          ...(o.azs === undefined ? {} : { azs: o.azs }),
          ...(o.gatewayEndpoints === false ? { gateway_endpoints: false } : {}),
          ...(o.sharedStack === undefined ? {} : { share: positiveNumber(o.sharedStack, '--shared-stack') }),
          ...(o.fixedMonthlyUsd === undefined ? {} : { fixed_monthly_usd: nonNegativeNumber(o.fixedMonthlyUsd, '--fixed-monthly-usd') }),
        },
        ...(kind === 'average' ? {} : { listing: kind === 'list' ? 'list' : 'manifest' }),
        compute: {
          ...(o.objectsPerSecond === undefined ? {} : { objects_per_second: positiveNumber(o.objectsPerSecond, '--objects-per-second') }),
          ...(o.mbPerSecond === undefined ? {} : { mb_per_second: positiveNumber(o.mbPerSecond, '--mb-per-second') }),
          ...(o.spotDiscount === undefined ? {} : { spot_discount: nonNegativeNumber(o.spotDiscount, '--spot-discount') }),
        },
      };
      const population = kind === 'average' ? undefined : await readPopulation(kind, o, ctx);
      const result = estimate(parseEstimateRequest(body, population), prices);
      if (o.html !== undefined) {
        writeHtml(o.html, renderEstimateHtml(result));
        if (!ctx().json) process.stderr.write(`wrote ${o.html}\n`);
      }
      ctx().print(result, renderEstimateText(result));
      setExit(0);
    });
};
