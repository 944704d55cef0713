/**
 * The next step of an archive job when one of its AWS Batch jobs ends ("Batch Job State Change" events from
 * EventBridge, handled by a Lambda function outside the VPC, so the Batch tasks need neither a Batch nor an SNS
 * endpoint):
 * - plan SUCCEEDED → submit the shard array job and the finalize job that depends on it (the shard count is known
 *   only once the plan job has listed the source, so the chain cannot be submitted up front);
 * - finalize SUCCEEDED or FAILED → publish the job's summary to the notification topic;
 * - anything else (plan FAILED, which the stack's Batch-failure rule already reports) → nothing.
 * Core logic: the job store, job runner and publisher are ports; no AWS SDK here.
 * Event format: https://docs.aws.amazon.com/batch/latest/userguide/batch_job_events.html (`detail` is a JobDetail).
 */
import type { JobRunner } from '../domain/job-runner.js';
import type { JobStatus } from '../domain/model.js';
import { ColdpackError, ValidationError } from '../domain/errors.js';

/** The parts of a "Batch Job State Change" event the chain reads. */
export interface BatchJobStateChange {
  /** Batch job id. */
  readonly batchJobId: string;
  /** Batch job status: SUCCEEDED or FAILED (the rule sends no others). */
  readonly status: string;
  /** Why, when Batch says (failures). */
  readonly statusReason?: string;
  /** Job definition ARN with revision, e.g. `arn:aws:batch:...:job-definition/plan-abc:1`. */
  readonly jobDefinition: string;
  /** SubmitJob parameters, e.g. `{ job_id }`. */
  readonly parameters: Readonly<Record<string, string>>;
}

/** What the chain needs to know about an archive job (from the jobs table). */
export interface ChainedJob {
  readonly job_id: string;
  readonly status: JobStatus;
  /** Shards in the stored plan, once planned. */
  readonly shard_count?: number;
  /** Batch job ids of the submitted shards and finalize, once submitted (see {@link ChainedJobStore.markChained}). */
  readonly batch_refs?: readonly string[];
  /** Files archived, bytes archived, bundles written (the finalize step's counters). */
  readonly files_archived?: number;
  readonly bytes_archived?: number;
  readonly bundles?: number;
  /** Listed objects a committed bundle of another job already held: deleted (with `delete_source`), not packed again. */
  readonly already_archived?: number;
  /** Where the job report is, in the archive bucket. */
  readonly report_key?: string;
  /** Why the job failed or is partial. */
  readonly errors?: ReadonlyArray<{ code: string; message: string }>;
}

/** Reads and marks archive jobs. */
export interface ChainedJobStore {
  /** The job, or undefined when there is none. */
  get(jobId: string): Promise<ChainedJob | undefined>;
  /** Record the Batch job ids the chain submitted for the job (a duplicate event then submits nothing). */
  markChained(jobId: string, refs: readonly string[]): Promise<void>;
}

/** Publishes a message to the stack's notification topic. */
export interface SummaryPublisher {
  /** @param subject ASCII, at most 100 characters; @param message the JSON body */
  publish(subject: string, message: string): Promise<void>;
}

/** Collaborators of {@link handleBatchJobStateChange}. */
export interface JobChainPorts {
  readonly jobs: ChainedJobStore;
  readonly runner: JobRunner;
  /** Undefined when the deployment has no topic: summaries are then not sent. */
  readonly publisher: SummaryPublisher | undefined;
  /** Job definitions (ARN with revision, or `name:revision`) of the plan and finalize steps. */
  readonly definitions: { readonly plan: string; readonly finalize: string };
}

/** What the handler did. */
export type ChainOutcome =
  | { readonly action: 'submitted'; readonly job_id: string; readonly refs: readonly string[] }
  | { readonly action: 'notified'; readonly job_id: string; readonly status: string }
  | { readonly action: 'ignored'; readonly reason: string };

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * Read the fields the chain needs from an EventBridge "Batch Job State Change" event.
 * @throws ValidationError when the event is not one (wrong `detail-type`) or lacks jobId, status or jobDefinition
 */
export function parseBatchJobStateChange(event: unknown): BatchJobStateChange {
  const e = (event ?? {}) as { 'detail-type'?: unknown; detail?: Record<string, unknown> };
  const d = e.detail ?? {};
  const batchJobId = str(d.jobId);
  const status = str(d.status);
  const jobDefinition = str(d.jobDefinition);
  if (e['detail-type'] !== 'Batch Job State Change' || !batchJobId || !status || !jobDefinition) {
    throw new ValidationError('not a Batch Job State Change event with detail.jobId, status and jobDefinition', 'event');
  }
  const params = d.parameters && typeof d.parameters === 'object' ? (d.parameters as Record<string, unknown>) : {};
  const reason = str(d.statusReason);
  return {
    batchJobId,
    status,
    jobDefinition,
    parameters: Object.fromEntries(Object.entries(params).filter(([, v]) => typeof v === 'string')) as Record<string, string>,
    ...(reason ? { statusReason: reason } : {}),
  };
}

/** Whether an event's job definition ARN is `configured` (an ARN, or a `name:revision` it ends with). */
function sameDefinition(eventArn: string, configured: string): boolean {
  return eventArn === configured || eventArn.endsWith(`/${configured}`);
}

const TERMINAL: readonly JobStatus[] = ['SUCCEEDED', 'PARTIAL', 'FAILED'];

/**
 * Decide and do the next step for one Batch job-state change (see the module comment). Idempotent for
 * duplicate deliveries: a plan event for a job whose shards were already submitted (`batch_refs`) or that already
 * ended submits nothing.
 * @param event the EventBridge event
 * @param ports job store, runner, publisher, job definitions
 * @throws ValidationError for an event that is not a Batch job-state change or names no `job_id`;
 *   ColdpackError `JOB_ERROR` when a plan succeeded without a stored shard count; the runner's and
 *   publisher's errors (the Lambda then fails and EventBridge retries, then dead-letters the event)
 */
export async function handleBatchJobStateChange(event: unknown, ports: JobChainPorts): Promise<ChainOutcome> {
  const change = parseBatchJobStateChange(event);
  const step = sameDefinition(change.jobDefinition, ports.definitions.plan)
    ? 'plan'
    : sameDefinition(change.jobDefinition, ports.definitions.finalize)
      ? 'finalize'
      : undefined;
  if (step === undefined) return { action: 'ignored', reason: `job definition ${change.jobDefinition} is neither plan nor finalize` };
  if (step === 'plan' && change.status !== 'SUCCEEDED') {
    return { action: 'ignored', reason: `plan ${change.status}: the Batch-failure rule reports it` };
  }
  if (step === 'finalize' && change.status !== 'SUCCEEDED' && change.status !== 'FAILED') {
    return { action: 'ignored', reason: `finalize ${change.status} is not an end state` };
  }
  const jobId = change.parameters.job_id;
  if (!jobId) throw new ValidationError(`Batch job ${change.batchJobId} has no job_id parameter`, 'job_id');
  const job = await ports.jobs.get(jobId);
  if (!job) return { action: 'ignored', reason: `archive job ${jobId} does not exist` };

  if (step === 'plan') {
    if (job.batch_refs && job.batch_refs.length > 0) return { action: 'ignored', reason: `job ${jobId}: shards already submitted` };
    if (TERMINAL.includes(job.status)) return { action: 'ignored', reason: `job ${jobId} already ended ${job.status}` };
    if (job.shard_count === undefined || job.shard_count < 1) {
      throw new ColdpackError('JOB_ERROR', `job ${jobId}: the plan job ${change.batchJobId} succeeded but no shard count is stored`);
    }
    const { refs } = await ports.runner.runPlannedJob(jobId, job.shard_count);
    await ports.jobs.markChained(jobId, refs);
    return { action: 'submitted', job_id: jobId, refs };
  }
  if (!ports.publisher) return { action: 'ignored', reason: 'no notification topic configured' };
  await ports.publisher.publish(`coldpack archive job ${job.status}`.slice(0, 100), JSON.stringify(jobSummary(job, change)));
  return { action: 'notified', job_id: jobId, status: job.status };
}

/** The JSON body of an archive job's summary notification (event `archive.finished`). */
export function jobSummary(job: ChainedJob, change: BatchJobStateChange): Record<string, unknown> {
  return {
    event: 'archive.finished',
    job_id: job.job_id,
    status: job.status,
    finalize_batch_status: change.status,
    ...(change.statusReason ? { finalize_batch_reason: change.statusReason } : {}),
    ...(job.files_archived === undefined ? {} : { files_archived: job.files_archived }),
    ...(job.bytes_archived === undefined ? {} : { bytes_archived: job.bytes_archived }),
    ...(job.bundles === undefined ? {} : { bundles: job.bundles }),
    ...(job.already_archived === undefined ? {} : { already_archived: job.already_archived }),
    ...(job.report_key ? { report_key: job.report_key } : {}),
    ...(job.errors && job.errors.length > 0 ? { errors: job.errors.slice(0, 5) } : {}),
  };
}
