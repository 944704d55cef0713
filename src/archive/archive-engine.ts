import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TableNames } from '../domain/config.js';
import { ColdpackError } from '../domain/errors.js';
import { BundleRepo } from '../adapters/dynamo/bundle-repo.js';
import { FileIndexRepo } from '../adapters/dynamo/file-index-repo.js';
import { JobsRepo, jobErrorOf, type JobItem, type SourceLock } from '../adapters/dynamo/jobs-repo.js';
import { BundlePacker } from './bundle-packer.js';
import { Finalizer, type JobReport, type ReportTotals } from './finalizer.js';
import type { Usage, UsageLedger } from './usage-ledger.js';
import { checkQc, countSource, writeShardPlans, type BucketPolicy } from './planner.js';
import { ShardWorker, type ShardProgress } from './shard-worker.js';
import type { FetchOptions } from './object-fetcher.js';

/** Collaborators and options of {@link ArchiveEngine}. */
export interface ArchiveEngineDeps {
  readonly s3: S3Client;
  readonly dynamo: DynamoDBDocumentClient;
  readonly tables: TableNames;
  readonly archiveBucket: string;
  /** Fetch concurrency and buffering (defaults: 64 GETs, 128 MiB, stream ≥ 8 MiB). */
  readonly fetch?: FetchOptions;
  /** Called with the final report (e.g. SNS summary). Failures are logged by the caller, never fatal. */
  readonly onFinished?: (report: JobReport) => Promise<void>;
  /** Buckets the job may read and delete from; default: any but the archive bucket. */
  readonly bucketPolicy?: BucketPolicy;
  /** Records each step's requests (from a request meter on these clients) for the job report. */
  readonly ledger?: UsageLedger;
  /** Extra report sections computed at finalize from the job, its totals and its usage (e.g. cost). */
  readonly reportExtras?: (job: JobItem, totals: ReportTotals, usage: Usage | undefined) => Promise<Record<string, unknown>>;
}

/** The lock a job takes: its source bucket and prefix (or the manifest's bucket and key). */
export function sourceLock(job: Pick<JobItem, 'request'>): SourceLock {
  const s = job.request.source;
  return s.kind === 'list' ? { bucket: s.bucket, scope: s.prefix } : { bucket: s.bucket || 'local-file', scope: `manifest:${s.manifest}` };
}

/**
 * Runs the steps of an archive job: plan (count + QC guard, then shard plans), pack each shard,
 * finalize. Every step is resumable: re-running a job id skips what is done (planned shards,
 * COMMITTED bundles, DONE shards) and finishes the rest without duplicates. Used in-process by the
 * CLI and `coldpack serve`, and step by step by the AWS Batch worker.
 */
export class ArchiveEngine {
  readonly jobs: JobsRepo;
  readonly bundles: BundleRepo;
  readonly index: FileIndexRepo;
  private readonly packer: BundlePacker;

  /** @param deps clients, table names, archive bucket, options */
  constructor(private readonly deps: ArchiveEngineDeps) {
    this.jobs = new JobsRepo(deps.dynamo, deps.tables.jobs);
    this.bundles = new BundleRepo(deps.dynamo, deps.tables.bundles);
    this.index = new FileIndexRepo(deps.dynamo, deps.tables.files);
    this.packer = new BundlePacker({ s3: deps.s3, bundles: this.bundles, index: this.index, ...(deps.fetch ? { fetch: deps.fetch } : {}) });
  }

  private async job(jobId: string): Promise<JobItem> {
    const job = await this.jobs.get(jobId);
    if (!job) throw new ColdpackError('NOT_FOUND', `archive job ${jobId} does not exist`);
    return job;
  }

  /**
   * Plan the job (once): count the source, apply the QC guard, write shard plans and shard items.
   * @returns the number of shards
   * @throws QcMismatchError (the job is then FAILED with nothing written)
   */
  async plan(jobId: string): Promise<number> {
    return this.measured(jobId, 'plan', () => this.planStep(jobId));
  }

  private measured<T>(jobId: string, step: string, fn: () => Promise<T>): Promise<T> {
    return this.deps.ledger ? this.deps.ledger.step(jobId, step, fn) : fn();
  }

  private async planStep(jobId: string): Promise<number> {
    const job = await this.job(jobId);
    if (job.shard_count !== undefined) return job.shard_count;
    await this.jobs.update(jobId, { status: 'RUNNING', started_at: job.started_at ?? new Date().toISOString() });
    const policy = this.deps.bucketPolicy ?? { reserved: [this.deps.archiveBucket], allowed: [] };
    checkQc(job.request, await countSource(this.deps.s3, job.request, policy));
    const { shards, counts } = await writeShardPlans(this.deps.s3, this.deps.archiveBucket, jobId, job.request, policy);
    checkQc(job.request, counts);
    for (const s of shards) await this.jobs.putShard(jobId, s);
    await this.jobs.update(jobId, {
      shard_count: shards.length,
      n_files_listed: counts.files,
      n_bytes_listed: counts.bytes,
      n_folder_markers: counts.folderMarkers,
      n_archived_class: counts.archivedClass,
      n_bundles_planned: counts.bundles,
    });
    return shards.length;
  }

  /** Pack one shard (an AWS Batch array child runs exactly this). */
  async packShard(jobId: string, shard: number, onProgress?: ShardProgress): Promise<void> {
    const job = await this.job(jobId);
    const worker = new ShardWorker({ s3: this.deps.s3, jobs: this.jobs, bundles: this.bundles, packer: this.packer, archiveBucket: this.deps.archiveBucket });
    await this.measured(jobId, `shard-${shard}`, () => worker.run(jobId, job.generation, job.request, shard, onProgress));
  }

  /** Verify, delete sources, report; releases the source lock. */
  async finalize(jobId: string): Promise<JobReport> {
    const job = await this.job(jobId);
    const done = await this.finishedReport(job);
    if (done) return done;
    const finalizer = new Finalizer({ s3: this.deps.s3, jobs: this.jobs, bundles: this.bundles, archiveBucket: this.deps.archiveBucket });
    const ledger = this.deps.ledger;
    const start = ledger?.now();
    const report = await finalizer.run(job, async (totals) => {
      const usage = ledger && start ? await ledger.total(jobId, ledger.since(start)) : undefined;
      return {
        ...(usage ? { requests: usage.requests, bytes_transferred: { sent: usage.bytes_sent, received: usage.bytes_received } } : {}),
        ...((await this.deps.reportExtras?.(job, totals, usage)) ?? {}),
      };
    });
    await this.jobs.releaseLock(sourceLock(job), jobId);
    await this.deps.onFinished?.(report).catch(() => undefined);
    return report;
  }

  /**
   * The stored report of a job that already ended SUCCEEDED or PARTIAL, else undefined. A finished
   * job is never finalized again: deleting a second time could remove objects written after it.
   */
  private async finishedReport(job: JobItem): Promise<JobReport | undefined> {
    if ((job.status !== 'SUCCEEDED' && job.status !== 'PARTIAL') || !job.report_key) return undefined;
    const res = await this.deps.s3.send(new GetObjectCommand({ Bucket: this.deps.archiveBucket, Key: job.report_key }));
    return JSON.parse(await res.Body!.transformToString()) as JobReport;
  }

  /**
   * Run every step in this process (`onPlanned` is called once the plan exists, e.g. to size a progress bar). On error the job is marked FAILED with the message (and the
   * lock released); a later run of the same id resumes where it stopped.
   */
  async run(jobId: string, onProgress?: ShardProgress, onPlanned?: (job: JobItem) => void): Promise<JobReport> {
    try {
      const existing = await this.job(jobId);
      const done = await this.finishedReport(existing);
      if (done) return done;
      const shards = await this.plan(jobId);
      await this.jobs.update(jobId, { status: 'RUNNING' });
      if (onPlanned) onPlanned(await this.job(jobId));
      for (let s = 0; s < shards; s++) await this.packShard(jobId, s, onProgress);
      return await this.finalize(jobId);
    } catch (err) {
      const job = await this.jobs.get(jobId);
      if (job) {
        await this.jobs.update(jobId, { status: 'FAILED', finished_at: new Date().toISOString(), errors: [jobErrorOf(err)] });
        await this.jobs.releaseLock(sourceLock(job), jobId);
      }
      throw err;
    }
  }
}
