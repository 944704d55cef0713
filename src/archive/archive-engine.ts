import { text } from 'node:stream/consumers';
import { JOB_HEARTBEAT_MS, jobErrorOf, sourceLock, type JobItem } from '../domain/archive-job.js';
import { ColdpackError } from '../domain/errors.js';
import { preflight } from './preflight.js';
import { abortStaleUploads } from './stale-uploads.js';
import { jobUploadPrefixes } from '../domain/keys.js';
import type { BundleStore } from '../domain/ports/bundle-store.js';
import { systemClock, type Clock } from '../domain/ports/clock.js';
import type { FileIndexStore } from '../domain/ports/file-index-store.js';
import type { BundleDirectoryStore } from '../domain/ports/bundle-directory-store.js';
import { DEFAULT_CATALOG_MODE, type CatalogMode } from '../domain/catalog.js';
import type { JobStore } from '../domain/ports/job-store.js';
import { silentLogger, type Logger } from '../domain/ports/logger.js';
import type { ObjectStore } from '../domain/ports/object-store.js';
import type { Usage } from '../domain/ports/usage-store.js';
import { BundlePacker } from './bundle-packer.js';
import { Finalizer, type JobReport, type ReportTotals } from './finalizer.js';
import type { UsageLedger } from './usage-ledger.js';
import { checkQc, countSource, writeShardPlans, type BucketPolicy } from './planner.js';
import { ShardWorker, type ShardProgress } from './shard-worker.js';
import type { FetchOptions } from './object-fetcher.js';
import type { UniqueRowsOptions } from './unique-source.js';
import { startHeartbeat } from './job-heartbeat.js';
import { AlreadyArchived } from './already-archived.js';
import { retryWrite, type RetryWriteOptions } from './retry-write.js';
import { removePlans } from './plan-cleanup.js';
import { noted } from './uncommitted-cleanup.js';

/** Ports and options of {@link ArchiveEngine}. The composition root (`src/entrypoints/archive-composition.ts`) builds the adapters. */
export interface ArchiveEngineDeps {
  /** Sources, bundles, manifests, plans and reports. */
  readonly objects: ObjectStore;
  readonly jobs: JobStore;
  readonly bundles: BundleStore;
  /** Job scopes (written by the planner before any bundle commits). */
  readonly directory: BundleDirectoryStore;
  /** Per-file index, written only with `catalog: per_file`. */
  readonly index: FileIndexStore;
  /** Catalog mode: `compact` (default: the bundle directory and manifests) or `per_file` (plus one index item per file). */
  readonly catalog?: CatalogMode;
  readonly archiveBucket: string;
  /** Fetch concurrency and buffering (defaults: 64 GETs, 128 MiB, stream ≥ 8 MiB). */
  readonly fetch?: FetchOptions;
  /** Called with the final report (e.g. SNS summary). A failure is logged, never fatal. */
  readonly onFinished?: (report: JobReport) => Promise<void>;
  /** Buckets the job may read and delete from; default: any but the archive bucket. */
  readonly bucketPolicy?: BucketPolicy;
  /** Records each step's requests (from a request meter on the adapters' clients) for the job report. */
  readonly ledger?: UsageLedger;
  /** Extra report sections computed at finalize from the job, its totals and its usage (e.g. cost). */
  readonly reportExtras?: (job: JobItem, totals: ReportTotals, usage: Usage | undefined) => Promise<Record<string, unknown>>;
  /** Run sizes of the sort that drops repeated manifest rows (defaults of {@link uniqueRows}). */
  readonly sort?: UniqueRowsOptions;
  /** Default {@link silentLogger}. */
  readonly logger?: Logger;
  /** Default {@link systemClock}. */
  readonly clock?: Clock;
  /** Milliseconds between the heartbeats a running step writes on the job (`heartbeat_at`). Default {@link JOB_HEARTBEAT_MS}. */
  readonly heartbeatMs?: number;
  /** Retries of the writes that must not be lost (FAILED status, lock release). Defaults of {@link retryWrite}. */
  readonly retry?: Omit<RetryWriteOptions, 'logger'>;
}

/**
 * Runs the steps of an archive job: plan (count + QC guard, then shard plans), pack each shard,
 * finalize. Every step is resumable: re-running a job id skips what is done (planned shards,
 * COMMITTED bundles, DONE shards) and finishes the rest without duplicates. Used in-process by the
 * CLI and `coldpack serve` ({@link run}), and step by step by the AWS Batch worker.
 */
export class ArchiveEngine {
  private readonly packer: BundlePacker;
  /** Jobs whose pre-flight passed in this engine. */
  private readonly checked = new Set<string>();
  private readonly logger: Logger;
  private readonly clock: Clock;

  /** @param deps ports (object store, job/bundle/index stores, ledger, logger, clock), archive bucket, options */
  constructor(private readonly deps: ArchiveEngineDeps) {
    this.logger = deps.logger ?? silentLogger;
    this.clock = deps.clock ?? systemClock;
    this.packer = new BundlePacker({
      objects: deps.objects,
      bundles: deps.bundles,
      index: deps.index,
      clock: this.clock,
      logger: this.logger,
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
    });
  }

  private async job(jobId: string): Promise<JobItem> {
    const job = await this.deps.jobs.get(jobId);
    if (!job) throw new ColdpackError('NOT_FOUND', `archive job ${jobId} does not exist`);
    return job;
  }

  private now(): string {
    return this.clock.now().toISOString();
  }

  /**
   * Plan the job (once): count the source, apply the QC guard, write shard plans (every object
   * once: repeated manifest rows are dropped and counted, `n_duplicates_dropped`; objects a committed
   * bundle of another job already holds are not planned but listed for the finalizer's deletes and
   * counted, `n_already_archived`), the job's scopes (its key range per source bucket, before any
   * bundle commits) and shard items.
   * @returns the number of shards
   * @throws QcMismatchError when the objects do not match the request: nothing is written (a refusal
   *   found once a manifest's repeats are dropped deletes the shard plans written, and says so)
   */
  async plan(jobId: string): Promise<number> {
    return this.measured(jobId, 'plan', () => this.planStep(jobId));
  }

  /** Run a step with its requests measured and the job's heartbeat written while it runs. */
  private async measured<T>(jobId: string, step: string, fn: () => Promise<T>): Promise<T> {
    const stop = startHeartbeat(jobId, { jobs: this.deps.jobs, clock: this.clock, logger: this.logger, intervalMs: this.deps.heartbeatMs ?? JOB_HEARTBEAT_MS });
    try {
      return await (this.deps.ledger ? this.deps.ledger.step(jobId, step, fn) : fn());
    } finally {
      stop();
    }
  }

  /** A write that must not be lost, retried with backoff (see {@link retryWrite}). */
  private mustWrite(what: string, write: () => Promise<void>): Promise<void> {
    return retryWrite(what, write, { logger: this.logger, ...this.deps.retry });
  }

  private async planStep(jobId: string): Promise<number> {
    const { jobs, objects, archiveBucket } = this.deps;
    const job = await this.job(jobId);
    if (job.shard_count !== undefined) return job.shard_count;
    await this.checkOnce(jobId);
    if (job.started_at) {
      // A resumed plan: a killed attempt may have left a plan or sort-run upload unfinished.
      const aborted = await abortStaleUploads(objects, archiveBucket, jobUploadPrefixes(job.request.project, jobId)[1]!, this.logger);
      await jobs.addCounters(jobId, { resumed_steps: 1, orphan_uploads_aborted: aborted });
    }
    await jobs.update(jobId, { status: 'RUNNING', started_at: job.started_at ?? this.now() });
    const policy = this.deps.bucketPolicy ?? { reserved: [archiveBucket], allowed: [] };
    checkQc(job.request, await countSource(objects, job.request, policy));
    const source = job.request.source;
    const archived = new AlreadyArchived(
      { objects, directory: this.deps.directory, logger: this.logger },
      {
        jobId,
        project: job.request.project,
        archiveBucket,
        prefix: source.kind === 'csv' ? '' : (source.prefix ?? ''),
        ...(this.deps.sort ? { sort: this.deps.sort } : {}),
      },
    );
    const { shards, counts, scopes } = await writeShardPlans(objects, archiveBucket, jobId, job.request, policy, this.deps.sort, archived);
    try {
      // Exact now that a manifest's repeated rows are dropped; a refusal takes the plans just written away.
      checkQc(job.request, counts, true);
    } catch (err) {
      throw noted(err, await removePlans(objects, archiveBucket, jobUploadPrefixes(job.request.project, jobId)[1]!, this.logger));
    }
    const catalog = this.deps.catalog ?? DEFAULT_CATALOG_MODE;
    for (const scope of scopes.scopes({ job_id: jobId, project: job.request.project, generation: job.generation, catalog }))
      await this.deps.directory.putScope(scope);
    for (const s of shards) await jobs.putShard(jobId, s);
    await jobs.update(jobId, {
      shard_count: shards.length,
      n_files_listed: counts.files + counts.duplicates,
      n_bytes_listed: counts.bytes + counts.duplicateBytes,
      n_duplicates_dropped: counts.duplicates,
      ...(counts.duplicateSample.length > 0 ? { duplicate_sample: counts.duplicateSample } : {}),
      n_folder_markers: counts.folderMarkers,
      n_archived_class: counts.archivedClass,
      n_bundles_planned: counts.bundles,
      n_already_archived: counts.alreadyArchived,
      n_already_archived_bytes: counts.alreadyArchivedBytes,
      n_catalog_manifests_read: archived.stats.manifestsRead,
    });
    return shards.length;
  }

  /**
   * The job's pre-flight ({@link preflight}: the bundle and index stores answer), before anything of
   * it is uploaded; once per job and engine (an AWS Batch child checks in its own process).
   * @throws PreflightError
   */
  private async checkOnce(jobId: string): Promise<void> {
    if (this.checked.has(jobId)) return;
    await preflight(this.deps);
    this.checked.add(jobId);
  }

  /** Pack one shard (an AWS Batch array child runs exactly this). */
  async packShard(jobId: string, shard: number, onProgress?: ShardProgress): Promise<void> {
    const job = await this.job(jobId);
    await this.checkOnce(jobId);
    const { objects, jobs, bundles, archiveBucket } = this.deps;
    const worker = new ShardWorker({
      objects,
      jobs,
      bundles,
      packer: this.packer,
      archiveBucket,
      catalog: this.deps.catalog ?? DEFAULT_CATALOG_MODE,
      logger: this.logger,
    });
    await this.measured(jobId, `shard-${shard}`, () => worker.run(jobId, job.generation, job.request, shard, onProgress));
  }

  /** Verify, delete sources, report; releases the source lock. */
  async finalize(jobId: string): Promise<JobReport> {
    const job = await this.job(jobId);
    const done = await this.finishedReport(job);
    if (done) return done;
    const { objects, jobs, bundles, archiveBucket, ledger } = this.deps;
    const finalizer = new Finalizer({ objects, jobs, bundles, archiveBucket, clock: this.clock, logger: this.logger });
    const start = ledger?.now();
    const report = await finalizer.run(job, async (totals) => {
      const usage = ledger && start ? await ledger.total(jobId, ledger.since(start)) : undefined;
      return {
        ...(usage
          ? {
              requests: usage.requests,
              bytes_transferred: { sent: usage.bytes_sent, received: usage.bytes_received },
              dynamodb_items_written: usage.dynamodb_items_written,
            }
          : {}),
        ...((await this.deps.reportExtras?.(job, totals, usage)) ?? {}),
      };
    });
    await this.mustWrite(`release the source lock of job ${jobId}`, () => jobs.releaseLock(sourceLock(job), jobId));
    if (this.deps.onFinished) {
      try {
        await this.deps.onFinished(report);
      } catch (err) {
        this.logger.error({ err, job_id: jobId, status: report.status }, 'the finished-job callback (e.g. the SNS summary) failed; the job itself is finished');
      }
    }
    return report;
  }

  /**
   * The stored report of a job that already ended SUCCEEDED or PARTIAL, else undefined. A finished
   * job is never finalized again: deleting a second time could remove objects written after it.
   */
  private async finishedReport(job: JobItem): Promise<JobReport | undefined> {
    if ((job.status !== 'SUCCEEDED' && job.status !== 'PARTIAL') || !job.report_key) return undefined;
    const res = await this.deps.objects.getObject({ bucket: this.deps.archiveBucket, key: job.report_key });
    return JSON.parse(await text(res.body)) as JobReport;
  }

  /**
   * Record that `step` of the job failed: status FAILED and the error appended (the last 20 kept).
   * Used by the AWS Batch worker on a step's last attempt.
   * @returns false when the job does not exist (nothing recorded)
   */
  async recordFailure(jobId: string, step: string, err: unknown): Promise<boolean> {
    const job = await this.deps.jobs.get(jobId);
    if (!job) return false;
    await this.deps.jobs.update(jobId, { status: 'FAILED', errors: [...(job.errors ?? []), jobErrorOf(err, `${step}: `)].slice(-20) });
    return true;
  }

  /**
   * Run every step in this process (`onPlanned` is called once the plan exists, e.g. to size a
   * progress bar). On error the job is marked FAILED with the message (and the lock released); a
   * later run of the same id resumes where it stopped.
   * @throws the step's error, after recording it
   */
  async run(jobId: string, onProgress?: ShardProgress, onPlanned?: (job: JobItem) => void): Promise<JobReport> {
    const { jobs } = this.deps;
    try {
      const existing = await this.job(jobId);
      const done = await this.finishedReport(existing);
      if (done) return done;
      const shards = await this.plan(jobId);
      await jobs.update(jobId, { status: 'RUNNING' });
      if (onPlanned) onPlanned(await this.job(jobId));
      for (let s = 0; s < shards; s++) await this.packShard(jobId, s, onProgress);
      return await this.finalize(jobId);
    } catch (err) {
      // Retried: after an outage these writes fail too, and a job left RUNNING would hold its lock.
      // If they still fail the job stays RUNNING without heartbeats: stale, and a resume takes it over.
      try {
        const job = await retryWrite(`read job ${jobId}`, () => jobs.get(jobId), { logger: this.logger, ...this.deps.retry });
        if (job) {
          await this.mustWrite(`mark job ${jobId} FAILED`, () => jobs.update(jobId, { status: 'FAILED', finished_at: this.now(), errors: [jobErrorOf(err)] }));
          await this.mustWrite(`release the source lock of job ${jobId}`, () => jobs.releaseLock(sourceLock(job), jobId));
        }
      } catch (writeErr) {
        this.logger.error(
          { err: writeErr, job_id: jobId },
          'the job could not be marked FAILED; it stays RUNNING until its heartbeat is stale and a resume takes it over',
        );
      }
      throw err;
    }
  }
}
