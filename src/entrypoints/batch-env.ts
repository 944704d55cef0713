import { BatchClient } from '@aws-sdk/client-batch';
import { BatchJobRunner } from '../adapters/batch-job-runner.js';
import type { JobStarter } from '../archive/archive-service.js';
import type { ColdpackConfig } from '../domain/config.js';
import { ENV, JOB_RUNNERS } from '../domain/env-names.js';
import { ValidationError } from '../domain/errors.js';

/**
 * The AWS Batch job runner described by the environment, or undefined when jobs run in-process.
 * Variables (set by the CDK stack): COLDPACK_JOB_RUNNER=`aws-batch`, COLDPACK_JOB_QUEUE,
 * COLDPACK_JOB_DEFINITION_PLAN, _SHARD, _FINALIZE.
 * @throws ValidationError when COLDPACK_JOB_RUNNER is `aws-batch` but a name is missing
 */
export function batchRunnerFromEnv(config: ColdpackConfig, env: NodeJS.ProcessEnv = process.env): BatchJobRunner | undefined {
  if (env[ENV.JOB_RUNNER] !== JOB_RUNNERS.AWS_BATCH) return undefined;
  const need = (name: string): string => {
    const v = env[name];
    if (!v) throw new ValidationError(`${name} must be set when ${ENV.JOB_RUNNER}=${JOB_RUNNERS.AWS_BATCH}`, name);
    return v;
  };
  const client = new BatchClient({ region: config.region, ...(config.endpoint ? { endpoint: config.endpoint } : {}) });
  return new BatchJobRunner(client, {
    jobQueue: need(ENV.JOB_QUEUE),
    shardJobDefinition: need(ENV.JOB_DEFINITION_SHARD),
    finalizeJobDefinition: need(ENV.JOB_DEFINITION_FINALIZE),
    ...(env[ENV.JOB_DEFINITION_PLAN] ? { planJobDefinition: env[ENV.JOB_DEFINITION_PLAN] } : {}),
  });
}

/** A {@link JobStarter} that submits the job's plan step to AWS Batch (the plan job then submits the shards and finalize). */
export function batchStarter(runner: BatchJobRunner): JobStarter {
  return {
    async start(jobId) {
      await runner.submitPlan(jobId);
    },
  };
}
