import type { AwsClients } from '../adapters/aws-clients.js';
import type { ArchiveJobs } from '../domain/archive-jobs.js';
import { ENV, JOB_RUNNERS } from '../domain/env-names.js';
import { ColdpackError } from '../domain/errors.js';
import { composeArchive } from './archive-composition.js';
import { batchRunnerOf, batchStarter } from './batch-env.js';
import type { ProcessConfig } from './config.js';

/**
 * The archive service for a Lambda: jobs are created in the jobs table and their work is submitted
 * to AWS Batch (a Lambda must not run an archive job itself: 15-minute limit).
 * @param settings the process configuration (`readProcessConfig`)
 * @throws ColdpackError `CONFIG_ERROR` (500) when COLDPACK_JOB_RUNNER is not `aws-batch`
 */
export function archiveServiceForLambda(settings: Pick<ProcessConfig, 'coldpack' | 'jobRunner'>, clients: AwsClients): ArchiveJobs {
  const runner = batchRunnerOf(settings.coldpack, settings.jobRunner);
  if (!runner) {
    throw new ColdpackError('CONFIG_ERROR', `${ENV.JOB_RUNNER}=${JOB_RUNNERS.AWS_BATCH} and the COLDPACK_JOB_* variables must be set for Lambda handlers`, {
      field: ENV.JOB_RUNNER,
    });
  }
  return composeArchive(settings.coldpack, clients, { starter: batchStarter(runner) }).service;
}
