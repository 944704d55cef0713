import type { Command } from 'commander';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import { runDemo, type DemoResult } from '../../../local/demo.js';
import { restoreDemo, type RestoreDemoFile } from '../../../local/restore-demo.js';
import type { RegisterCommand } from './index.js';
import { costSummary } from './archive.js';
import { intFlag } from '../int-flag.js';

/** DynamoDB items the job wrote per archived file (from its request meter), with the tables. */
export function itemsPerFile(rep: DemoResult['report']): string {
  const byTable = (rep.dynamodb_items_written ?? {}) as Record<string, number>;
  const total = Object.values(byTable).reduce((a, b) => a + b, 0);
  const perFile = rep.files_archived > 0 ? total / rep.files_archived : 0;
  const tables = Object.entries(byTable)
    .map(([t, n]) => `${t} ${n}`)
    .join(', ');
  return `${total} DynamoDB items written for ${rep.files_archived} files = ${perFile.toFixed(4)} per archived file (${tables || 'none'}; compact catalog: no per-file items)`;
}

/** Render the demo report as text. */
export function demoText(r: DemoResult): string {
  const rep = r.report;
  const lines = [
    '',
    '=== coldpack demo report ===',
    `job ${rep.job_id}: ${rep.status}`,
    `files archived      ${rep.files_archived} of ${rep.files_listed} listed (${rep.folder_markers} folder markers skipped, ${rep.already_archived ?? 0} already archived by an earlier job)`,
    `bytes archived      ${(rep.bytes_archived / 1e6).toFixed(2)} MB`,
    `bundles             ${rep.bundles} (${(rep.bundle_bytes / 1e6).toFixed(2)} MB in DEEP_ARCHIVE)`,
    `compression ratio   ${rep.compression_ratio} (source bytes / bundle bytes)`,
    `throughput          ${r.objects_per_s.toFixed(0)} objects/s, ${r.mb_per_s.toFixed(2)} MB/s (archive ${r.archive_s.toFixed(1)} s; upload of the input took ${r.upload_s.toFixed(1)} s)`,
    `sources deleted     ${rep.files_deleted} (kept ${rep.files_kept}, skipped ${rep.files_skipped})`,
    `catalog             ${itemsPerFile(rep)}`,
    `verified            ${r.verify.indexed} SHA-256 in the manifests; ${r.verify.byteExact} read back byte-exact from ${r.verify.bundles} restored bundles; unzip -t ok on ${r.verify.unzipOk ?? 'n/a (unzip not installed)'} bundles`,
    ...(costSummary(rep) ? [costSummary(rep)] : []),
    ...r.verify.problems.slice(0, 20).map((p) => `PROBLEM: ${p}`),
  ];
  const files = (r.extra.restored_files ?? []) as RestoreDemoFile[];
  if (files.length > 0) {
    lines.push('', `=== restore ${String(r.extra.restore_id)}: ${String(r.extra.restore_status)} ===`);
    for (const f of files) {
      lines.push(
        `${f.why.padEnd(15)} ${f.status.padEnd(9)} sha256 ${f.sha256_ok ? 'ok ' : 'BAD'} ${String(f.size).padStart(9)} bytes; read ${String(f.bytes_read).padStart(9)} of its ${String(f.bundle_bytes).padStart(9)}-byte bundle  ${f.key}`,
      );
    }
    lines.push(`notification (SNS -> SQS): ${JSON.stringify(r.extra.notification)}`);
  }
  return lines.join('\n');
}

/** `coldpack demo`: the main job on the local default (what `npm start` runs). */
export const registerDemo: RegisterCommand = (program: Command, ctx, setExit) => {
  program
    .command('demo')
    .description('start the moto emulator, archive real input (node_modules slice + a month of CSVs), verify, restore a few files')
    .option('--archive-size <MB>', 'bundle cap in MB', intFlag('--archive-size', { min: 1 }), 16)
    .action(async (f: { archiveSize: number }) => {
      const c = ctx();
      const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
      const result = await runDemo({ root, archiveSizeMb: f.archiveSize, log: (l) => process.stderr.write(l + '\n'), after: restoreDemo });
      c.print(result, demoText(result));
      const restored = (result.extra.restored_files ?? []) as RestoreDemoFile[];
      const ok =
        result.report.status === 'SUCCEEDED' &&
        result.verify.problems.length === 0 &&
        result.verify.byteExact === result.report.files_archived &&
        restored.length > 0 &&
        restored.every((x) => x.status === 'AVAILABLE' && x.sha256_ok);
      if (!ok) setExit(1);
    });
};
