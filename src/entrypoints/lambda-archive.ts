import type { AwsClients } from '../adapters/aws-clients.js';
import type { ArchiveJobs } from '../api/ports.js';
import type { ColdpackConfig } from '../domain/config.js';
import { ENV, JOB_RUNNERS } from '../domain/env-names.js';
import { ColdpackError } from '../domain/errors.js';
import { composeArchive } from './archive-composition.js';
import { batchRunnerFromEnv, batchStarter } from './batch-env.js';

/**
 * The archive service for a Lambda: jobs are created in the jobs table and their work is submitted
 * to AWS Batch (a Lambda must not run an archive job itself: 15-minute limit).
 * @throws ColdpackError `JOB_RUNNER_MISSING` (500) when COLDPACK_JOB_RUNNER is not `aws-batch`
 */
export function archiveServiceForLambda(config: ColdpackConfig, clients: AwsClients, env: NodeJS.ProcessEnv = process.env): ArchiveJobs {
  const runner = batchRunnerFromEnv(config, env);
  if (!runner) {
    throw new ColdpackError('JOB_RUNNER_MISSING', `${ENV.JOB_RUNNER}=${JOB_RUNNERS.AWS_BATCH} and the COLDPACK_JOB_* variables must be set for Lambda handlers`);
  }
  return composeArchive(config, clients, { starter: batchStarter(runner) }).service;
}
