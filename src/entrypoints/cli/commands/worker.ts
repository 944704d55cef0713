import type { Command } from 'commander';
import { ValidationError } from '../../../domain/errors.js';
import { composeArchive } from '../../archive-composition.js';
import { batchRunnerFromEnv } from '../../batch-env.js';
import type { RegisterCommand } from './index.js';

/**
 * `coldpack worker plan|shard|finalize --job <id>`: one step of an archive job, as AWS Batch runs
 * it (shard index from AWS_BATCH_JOB_ARRAY_INDEX, or --shard). Every step resumes idempotently.
 */
export const registerWorker: RegisterCommand = (program: Command, ctx) => {
  const worker = program.command('worker').description('run one step of an archive job (AWS Batch entry point)');
  worker
    .command('plan')
    .requiredOption('--job <job_id>', 'archive job id')
    .action(async (f: { job: string }) => {
      const c = ctx();
      const shards = await composeArchive(c.config, c.clients).engine.plan(f.job);
      // On AWS Batch the plan job submits the shard array job and the finalize job that depends on it.
      const runner = batchRunnerFromEnv(c.config);
      const submitted = runner ? await runner.runPlannedJob(f.job, shards) : undefined;
      c.print({ job_id: f.job, shards, ...(submitted ? { submitted } : {}) }, `job ${f.job}: planned ${shards} shards${submitted ? `; submitted ${submitted.refs.join(', ')}` : ''}`);
    });
  worker
    .command('shard')
    .requiredOption('--job <job_id>', 'archive job id')
    .option('--shard <n>', 'shard index (default: AWS_BATCH_JOB_ARRAY_INDEX, else 0)')
    .action(async (f: { job: string; shard?: string }) => {
      const c = ctx();
      const raw = f.shard ?? process.env.AWS_BATCH_JOB_ARRAY_INDEX ?? '0';
      const shard = Number(raw);
      if (!Number.isInteger(shard) || shard < 0) throw new ValidationError(`shard must be a non-negative integer, got "${raw}"`, 'shard');
      await composeArchive(c.config, c.clients).engine.packShard(f.job, shard);
      c.print({ job_id: f.job, shard, status: 'DONE' }, `job ${f.job}: shard ${shard} done`);
    });
  worker
    .command('finalize')
    .requiredOption('--job <job_id>', 'archive job id')
    .action(async (f: { job: string }) => {
      const c = ctx();
      const report = await composeArchive(c.config, c.clients).engine.finalize(f.job);
      c.print(report, `job ${f.job}: ${report.status}`);
    });
};
