import { existsSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import type { ArchiveRequest, ArchiveSource } from '../../../domain/archive-request.js';
import { MAX_ARCHIVE_SIZE_MB, MAX_FILES_PER_BUNDLE_LIMIT, buildArchiveRequest, type ArchiveFieldNames } from '../../../domain/archive-request-builder.js';
import { ColdpackError, NotFoundError, ValidationError } from '../../../domain/errors.js';
import { jobErrorOf } from '../../../domain/archive-job.js';
import { ARCHIVE_STORAGE_CLASSES } from '../../../domain/model.js';
import { periodOf } from '../../../schedule/period.js';
import { flagOf, withFlags } from '../cli-flags.js';
import { intFlag } from '../int-flag.js';
import { composeArchive } from '../../archive-composition.js';
import type { JobReport } from '../../../archive/finalizer.js';
import type { ArchiveService } from '../../../archive/archive-service.js';
import type { JobView } from '../../../domain/archive-jobs.js';
import type { RegisterCommand } from './index.js';

/** `coldpack archive` flags as commander parses them (integers already checked by {@link intFlag}). */
export interface ArchiveFlags {
  bucket?: string;
  prefix?: string;
  csv?: string;
  inventory?: string;
  project: string;
  fileCount?: number;
  totalSize?: number;
  archiveSize?: number;
  maxFilesPerBundle?: number;
  storageClass?: string;
  deleteSource: boolean;
  dryRun?: boolean;
  allowMismatch?: boolean;
  tags?: boolean;
  job?: string;
  progress: boolean;
}

/** The CLI flag of each archive request value, so errors name what the user typed. */
const FLAGS: ArchiveFieldNames = {
  project: '--project',
  bucket: '--bucket',
  prefix: '--prefix',
  manifest: '--csv/--inventory',
  archiveSizeMb: '--archive-size',
  maxFilesPerBundle: '--max-files-per-bundle',
  storageClass: '--storage-class',
  expectedFileCount: '--file-count',
  expectedTotalBytes: '--total-size',
  outputPrefix: '--output-prefix',
  period: '--period',
};

/** Parse `s3://bucket/key` into its parts. @throws ValidationError naming `field` */
export function parseS3Url(url: string, field: string): { bucket: string; key: string } {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(url);
  if (!m) throw new ValidationError(`${field} must look like s3://bucket/key, got "${url}"`, field);
  return { bucket: m[1]!, key: m[2]! };
}

/**
 * The source the flags name: exactly one of `--bucket B --prefix P` (a raw S3 prefix, used as is:
 * `20240410/`; `20240410` would also match `202404101/...`), `--csv FILE|s3://bucket/key` or
 * `--inventory s3://bucket/.../manifest.json` (optionally narrowed by `--prefix`).
 * @throws ValidationError naming the CLI flag
 */
export function sourceFromFlags(f: Pick<ArchiveFlags, 'bucket' | 'prefix' | 'csv' | 'inventory'>): ArchiveSource {
  const kinds = [f.bucket !== undefined ? 'list' : undefined, f.csv ? 'csv' : undefined, f.inventory ? 'inventory' : undefined].filter(Boolean);
  if (kinds.length !== 1)
    throw new ValidationError(
      'give exactly one source: --bucket B --prefix P, --csv FILE|s3://bucket/key, or --inventory s3://bucket/.../manifest.json',
      '--bucket',
    );
  if (f.csv) {
    if (f.prefix !== undefined) throw new ValidationError('--prefix does not apply to --csv (the manifest lists the objects)', '--prefix');
    if (!f.csv.startsWith('s3://')) return { kind: 'csv', bucket: '', manifest: f.csv };
    const { bucket, key } = parseS3Url(f.csv, '--csv');
    return { kind: 'csv', bucket, manifest: key };
  }
  if (f.inventory) {
    const { bucket, key } = parseS3Url(f.inventory, '--inventory');
    return { kind: 'inventory', bucket, manifest: key, ...(f.prefix ? { prefix: f.prefix } : {}) };
  }
  if (f.prefix === undefined || f.prefix === '') {
    throw new ValidationError('--bucket needs --prefix: a raw S3 key prefix such as 20240410/ (archiving a whole bucket is not supported)', '--prefix');
  }
  return { kind: 'list', bucket: f.bucket!, prefix: f.prefix };
}

/**
 * The archive request of `coldpack archive`'s flags, built by the same domain function as
 * `POST /archive` ({@link buildArchiveRequest}); period = the current month in UTC.
 * @throws ValidationError naming the CLI flag
 */
export function requestFromFlags(f: ArchiveFlags, now = new Date()): ArchiveRequest {
  return buildArchiveRequest(
    {
      project: f.project,
      source: sourceFromFlags(f),
      ...(f.archiveSize === undefined ? {} : { archiveSizeMb: f.archiveSize }),
      ...(f.maxFilesPerBundle === undefined ? {} : { maxFilesPerBundle: f.maxFilesPerBundle }),
      ...(f.storageClass === undefined ? {} : { storageClass: f.storageClass }),
      ...(f.fileCount === undefined ? {} : { expectedFileCount: f.fileCount }),
      ...(f.totalSize === undefined ? {} : { expectedTotalBytes: f.totalSize }),
      allowMismatch: f.allowMismatch === true,
      deleteSource: f.deleteSource,
      dryRun: f.dryRun === true,
      ...(f.tags ? { archiveTags: true } : {}),
      period: periodOf(now, 'UTC'),
      requestedBy: 'cli',
    },
    FLAGS,
  );
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
    `  already archived ${r.already_archived ?? 0} files (${mb(r.already_archived_bytes ?? 0)} MB) by an earlier job, not packed again`,
    `  skipped ${r.files_skipped}, deleted ${r.files_deleted}, kept ${r.files_kept}${r.duplicates_dropped ? `, repeated manifest rows dropped ${r.duplicates_dropped}` : ''}`,
    ...(r.orphan_uploads_aborted || r.superseded_versions_deleted || r.superseded_versions_left
      ? [
          `  left-overs removed: ${r.orphan_uploads_aborted ?? 0} unfinished uploads aborted, ${r.superseded_versions_deleted ?? 0} superseded bundle versions deleted${r.superseded_versions_left ? `, ${r.superseded_versions_left} left to the noncurrent-version rule` : ''}`,
        ]
      : []),
    ...r.skipped.slice(0, 10).map((s) => `    skipped ${s.key}: ${s.reason} (${s.detail})`),
    ...r.kept.slice(0, 10).map((k) => `    kept ${k.key}: ${k.code}`),
    ...r.problems.map((p) => `  problem: ${withFlags(p)}`),
    ...(costSummary(r) ? [`  ${costSummary(r)}`] : []),
  ].join('\n');
}

/**
 * `archive --job <id>`: take the job over for this process (QUEUED with a fresh heartbeat, source
 * lock retaken), whatever its heartbeat says: the operator names the job explicitly, typically
 * after its process was killed. A fresh heartbeat is warned about (another process may still run it).
 * A finished job is left as is (its stored report is shown).
 * @throws NotFoundError when the job does not exist; ConflictError when another job holds its source
 */
async function takeOver(service: ArchiveService, jobId: string): Promise<string> {
  const before = await service.get(jobId);
  if (!before) throw new NotFoundError(`archive job ${jobId} does not exist`, 'job', { job_id: jobId });
  // A finished job is not run again: its stored report is shown.
  if (before.status === 'SUCCEEDED' || before.status === 'PARTIAL') return `already finished (${before.status}); its report follows`;
  if ((before.status === 'QUEUED' || before.status === 'RUNNING') && !before.stale) {
    process.stderr.write(
      `coldpack: warning: job ${jobId} is ${before.status} with a recent sign of life (${before.heartbeat_at ?? before.updated_at}); if another process still runs it, stop that one\n`,
    );
  }
  await service.resume(jobId, { force: true });
  return 'resumed';
}

/** Status line of a job view: `RUNNING (stale: ...)` when it shows no sign of life. */
export function statusText(view: JobView): string {
  if (!view.stale) return view.status;
  return `${view.status} (stale: no sign of life since ${view.heartbeat_at ?? view.updated_at}; resume it with: coldpack archive --job ${view.job_id})`;
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
    .option('--file-count <n>', 'expected number of files (QC guard)', intFlag('--file-count', { min: 1 }))
    .option('--total-size <bytes>', 'expected total bytes (QC guard)', intFlag('--total-size', { min: 1 }))
    .option('--archive-size <MB>', 'bundle size cap in MB (1 MB = 1,000,000 bytes)', intFlag('--archive-size', { min: 1, max: MAX_ARCHIVE_SIZE_MB }), 512)
    .option('--max-files-per-bundle <n>', 'max entries per bundle', intFlag('--max-files-per-bundle', { min: 1, max: MAX_FILES_PER_BUNDLE_LIMIT }), 100_000)
    .addOption(new Option('--storage-class <class>', 'storage class of the bundles').choices(ARCHIVE_STORAGE_CLASSES).default('DEEP_ARCHIVE'))
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
      if (!jobId) {
        const request = requestFromFlags(f);
        if (request.source.kind === 'csv' && request.source.bucket === '' && !existsSync(request.source.manifest)) {
          throw new ValidationError(
            `--csv ${request.source.manifest}: no such file (give a local CSV manifest or s3://bucket/key)`,
            '--csv',
            'SOURCE_NOT_FOUND',
          );
        }
        const view = await service.submit(request, {});
        if (view.job_id === 'dry-run') {
          c.print(view, `dry run (nothing written): ${JSON.stringify(view.counters)}`);
          return;
        }
        jobId = view.job_id;
      }
      const id = jobId;
      // Nothing claims work it has not done: an unknown id fails before anything is said.
      const verb = f.job ? await takeOver(service, id) : 'started';
      process.stderr.write(`coldpack: job ${id} ${verb} (after an interruption resume it with: coldpack archive --job ${id})\n`);
      const bar =
        f.progress && process.stderr.isTTY && !c.json
          ? new SingleBar({ format: 'archiving [{bar}] {value}/{total} files | {bundles} bundles', stream: process.stderr }, Presets.shades_classic)
          : undefined;
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
            bar?.update(
              Object.values(base).reduce((a, b) => a + b, 0),
              { bundles: p.bundles },
            );
          },
          (job) => bar?.start(job.n_files_listed ?? 0, 0, { bundles: 0 }),
        );
      } catch (err) {
        process.stderr.write(`coldpack: job ${id} FAILED\n`);
        if (!c.json) throw err;
        // --json: the result names the job even when it failed, so a script can resume or inspect it.
        const e = jobErrorOf(err);
        const field = err instanceof ColdpackError && err.field ? flagOf(err.field) : undefined;
        const message = withFlags(e.message);
        c.print({ job_id: id, status: 'FAILED', error: { code: e.code, message, ...(field ? { field } : {}) } });
        process.stderr.write(`coldpack: ${e.code}: ${message}\n`);
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
      if (!view) throw new NotFoundError(`archive job ${jobId} does not exist`, 'job_id', { job_id: jobId });
      const costLine = costSummary(view.report) ? `\n  ${costSummary(view.report)}` : '';
      c.print(
        view,
        `job ${view.job_id}: ${statusText(view)}\n${Object.entries(view.counters)
          .map(([k, v]) => `  ${k}: ${v}`)
          .join('\n')}${costLine}${view.errors ? '\n' + view.errors.map((e) => `  error: ${e.code}: ${withFlags(e.message)}`).join('\n') : ''}`,
      );
      if (view.status === 'FAILED') setExit(1);
    });
};
