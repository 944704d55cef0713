import type { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { ArchiveBody } from '../../../api/schemas.js';
import { validate } from '../../../api/http.js';
import { toArchiveRequest } from '../../../api/mapping.js';
import type { ArchiveRequest, ArchiveSource } from '../../../domain/archive-request.js';
import { ColdpackError, NotFoundError, ValidationError } from '../../../domain/errors.js';
import { jobErrorOf } from '../../../domain/archive-job.js';
import { composeArchive } from '../../archive-composition.js';
import type { JobReport } from '../../../archive/finalizer.js';
import type { RegisterCommand } from './index.js';

interface ArchiveFlags {
  bucket?: string;
  prefix?: string;
  csv?: string;
  inventory?: string;
  project: string;
  fileCount?: string;
  totalSize?: string;
  archiveSize?: string;
  maxFilesPerBundle?: string;
  storageClass?: string;
  deleteSource: boolean;
  dryRun?: boolean;
  allowMismatch?: boolean;
  tags?: boolean;
  job?: string;
  progress: boolean;
}

/** CLI flag for each request field, so CLI errors name what the user typed. */
const FLAG_OF: Record<string, string> = {
  project_name: '--project',
  bucket_name: '--bucket',
  s3_prefix: '--prefix',
  file_count: '--file-count',
  total_size: '--total-size',
  archive_size: '--archive-size',
  max_files_per_bundle: '--max-files-per-bundle',
  storage_class: '--storage-class',
};

/**
 * Parse a whole-number flag strictly (decimal digits only: no `0x10`, `1e3`, `2.5` or `abc`).
 * @throws ValidationError naming the flag
 */
export function wholeNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim())) throw new ValidationError(`${flag} must be a whole number of decimal digits, got "${value}"`, flag);
  return Number(value.trim());
}

/** Parse `s3://bucket/key` into its parts. @throws ValidationError naming `field` */
export function parseS3Url(url: string, field: string): { bucket: string; key: string } {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(url);
  if (!m) throw new ValidationError(`${field} must look like s3://bucket/key, got "${url}"`, field);
  return { bucket: m[1]!, key: m[2]! };
}

/**
 * Build and validate the archive request from CLI flags, with the same schema as POST /archive.
 * `--prefix` is a raw S3 prefix (`20240410/`; `20240410` would also match `202404101/...`).
 * @throws ValidationError naming the CLI flag
 */
export function requestFromFlags(f: ArchiveFlags, now = new Date()): ArchiveRequest {
  const kinds = [f.bucket !== undefined ? 'list' : undefined, f.csv ? 'csv' : undefined, f.inventory ? 'inventory' : undefined].filter(Boolean);
  if (kinds.length !== 1) throw new ValidationError('give exactly one source: --bucket B --prefix P, --csv FILE|s3://bucket/key, or --inventory s3://bucket/.../manifest.json', '--bucket');
  if (f.bucket !== undefined && (f.prefix === undefined || f.prefix === '')) {
    throw new ValidationError('--bucket needs --prefix: a raw S3 key prefix such as 20240410/ (archiving a whole bucket is not supported)', '--prefix');
  }
  let body;
  try {
    body = validate(
      ArchiveBody,
      {
        project_name: f.project,
        // For --csv/--inventory the objects come from the manifest; these placeholders only satisfy the schema.
        bucket_name: f.bucket ?? 'coldpack-manifest-source',
        s3_prefix: f.bucket !== undefined ? f.prefix : 'manifest',
        ...(f.fileCount !== undefined ? { file_count: wholeNumber(f.fileCount, '--file-count') } : {}),
        ...(f.totalSize !== undefined ? { total_size: wholeNumber(f.totalSize, '--total-size') } : {}),
        ...(f.archiveSize !== undefined ? { archive_size: wholeNumber(f.archiveSize, '--archive-size') } : {}),
        ...(f.maxFilesPerBundle !== undefined ? { max_files_per_bundle: wholeNumber(f.maxFilesPerBundle, '--max-files-per-bundle') } : {}),
        ...(f.storageClass !== undefined ? { storage_class: f.storageClass } : {}),
        delete_source: f.deleteSource,
        dry_run: f.dryRun === true,
        allow_mismatch: f.allowMismatch === true,
        ...(f.tags ? { archive_tags: true } : {}),
      },
      'archive options',
    );
  } catch (err) {
    const flag = err instanceof ValidationError && err.field ? FLAG_OF[err.field] : undefined;
    if (err instanceof ValidationError && err.field && flag) throw new ValidationError(err.message.replaceAll(err.field, flag), flag);
    throw err;
  }
  const req = toArchiveRequest(body, { now, timeZone: 'UTC', requestedBy: 'cli' });
  let source: ArchiveSource = req.source;
  if (f.csv) {
    if (f.prefix !== undefined) throw new ValidationError('--prefix does not apply to --csv (the manifest lists the objects)', '--prefix');
    source = f.csv.startsWith('s3://') ? { kind: 'csv', ...(({ bucket, key }) => ({ bucket, manifest: key }))(parseS3Url(f.csv, '--csv')) } : { kind: 'csv', bucket: '', manifest: f.csv };
  } else if (f.inventory) {
    const { bucket, key } = parseS3Url(f.inventory, '--inventory');
    source = { kind: 'inventory', bucket, manifest: key, ...(f.prefix ? { prefix: f.prefix } : {}) };
  }
  return { ...req, source };
}

/** One line comparing a report's measured cost with the lifecycle rule's, or '' when it has none. */
export function costSummary(report: Record<string, unknown> | undefined): string {
  const cost = report?.cost as { measured?: { total_usd?: number }; lifecycle_equivalent?: { total_usd?: number }; savings_usd?: number } | undefined;
  if (!cost?.measured || !cost.lifecycle_equivalent) return '';
  const usd = (n: number | undefined): string => `$${(n ?? 0).toFixed(4)}`;
  return `cost (12 months, counted requests): ${usd(cost.measured.total_usd)} with coldpack vs ${usd(cost.lifecycle_equivalent.total_usd)} by lifecycle rule; saving ${usd(cost.savings_usd)}`;
}

/** Human summary of a job report. */
export function reportText(r: JobReport): string {
  const mb = (n: number): string => (n / 1e6).toFixed(2);
  return [
    `job ${r.job_id}: ${r.status}`,
    `  files listed ${r.files_listed} (${mb(r.bytes_listed)} MB), folder markers skipped ${r.folder_markers}`,
    `  archived ${r.files_archived} files (${mb(r.bytes_archived)} MB) into ${r.bundles} bundles (${mb(r.bundle_bytes)} MB), compression ratio ${r.compression_ratio}`,
    `  skipped ${r.files_skipped}, deleted ${r.files_deleted}, kept ${r.files_kept}${r.duplicates_dropped ? `, repeated manifest rows dropped ${r.duplicates_dropped}` : ''}`,
    ...(r.orphan_uploads_aborted || r.superseded_versions_deleted || r.superseded_versions_left
      ? [`  left-overs removed: ${r.orphan_uploads_aborted ?? 0} unfinished uploads aborted, ${r.superseded_versions_deleted ?? 0} superseded bundle versions deleted${r.superseded_versions_left ? `, ${r.superseded_versions_left} left to the noncurrent-version rule` : ''}`]
      : []),
    ...r.skipped.slice(0, 10).map((s) => `    skipped ${s.key}: ${s.reason} (${s.detail})`),
    ...r.kept.slice(0, 10).map((k) => `    kept ${k.key}: ${k.code}`),
    ...r.problems.map((p) => `  problem: ${p}`),
    ...(costSummary(r) ? [`  ${costSummary(r)}`] : []),
  ].join('\n');
}

/** `coldpack archive`: run an archive job in this process (or resume one with --job). */
export const registerArchive: RegisterCommand = (program: Command, ctx, setExit) => {
  program
    .command('archive')
    .description('archive the objects under a prefix (or from a CSV manifest / S3 Inventory) into zip bundles')
    .option('--bucket <name>', 'source bucket')
    .option('--prefix <prefix>', 'raw S3 key prefix, used as is (e.g. 20240410/)')
    .option('--csv <file|s3://bucket/key>', 'CSV manifest of objects: bucket,key,size[,etag]')
    .option('--inventory <s3://bucket/manifest.json>', 'S3 Inventory report manifest')
    .option('--project <name>', 'project name used in bundle keys', 'default')
    .option('--file-count <n>', 'expected number of files (QC guard)')
    .option('--total-size <bytes>', 'expected total bytes (QC guard)')
    .option('--archive-size <MB>', 'bundle size cap in MB (1 MB = 1,000,000 bytes)', '512')
    .option('--max-files-per-bundle <n>', 'max entries per bundle', '100000')
    .option('--storage-class <class>', 'DEEP_ARCHIVE | GLACIER | GLACIER_IR | STANDARD_IA | STANDARD', 'DEEP_ARCHIVE')
    .option('--no-delete-source', 'keep the source objects after archiving')
    .option('--dry-run', 'list, count and group; write nothing')
    .option('--allow-mismatch', 'archive even if the listing differs from --file-count/--total-size')
    .option('--tags', 'also record object tags (one GetObjectTagging per object) and restore them')
    .option('--job <job_id>', 'resume this job id instead of starting a new one')
    .option('--no-progress', 'no progress bar')
    .action(async (f: ArchiveFlags) => {
      const c = ctx();
      const { engine, service } = composeArchive(c.config, c.clients, { starter: { start: async () => undefined } });
      let jobId = f.job;
      let verb = 'started';
      if (jobId) {
        // Nothing claims work it has not done: an unknown id fails before anything is said.
        const existing = await service.get(jobId);
        if (!existing) throw new NotFoundError(`archive job ${jobId} does not exist`, '--job');
        verb = existing.status === 'SUCCEEDED' || existing.status === 'PARTIAL' ? `already finished (${existing.status}); its report follows` : 'resumed';
      } else {
        const view = await service.submit(requestFromFlags(f), {});
        if (view.job_id === 'dry-run') {
          c.print(view, `dry run (nothing written): ${JSON.stringify(view.counters)}`);
          return;
        }
        jobId = view.job_id;
      }
      const id = jobId;
      process.stderr.write(`coldpack: job ${id} ${verb} (after an interruption resume it with: coldpack archive --job ${id})\n`);
      const bar = f.progress && process.stderr.isTTY && !c.json ? new SingleBar({ format: 'archiving [{bar}] {value}/{total} files | {bundles} bundles', stream: process.stderr }, Presets.shades_classic) : undefined;
      const onSignal = (signal: NodeJS.Signals): void => {
        bar?.stop();
        process.stderr.write(`\ncoldpack: ${signal}: job ${id} is left RUNNING with its work so far; resume it with: coldpack archive --job ${id}\n`);
        process.exit(signal === 'SIGINT' ? 130 : 143);
      };
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      let report: JobReport;
      try {
        const base: Record<number, number> = {};
        report = await engine.run(
          id,
          (p) => {
            base[p.shard] = p.files + p.skipped;
            bar?.update(Object.values(base).reduce((a, b) => a + b, 0), { bundles: p.bundles });
          },
          (job) => bar?.start(job.n_files_listed ?? 0, 0, { bundles: 0 }),
        );
      } catch (err) {
        process.stderr.write(`coldpack: job ${id} FAILED\n`);
        if (!c.json) throw err;
        // --json: the result names the job even when it failed, so a script can resume or inspect it.
        const e = jobErrorOf(err);
        const field = err instanceof ColdpackError ? err.field : undefined;
        c.print({ job_id: id, status: 'FAILED', error: { code: e.code, message: e.message, ...(field ? { field } : {}) } });
        process.stderr.write(`coldpack: ${e.code}: ${e.message}\n`);
        setExit(err instanceof ColdpackError && err.status < 500 ? 2 : 1);
        return;
      } finally {
        bar?.stop();
        process.removeListener('SIGINT', onSignal);
        process.removeListener('SIGTERM', onSignal);
      }
      c.print(report, reportText(report));
      if (report.status === 'FAILED') setExit(1);
    });
};

/** `coldpack status <job_id>`: show an archive job. */
export const registerStatus: RegisterCommand = (program: Command, ctx, setExit) => {
  program
    .command('status <job_id>')
    .description('show an archive job: status, counters, report location')
    .action(async (jobId: string) => {
      const c = ctx();
      const view = await composeArchive(c.config, c.clients).service.get(jobId);
      if (!view) throw new NotFoundError(`archive job ${jobId} does not exist`, 'job_id');
      const costLine = costSummary(view.report) ? `\n  ${costSummary(view.report)}` : '';
      c.print(view, `job ${view.job_id}: ${view.status}\n${Object.entries(view.counters).map(([k, v]) => `  ${k}: ${v}`).join('\n')}${costLine}${view.errors ? '\n' + view.errors.map((e) => `  error: ${e.message}`).join('\n') : ''}`);
      if (view.status === 'FAILED') setExit(1);
    });
};
