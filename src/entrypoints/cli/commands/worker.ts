import type { Command } from 'commander';
import { ColdpackError, ValidationError } from '../../../domain/errors.js';
import type { RestoreNotifier } from '../../../domain/ports/restore-notifier.js';
import { reportJobOutcome } from '../../../adapters/emf-metrics.js';
import { composeArchive } from '../../archive-composition.js';
import { createRestoreService } from '../../restore-composition.js';
import { restoreOptionsOf } from '../../config.js';
import { isLastAttempt } from '../../../domain/config.js';
import type { CliContext } from '../context.js';
import type { RegisterCommand } from './index.js';

/** Notifier of the Batch restore task: refuses at once, so the reconciler (outside the VPC) sends the notification. */
const NOTIFY_FROM_RECONCILER: RestoreNotifier = {
  notify: () => Promise.reject(new ColdpackError('NOTIFY_FAILED', 'deferred: the Batch task has no route to SNS; the reconciler delivers this notification')),
};

/** Mark the job FAILED with the step's error (last attempt only) and emit the JobsFailed metric. */
async function recordFailure(c: CliContext, jobId: string, step: string, err: unknown): Promise<void> {
  // Last attempt: AWS_BATCH_JOB_ATTEMPT ≥ COLDPACK_WORKER_ATTEMPTS; outside Batch every run is the last.
  if (!isLastAttempt(c.settings.worker)) return;
  if (!(await composeArchive(c.config, c.clients).engine.recordFailure(jobId, step, err))) return;
  reportJobOutcome('archive', jobId, 'FAILED');
}

/**
 * `coldpack worker plan|shard|finalize --job <id>` and `worker restore --restore <id>`: one step,
 * as AWS Batch runs it (shard index from AWS_BATCH_JOB_ARRAY_INDEX, or --shard). Every step
 * resumes idempotently. On its last attempt a failing shard records the failure and exits 0, so
 * the finalize job that depends on it still runs and ends the job FAILED with the reason instead
 * of leaving it RUNNING.
 */
export const registerWorker: RegisterCommand = (program: Command, ctx) => {
  const worker = program.command('worker').description('run one step of an archive job or a restore (AWS Batch entry point)');
  worker
    .command('plan')
    .requiredOption('--job <job_id>', 'archive job id')
    .action(async (f: { job: string }) => {
      const c = ctx();
      try {
        const shards = await composeArchive(c.config, c.clients).engine.plan(f.job);
        // On AWS Batch the job-state Lambda submits the shards and finalize when this job succeeds
        // (src/entrypoints/lambda/batch-job-state.ts): the task itself has no route to the Batch API.
        c.print({ job_id: f.job, shards }, `job ${f.job}: planned ${shards} shards`);
      } catch (err) {
        await recordFailure(c, f.job, 'plan', err);
        throw err;
      }
    });
  worker
    .command('shard')
    .requiredOption('--job <job_id>', 'archive job id')
    .option('--shard <n>', 'shard index (default: AWS_BATCH_JOB_ARRAY_INDEX, else 0)')
    .action(async (f: { job: string; shard?: string }) => {
      const c = ctx();
      const raw = f.shard ?? String(c.settings.worker.arrayIndex ?? 0);
      const shard = Number(raw);
      if (!Number.isInteger(shard) || shard < 0) throw new ValidationError(`--shard must be a non-negative integer, got "${raw}"`, '--shard');
      try {
        await composeArchive(c.config, c.clients).engine.packShard(f.job, shard);
        c.print({ job_id: f.job, shard, status: 'DONE' }, `job ${f.job}: shard ${shard} done`);
      } catch (err) {
        if (!isLastAttempt(c.settings.worker)) throw err;
        await recordFailure(c, f.job, `shard ${shard}`, err);
        process.stderr.write(`coldpack: shard ${shard} failed on its last attempt; finalize will end the job FAILED: ${String(err)}\n`);
      }
    });
  worker
    .command('finalize')
    .requiredOption('--job <job_id>', 'archive job id')
    .action(async (f: { job: string }) => {
      const c = ctx();
      try {
        const report = await composeArchive(c.config, c.clients).engine.finalize(f.job);
        reportJobOutcome('archive', f.job, report.status);
        c.print(report, `job ${f.job}: ${report.status}`);
      } catch (err) {
        await recordFailure(c, f.job, 'finalize', err);
        throw err;
      }
    });
  worker
    .command('restore')
    .requiredOption('--restore <restore_id>', 'restore request id')
    .action(async (f: { restore: string }) => {
      const c = ctx();
      // The Batch task has no route to SNS: the notification is recorded as not delivered and the reconciler
      // (a Lambda outside the VPC) delivers it on its next pass.
      const service = createRestoreService(c.config, c.clients, { ...restoreOptionsOf(c.settings), notifier: NOTIFY_FROM_RECONCILER });
      const summary = await service.reconcile(f.restore);
      const view = await service.get(f.restore);
      if (view) reportJobOutcome('restore', f.restore, view.status);
      c.print({ restore_id: f.restore, summary, status: view?.status }, `restore ${f.restore}: ${view?.status ?? 'unknown'}`);
    });
};
