import { SubmitJobCommand, type SubmitJobCommandInput } from '@aws-sdk/client-batch';
import type { BatchRunnerConfig } from '../domain/config.js';
import type { JobRunner } from '../domain/job-runner.js';
import { ColdpackError, ValidationError } from '../domain/errors.js';

/**
 * The part of `BatchClient` this adapter uses: `send` of a {@link SubmitJobCommand} (answers
 * `jobId`). A real `BatchClient` satisfies it; tests pass a small recording double (Batch has no
 * emulator).
 */
export interface BatchSubmitClient {
  send(command: SubmitJobCommand): Promise<{ readonly jobId?: string | undefined }>;
}

/**
 * Names (or ARNs) of the Batch resources the CDK stack creates (`infra/constructs/compute.ts`), as
 * the configuration reads them ({@link BatchRunnerConfig}): job queue, shard and finalize job
 * definitions, and the plan job definition (needed by {@link BatchJobRunner.submitPlan} only; the
 * plan job itself cannot name its own definition).
 */
export interface BatchJobRunnerOptions extends BatchRunnerConfig {
  /**
   * Prefix of submitted Batch job names (letters, digits, `-`, `_`; names are cut to 128 characters).
   * @default 'coldpack'
   */
  readonly jobNamePrefix?: string;
}

/**
 * Largest array job AWS Batch accepts (`arrayProperties.size` 2-10,000).
 * Source: https://docs.aws.amazon.com/batch/latest/userguide/array_jobs.html
 */
export const MAX_BATCH_ARRAY_SIZE = 10_000;

/** A Batch SubmitJob answered without a job id: the job cannot be tracked or depended on. */
export class BatchSubmitError extends ColdpackError {
  /** @param message which submission failed and why */
  constructor(message: string, cause?: unknown) {
    super('BATCH_SUBMIT_FAILED', message, { ...(cause === undefined ? {} : { cause }) });
  }
}

/** Ids coldpack hands to Batch as job parameters: 1-128 of `[A-Za-z0-9_.:-]`, safe in job names and commands. */
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;

function checkId(value: string, field: string): void {
  if (!ID_PATTERN.test(value)) {
    throw new ValidationError(
      `${field} must be 1-128 characters of letters, digits, "_", ".", ":" or "-" starting with a letter or digit, got ${JSON.stringify(value)}`,
      field,
    );
  }
}

/**
 * {@link JobRunner} on AWS Batch. The job definitions carry the container command
 * (`worker plan --job Ref::job_id`, `worker shard --job Ref::job_id`,
 * `worker finalize --job Ref::job_id`); this adapter
 * only fills the parameters.
 *
 * In AWS an archive job runs as: {@link BatchJobRunner.submitPlan} (from the API or the schedule:
 * listing a month of objects does not fit a 15-minute Lambda) -> the plan job stores the shard
 * manifests -> when it SUCCEEDED, the Batch job-state Lambda (outside the VPC,
 * `src/entrypoints/lambda/batch-job-state.ts`) calls {@link BatchJobRunner.runPlannedJob}:
 * - shards: one array job of `shardCount` children (each reads `AWS_BATCH_JOB_ARRAY_INDEX`), or a
 *   plain job when `shardCount` is 1 (Batch requires an array size of at least 2);
 * - finalize: one job that `dependsOn` the shard job (for an array job: all of its children).
 *
 * Batch names jobs, not requests: a retried `runPlannedJob` submits new Batch jobs; the worker
 * commands are idempotent per coldpack job id (resume), so a duplicate submission wastes compute
 * but never duplicates bundles or index items.
 * Source: https://docs.aws.amazon.com/batch/latest/APIReference/API_SubmitJob.html
 */
export class BatchJobRunner implements JobRunner {
  private readonly client: BatchSubmitClient;
  private readonly options: BatchJobRunnerOptions & { readonly jobNamePrefix: string };

  /**
   * @param client a `BatchClient` (or anything with its `send` for SubmitJob)
   * @param options queue and job definition names, see {@link BatchJobRunnerOptions}
   * @throws ValidationError when a name is empty (or a required one missing)
   */
  constructor(client: BatchSubmitClient, options: BatchJobRunnerOptions) {
    for (const key of ['jobQueue', 'planJobDefinition', 'shardJobDefinition', 'finalizeJobDefinition'] as const) {
      if (key === 'planJobDefinition' && options[key] === undefined) continue;
      if (typeof options[key] !== 'string' || options[key].trim() === '') {
        throw new ValidationError(`BatchJobRunner option ${key} must be a non-empty name or ARN, got ${JSON.stringify(options[key])}`, key);
      }
    }
    this.client = client;
    this.options = { jobNamePrefix: 'coldpack', ...options };
  }

  /**
   * Submit the shards (array job, or a plain job for one shard) and the finalize job.
   * @param jobId archive job id (1-128 of `[A-Za-z0-9_.:-]`)
   * @param shardCount shards in the stored plan, integer 1-10,000
   * @returns `{ runner: 'aws-batch', refs: [shardBatchJobId, finalizeBatchJobId] }`
   * @throws ValidationError on a bad id or shard count; BatchSubmitError when Batch returns no job id;
   *   the SDK's error when SubmitJob fails (a failed finalize submission leaves the shard job running)
   */
  async runPlannedJob(jobId: string, shardCount: number): Promise<{ runner: string; refs: string[] }> {
    checkId(jobId, 'job_id');
    if (!Number.isInteger(shardCount) || shardCount < 1 || shardCount > MAX_BATCH_ARRAY_SIZE) {
      throw new ValidationError(
        `shardCount must be an integer from 1 to ${MAX_BATCH_ARRAY_SIZE} (the AWS Batch array size limit), got ${shardCount}`,
        'shard_count',
      );
    }
    const shardId = await this.submit({
      jobName: this.jobName('shard', jobId),
      jobQueue: this.options.jobQueue,
      jobDefinition: this.options.shardJobDefinition,
      parameters: { job_id: jobId },
      ...(shardCount > 1 ? { arrayProperties: { size: shardCount } } : {}),
      tags: { 'coldpack:job': jobId },
      propagateTags: true,
    });
    const finalizeId = await this.submit({
      jobName: this.jobName('finalize', jobId),
      jobQueue: this.options.jobQueue,
      jobDefinition: this.options.finalizeJobDefinition,
      parameters: { job_id: jobId },
      dependsOn: [{ jobId: shardId }],
      tags: { 'coldpack:job': jobId },
      propagateTags: true,
    });
    return { runner: 'aws-batch', refs: [shardId, finalizeId] };
  }

  /**
   * Submit the planning step of an archive job (`worker plan --job <id>`), which lists the source,
   * stores the shard manifests and then submits the shards and finalize ({@link runPlannedJob}).
   * @param jobId archive job id (1-128 of `[A-Za-z0-9_.:-]`) whose job item exists
   * @returns the Batch job id
   * @throws ValidationError on a bad id or without a plan job definition; BatchSubmitError when
   *   Batch returns no job id
   */
  async submitPlan(jobId: string): Promise<string> {
    checkId(jobId, 'job_id');
    return this.submit({
      jobName: this.jobName('plan', jobId),
      jobQueue: this.options.jobQueue,
      jobDefinition: this.definition('planJobDefinition'),
      parameters: { job_id: jobId },
      tags: { 'coldpack:job': jobId },
      propagateTags: true,
    });
  }

  private definition(key: 'planJobDefinition'): string {
    const value = this.options[key];
    if (value === undefined) throw new ValidationError(`BatchJobRunner was built without ${key}`, key);
    return value;
  }

  private jobName(kind: string, id: string): string {
    // Job names allow letters, digits, hyphens and underscores only, at most 128 characters.
    return `${this.options.jobNamePrefix}-${kind}-${id}`.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 128);
  }

  private async submit(input: SubmitJobCommandInput): Promise<string> {
    const out = await this.client.send(new SubmitJobCommand(input));
    if (out.jobId === undefined || out.jobId === '') {
      throw new BatchSubmitError(`AWS Batch SubmitJob for ${input.jobName} returned no jobId`);
    }
    return out.jobId;
  }
}
