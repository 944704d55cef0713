import { BatchClient } from '@aws-sdk/client-batch';
import { BatchJobRunner } from '../adapters/batch-job-runner.js';
import type { JobStarter } from '../archive/archive-service.js';
import type { BatchRunnerConfig, ColdpackConfig } from '../domain/config.js';

/**
 * The AWS Batch job runner of the configuration (`ProcessConfig.jobRunner`, read once from
 * COLDPACK_JOB_RUNNER=`aws-batch`, COLDPACK_JOB_QUEUE, COLDPACK_JOB_DEFINITION_PLAN, _SHARD,
 * _FINALIZE by `readProcessConfig`), or undefined when jobs run in-process.
 */
export function batchRunnerOf(config: ColdpackConfig, runner: BatchRunnerConfig | undefined): BatchJobRunner | undefined {
  if (runner === undefined) return undefined;
  const client = new BatchClient({ region: config.region, ...(config.endpoint ? { endpoint: config.endpoint } : {}) });
  return new BatchJobRunner(client, runner);
}

/** A {@link JobStarter} that submits the job's plan step to AWS Batch (the job-state handler then submits the shards and finalize). */
export function batchStarter(runner: BatchJobRunner): JobStarter {
  return {
    async start(jobId) {
      await runner.submitPlan(jobId);
    },
  };
}
