import { DescribeJobsCommand, SubmitJobCommand, type JobDetail, type SubmitJobCommandInput } from '@aws-sdk/client-batch';
import type { JobRunner } from '../domain/job-runner.js';
import { ColdpackError, ValidationError } from '../domain/errors.js';

/**
 * The part of `BatchClient` this adapter uses: `send` of a {@link SubmitJobCommand} (answers
 * `jobId`) or a {@link DescribeJobsCommand} (answers `jobs`). A real `BatchClient` satisfies it;
 * tests pass a small recording double (Batch has no emulator).
 */
export interface BatchSubmitClient {
  send(
    command: SubmitJobCommand | DescribeJobsCommand,
  ): Promise<{ readonly jobId?: string | undefined; readonly jobs?: readonly JobDetail[] | undefined }>;
}

/** What Batch says about one submitted job (see {@link BatchJobRunner.describe}). */
export interface BatchJobStatus {
  /** Batch job id. */
  readonly jobId: string;
  /** Batch job name, e.g. `coldpack-shard-<job id>`. */
  readonly jobName: string;
  /** SUBMITTED, PENDING, RUNNABLE, STARTING, RUNNING, SUCCEEDED or FAILED. */
  readonly status: string;
  /** Why the job is in its status (e.g. the failure reason), when Batch gives one. */
  readonly statusReason?: string;
  /** Array jobs: children per status, e.g. `{ SUCCEEDED: 6, RUNNING: 1 }`. */
  readonly children?: Readonly<Record<string, number>>;
  /** Array jobs: number of children. */
  readonly size?: number;
}

/** Most job ids one DescribeJobs call accepts. Source: https://docs.aws.amazon.com/batch/latest/APIReference/API_DescribeJobs.html */
export const DESCRIBE_JOBS_MAX_IDS = 100;

/** Names (or ARNs) of the Batch resources the CDK stack creates (`infra/constructs/compute.ts`). */
export interface BatchJobRunnerOptions {
  /** Job queue name or ARN (env COLDPACK_JOB_QUEUE). */
  readonly jobQueue: string;
  /**
   * Plan job definition, `name:revision` or ARN (env COLDPACK_JOB_DEFINITION_PLAN); needed by
   * {@link BatchJobRunner.submitPlan} only (the plan job itself cannot name its own definition).
   * @default undefined
   */
  readonly planJobDefinition?: string;
  /** Shard job definition name, `name:revision` or ARN (env COLDPACK_JOB_DEFINITION_SHARD). */
  readonly shardJobDefinition: string;
  /** Finalize job definition (env COLDPACK_JOB_DEFINITION_FINALIZE). */
  readonly finalizeJobDefinition: string;
  /**
   * Restore-extraction job definition (env COLDPACK_JOB_DEFINITION_RESTORE); needed by
   * {@link BatchJobRunner.submitRestore} only.
   * @default undefined
   */
  readonly restoreJobDefinition?: string;
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
 * `worker finalize --job Ref::job_id`, `worker restore --restore Ref::restore_id`); this adapter
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
    for (const key of ['jobQueue', 'planJobDefinition', 'shardJobDefinition', 'finalizeJobDefinition', 'restoreJobDefinition'] as const) {
      const optional = key === 'planJobDefinition' || key === 'restoreJobDefinition';
      if (optional && options[key] === undefined) continue;
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

  /**
   * Submit the extraction of a restore request whose bundles are ready.
   * @param restoreId restore request id (1-128 of `[A-Za-z0-9_.:-]`)
   * @returns the Batch job id
   * @throws ValidationError on a bad id or without a restore job definition; BatchSubmitError
   *   when Batch returns no job id
   */
  async submitRestore(restoreId: string): Promise<string> {
    checkId(restoreId, 'restore_id');
    return this.submit({
      jobName: this.jobName('restore', restoreId),
      jobQueue: this.options.jobQueue,
      jobDefinition: this.definition('restoreJobDefinition'),
      parameters: { restore_id: restoreId },
      tags: { 'coldpack:restore': restoreId },
      propagateTags: true,
    });
  }

  /**
   * Status of submitted jobs (the `refs` of {@link runPlannedJob}, or the ids of
   * {@link submitPlan} / {@link submitRestore}), one DescribeJobs call per 100 ids, in order.
   * Jobs Batch no longer knows (it keeps finished jobs about 7 days) are left out.
   * @param jobIds Batch job ids
   * @returns one status per job Batch knows
   * @throws the SDK's error when DescribeJobs fails
   */
  async describe(jobIds: readonly string[]): Promise<BatchJobStatus[]> {
    const out: BatchJobStatus[] = [];
    for (let i = 0; i < jobIds.length; i += DESCRIBE_JOBS_MAX_IDS) {
      const ids = jobIds.slice(i, i + DESCRIBE_JOBS_MAX_IDS);
      const res = await this.client.send(new DescribeJobsCommand({ jobs: [...ids] }));
      const byId = new Map((res.jobs ?? []).map((j) => [j.jobId, j]));
      for (const id of ids) {
        const job = byId.get(id);
        if (job === undefined) continue;
        out.push({
          jobId: id,
          jobName: job.jobName ?? '',
          status: job.status ?? 'UNKNOWN',
          ...(job.statusReason ? { statusReason: job.statusReason } : {}),
          ...(job.arrayProperties?.statusSummary ? { children: job.arrayProperties.statusSummary } : {}),
          ...(job.arrayProperties?.size === undefined ? {} : { size: job.arrayProperties.size }),
        });
      }
    }
    return out;
  }

  private definition(key: 'planJobDefinition' | 'restoreJobDefinition'): string {
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

/**
 * The {@link BatchJobRunnerOptions} the CDK stack passes as environment variables
 * (COLDPACK_JOB_QUEUE, COLDPACK_JOB_DEFINITION_SHARD, _FINALIZE required; _PLAN, _RESTORE where
 * set: the plan job has no _PLAN, see DEPLOY.md). Pure: the caller (an entrypoint) hands in its environment.
 * @param env environment variables, e.g. `process.env`
 * @returns the options, or undefined when COLDPACK_JOB_RUNNER is not `aws-batch`
 * @throws ValidationError naming the missing variables when COLDPACK_JOB_RUNNER is `aws-batch`
 */
export function batchRunnerOptionsFromEnv(env: Readonly<Record<string, string | undefined>>): BatchJobRunnerOptions | undefined {
  if (env.COLDPACK_JOB_RUNNER !== 'aws-batch') return undefined;
  const required = ['COLDPACK_JOB_QUEUE', 'COLDPACK_JOB_DEFINITION_SHARD', 'COLDPACK_JOB_DEFINITION_FINALIZE'] as const;
  const missing = required.filter((v) => !env[v]);
  if (missing.length > 0) {
    throw new ValidationError(`COLDPACK_JOB_RUNNER=aws-batch needs ${missing.join(', ')} (set by the CDK stack)`, missing[0]);
  }
  const plan = env.COLDPACK_JOB_DEFINITION_PLAN;
  const restore = env.COLDPACK_JOB_DEFINITION_RESTORE;
  return {
    jobQueue: env.COLDPACK_JOB_QUEUE!,
    shardJobDefinition: env.COLDPACK_JOB_DEFINITION_SHARD!,
    finalizeJobDefinition: env.COLDPACK_JOB_DEFINITION_FINALIZE!,
    ...(plan ? { planJobDefinition: plan } : {}),
    ...(restore ? { restoreJobDefinition: restore } : {}),
  };
}
