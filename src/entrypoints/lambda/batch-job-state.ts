/**
 * Lambda entry of the Batch job-state handler: an EventBridge rule sends the "Batch Job State Change" events
 * (SUCCEEDED, FAILED) of the stack's plan and finalize jobs here; the logic is `handleBatchJobStateChange` in
 * src/schedule/batch-job-chain.ts (plan SUCCEEDED → submit shards + finalize; finalize ended → publish the
 * summary). It runs outside the VPC, so the Batch tasks need no Batch or SNS endpoint.
 * Environment: read once by `readProcessConfig` (tables, topic, COLDPACK_JOB_RUNNER=aws-batch,
 * COLDPACK_JOB_QUEUE, COLDPACK_JOB_DEFINITION_PLAN, _SHARD, _FINALIZE).
 * Throws on failure so EventBridge retries and then dead-letters the event.
 */
import { pino } from 'pino';
import { createAwsClients } from '../../adapters/aws-clients.js';
import { DynamoJobStore } from '../../adapters/dynamo/dynamo-job-store.js';
import { SnsTopicPublisher } from '../../adapters/sns-topic-publisher.js';
import { tableNames } from '../../domain/config.js';
import { ColdpackError } from '../../domain/errors.js';
import { handleBatchJobStateChange, type ChainOutcome, type JobChainPorts } from '../../schedule/batch-job-chain.js';
import { batchRunnerOf } from '../batch-env.js';
import { readProcessConfig } from '../config.js';

const log = pino({ name: 'coldpack-batch-job-state' });
let ports: JobChainPorts | undefined;

function wire(env: NodeJS.ProcessEnv): JobChainPorts {
  const settings = readProcessConfig(env);
  const config = settings.coldpack;
  const clients = createAwsClients({ region: config.region, ...(config.endpoint ? { endpoint: config.endpoint } : {}) });
  const runner = batchRunnerOf(config, settings.jobRunner);
  const plan = settings.jobRunner?.planJobDefinition;
  const finalize = settings.jobRunner?.finalizeJobDefinition;
  if (!runner || !plan || !finalize) {
    throw new ColdpackError(
      'CONFIG_ERROR',
      'COLDPACK_JOB_RUNNER=aws-batch and COLDPACK_JOB_DEFINITION_PLAN/_FINALIZE must be set for the Batch job-state handler',
    );
  }
  const repo = new DynamoJobStore(clients.dynamo, tableNames(config.tablePrefix).jobs);
  return {
    jobs: {
      async get(jobId) {
        const job = await repo.get(jobId);
        if (!job) return undefined;
        const refs = job.batch_refs;
        return {
          job_id: job.job_id,
          status: job.status,
          ...(job.shard_count === undefined ? {} : { shard_count: job.shard_count }),
          ...(Array.isArray(refs) ? { batch_refs: refs.map(String) } : {}),
          ...(job.n_files_archived === undefined ? {} : { files_archived: job.n_files_archived }),
          ...(job.n_bytes_archived === undefined ? {} : { bytes_archived: job.n_bytes_archived }),
          ...(job.n_bundles === undefined ? {} : { bundles: job.n_bundles }),
          ...(job.n_already_archived === undefined ? {} : { already_archived: job.n_already_archived }),
          ...(job.report_key ? { report_key: job.report_key } : {}),
          ...(job.errors ? { errors: job.errors } : {}),
        };
      },
      async markChained(jobId, refs) {
        await repo.update(jobId, { batch_refs: [...refs] });
      },
    },
    runner,
    publisher: config.topicArn ? new SnsTopicPublisher(clients.sns, config.topicArn) : undefined,
    definitions: { plan, finalize },
  };
}

/** Lambda entry. @returns what was done for the event */
export async function handler(event: unknown): Promise<ChainOutcome> {
  ports ??= wire(process.env);
  const outcome = await handleBatchJobStateChange(event, ports);
  log.info(outcome, 'batch job state change');
  return outcome;
}
