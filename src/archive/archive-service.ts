import { randomBytes } from 'node:crypto';
import { text } from 'node:stream/consumers';
import { JOB_STALE_AFTER_MS, SourceLockedError, isStale, sourceLock, type CreateResult, type JobItem } from '../domain/archive-job.js';
import type { ArchiveJobs, JobView, SubmitOptions } from '../domain/archive-jobs.js';
import type { ArchiveRequest } from '../domain/archive-request.js';
import { ConflictError, ValidationError } from '../domain/errors.js';
import { systemClock, type Clock } from '../domain/ports/clock.js';
import type { JobStore } from '../domain/ports/job-store.js';
import { silentLogger, type Logger } from '../domain/ports/logger.js';
import { ObjectStoreError, type ObjectStore } from '../domain/ports/object-store.js';
import { countSource, checkQc, type BucketPolicy } from './planner.js';
import { JobLauncher } from './job-launcher.js';
import type { RetryWriteOptions } from './retry-write.js';

/** Starts the work of a created job: in-process (background promise) or on AWS Batch. */
export interface JobStarter {
  /** Start job `jobId`; resolves once the work is started (not finished). */
  start(jobId: string): Promise<void>;
}

/** A new job id: `<UTC yyyymmddThhmmssZ>-<8 hex>`, sortable by creation time. */
export function newJobId(now = new Date()): string {
  return `${now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}-${randomBytes(4).toString('hex')}`;
}

/**
 * Whether two requests ask for the same archive (what an idempotency key promises): same project,
 * source, limits, storage class, QC expectations and deletion; who asked and the period may differ.
 */
export function sameRequest(a: ArchiveRequest, b: ArchiveRequest): boolean {
  const essence = (r: ArchiveRequest) =>
    JSON.stringify([
      r.project,
      r.source,
      r.max_bundle_bytes,
      r.max_files_per_bundle,
      r.storage_class,
      r.expected_file_count,
      r.expected_total_bytes,
      r.allow_mismatch,
      r.delete_source,
      r.dry_run,
      r.archive_tags === true,
    ]);
  return essence(a) === essence(b);
}

/**
 * Convert a job item into the job view the API and the CLI show; with `liveness`, a QUEUED or
 * RUNNING job without a sign of life for `staleAfterMs` is marked `stale`.
 */
export function jobView(job: JobItem, liveness?: { readonly now: Date; readonly staleAfterMs: number }): JobView {
  const counters: Record<string, number> = {};
  for (const [k, v] of Object.entries(job)) if (k.startsWith('n_') && typeof v === 'number') counters[k.slice(2)] = v;
  return {
    job_id: job.job_id,
    status: job.status,
    request: job.request,
    counters,
    created_at: job.created_at,
    updated_at: job.updated_at,
    ...(job.errors?.length
      ? {
          errors: job.errors.map((e): { code: string; message: string } =>
            typeof e === 'string' ? { code: 'JOB_ERROR', message: e } : { code: e.code, message: e.message },
          ),
        }
      : {}),
    ...(job.report_key ? { report: { report_key: job.report_key, shard_count: job.shard_count ?? 0 } } : {}),
    ...(job.heartbeat_at ? { heartbeat_at: job.heartbeat_at } : {}),
    ...(liveness && isStale(job, liveness.now, liveness.staleAfterMs) ? { stale: true } : {}),
  };
}

/** Collaborators and settings of {@link ArchiveService}. */
export interface ArchiveServiceDeps {
  readonly objects: ObjectStore;
  readonly jobs: JobStore;
  readonly starter: JobStarter;
  /** Archive bucket (reports are read from it; never accepted as a source). */
  readonly archiveBucket?: string;
  /** Buckets never accepted as a source (coldpack's own: archive and restore buckets). */
  readonly reservedBuckets?: readonly string[];
  /** When non-empty, the only buckets that may be archived (deployment allow-list). */
  readonly allowedSourceBuckets?: readonly string[];
  /** Where an unreadable report is reported. Default {@link silentLogger}. */
  readonly logger?: Logger;
  /** Default {@link systemClock}. */
  readonly clock?: Clock;
  /** A QUEUED or RUNNING job without a sign of life for this many ms is stale and may be taken over. Default {@link JOB_STALE_AFTER_MS}. */
  readonly staleAfterMs?: number;
  /** Retries of the writes that must not be lost (marking a job FAILED, releasing its lock). Defaults of {@link retryWrite}. */
  readonly retry?: Omit<RetryWriteOptions, 'logger'>;
}

/**
 * The archive API's service: validates that the source can be read, creates the job item
 * (idempotent on an idempotency key; one running job per source), and hands it to a
 * {@link JobStarter}. A dry run lists, counts and groups without writing anything.
 */
export class ArchiveService implements ArchiveJobs {
  /** @param deps object store, job store, job starter, bucket rules, logger, clock */
  constructor(private readonly deps: ArchiveServiceDeps) {}

  /**
   * @throws ValidationError (400) when the bucket or prefix does not exist or cannot be read
   * @throws ConflictError (409, details `{job_id}`) when a job for the same source is QUEUED or RUNNING
   * @throws QcMismatchError (422) for a dry run whose listing does not match the expected counts
   */
  async submit(req: ArchiveRequest, opts: SubmitOptions): Promise<JobView> {
    const key = opts.idempotencyKey;
    let replaceKeyOf: string | undefined;
    if (key) {
      const existingId = await this.deps.jobs.jobForKey(key);
      const existing = existingId ? await this.deps.jobs.get(existingId) : undefined;
      if (existing && !(existing.status === 'FAILED' && key.startsWith('PERIOD#'))) {
        if (!sameRequest(existing.request, req)) {
          throw new ConflictError(
            `idempotency key ${key} was used for job ${existing.job_id} (${existing.status}) with a different request; use a new key for a new request`,
            { job_id: existing.job_id },
            'IDEMPOTENCY_KEY_REUSED',
          );
        }
        return jobView(existing);
      }
      if (existing) replaceKeyOf = existing.job_id;
    }
    await this.checkSource(req);
    const clock = this.deps.clock ?? systemClock;
    const now = clock.now().toISOString();
    if (req.dry_run) {
      // A dry run refuses whatever the real run would refuse: a running job on the source, a row
      // naming one of coldpack's own buckets or a bucket off the allow-list, the QC guard.
      await this.launcher().freeStaleLocks(sourceLock({ request: req }), undefined, { release: false });
      const counts = await countSource(this.deps.objects, req, this.bucketPolicy());
      checkQc(req, counts);
      return {
        job_id: 'dry-run',
        status: 'SUCCEEDED',
        request: req,
        counters: {
          files_listed: counts.files,
          bytes_listed: counts.bytes,
          folder_markers: counts.folderMarkers,
          archived_class: counts.archivedClass,
          bundles_planned: counts.bundles,
          largest_object: counts.largestObject,
        },
        created_at: now,
        updated_at: now,
        report: { dry_run: true, written: 'nothing' },
      };
    }
    const job: JobItem = {
      job_id: newJobId(clock.now()),
      status: 'QUEUED',
      request: req,
      generation: now,
      created_at: now,
      updated_at: now,
      ...(key ? { idempotency_key: key } : {}),
    };
    const lock = sourceLock(job);
    await this.launcher().freeStaleLocks(lock);
    let created: CreateResult;
    try {
      created = await this.deps.jobs.create(job, lock, replaceKeyOf);
    } catch (err) {
      if (err instanceof SourceLockedError) {
        const other = (await this.deps.jobs.overlappingLocks(lock))[0]?.job_id;
        // The lock is this very job's: a retried creation whose first attempt was written.
        if (other !== job.job_id)
          throw new ConflictError(`another job (${other ?? 'unknown'}) was just started for this source`, { job_id: other }, 'JOB_RUNNING');
        created = { created: true, job };
      } else throw err;
    }
    if (!created.created) return jobView(created.job);
    await this.launcher().start(job, lock);
    return jobView((await this.deps.jobs.get(job.job_id)) ?? job);
  }

  /**
   * The job's view, or undefined when it does not exist. A finished job's view includes its report
   * (requests, cost, skipped objects); when the report object cannot be read the view says so in
   * `report.report_error` and the failure is logged with the job id.
   */
  async get(jobId: string): Promise<JobView | undefined> {
    const job = await this.deps.jobs.get(jobId);
    if (!job) return undefined;
    const view = jobView(job, this.liveness());
    if (!job.report_key || !this.deps.archiveBucket) return view;
    try {
      const res = await this.deps.objects.getObject({ bucket: this.deps.archiveBucket, key: job.report_key });
      const report = JSON.parse(await text(res.body)) as Record<string, unknown>;
      return { ...view, report: { report_key: job.report_key, ...report } };
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      (this.deps.logger ?? silentLogger).warn(
        { err, job_id: jobId, report_key: job.report_key },
        'job report could not be read; the view shows the counters only',
      );
      return { ...view, report: { ...view.report, report_key: job.report_key, report_error: `the report could not be read: ${reason}` } };
    }
  }

  /** Jobs recorded for a project and period (`yyyy-mm`), any status. */
  async findForPeriod(project: string, period: string): Promise<JobView[]> {
    const ids = await this.deps.jobs.jobsForPeriod(project, period);
    const jobs = await Promise.all(ids.map((id) => this.deps.jobs.get(id)));
    return jobs.filter((j): j is JobItem => j !== undefined).map((j) => jobView(j, this.liveness()));
  }

  private liveness(): { now: Date; staleAfterMs: number } {
    return { now: (this.deps.clock ?? systemClock).now(), staleAfterMs: this.deps.staleAfterMs ?? JOB_STALE_AFTER_MS };
  }

  /** @inheritdoc */
  async resume(jobId: string, options: { readonly force?: boolean } = {}): Promise<JobView> {
    return jobView(await this.launcher().resume(jobId, options), this.liveness());
  }

  private launcher(): JobLauncher {
    const { jobs, starter, logger, clock, retry, staleAfterMs } = this.deps;
    return new JobLauncher({
      jobs,
      starter,
      ...(logger ? { logger } : {}),
      ...(clock ? { clock } : {}),
      ...(retry ? { retry } : {}),
      ...(staleAfterMs === undefined ? {} : { staleAfterMs }),
    });
  }

  /** The buckets a job may not read or delete from (coldpack's own) and the allow-list, as the engine applies them. */
  private bucketPolicy(): BucketPolicy {
    return {
      reserved: [...(this.deps.reservedBuckets ?? []), ...(this.deps.archiveBucket ? [this.deps.archiveBucket] : [])],
      allowed: this.deps.allowedSourceBuckets ?? [],
    };
  }

  private async checkSource(req: ArchiveRequest): Promise<void> {
    const src = req.source;
    const field = src.kind === 'list' ? 'bucket_name' : 'manifest';
    const objectBucket = src.kind === 'inventory' ? undefined : src.bucket;
    if (objectBucket !== undefined && objectBucket !== '') {
      const reserved = this.bucketPolicy().reserved;
      if (reserved.includes(objectBucket))
        throw new ValidationError(`bucket ${objectBucket} is one of coldpack's own buckets and cannot be archived`, field, 'SOURCE_NOT_ALLOWED');
      const allowed = this.deps.allowedSourceBuckets ?? [];
      if (allowed.length > 0 && !allowed.includes(objectBucket)) {
        throw new ValidationError(
          `bucket ${objectBucket} is not a source bucket of this deployment (allowed: ${allowed.join(', ')})`,
          field,
          'SOURCE_NOT_ALLOWED',
        );
      }
    }
    try {
      if (src.kind !== 'list') {
        if (src.bucket === '') return; // a local file: the CLI checks it exists
        try {
          await this.deps.objects.headObject({ bucket: src.bucket, key: src.manifest });
        } catch (err) {
          if (err instanceof ObjectStoreError && (err.failure === 'NOT_FOUND' || err.failure === 'NO_SUCH_BUCKET')) {
            throw new ValidationError(
              `s3://${src.bucket}/${src.manifest} does not exist (upload the ${src.kind === 'csv' ? 'CSV manifest' : 'S3 Inventory manifest.json'} first)`,
              field,
              'SOURCE_NOT_FOUND',
            );
          }
          throw err;
        }
        return;
      }
      if (!(await this.hasObjects(src.bucket, src.prefix)))
        throw new ValidationError(`no objects under s3://${src.bucket}/${src.prefix}: the prefix does not exist`, 'prefix', 'SOURCE_EMPTY');
    } catch (err) {
      if (!(err instanceof ObjectStoreError)) throw err;
      if (err.failure === 'NO_SUCH_BUCKET' || err.failure === 'NOT_FOUND')
        throw new ValidationError(`bucket ${src.bucket} does not exist`, field, 'SOURCE_NOT_FOUND');
      if (err.failure === 'ACCESS_DENIED')
        throw new ValidationError(`bucket ${src.bucket} cannot be read by coldpack (access denied)`, field, 'SOURCE_FORBIDDEN');
      throw err;
    }
  }

  /** Whether anything is listed under the prefix (stops after the first object). */
  private async hasObjects(bucket: string, prefix: string): Promise<boolean> {
    for await (const _ of this.deps.objects.listObjects(bucket, prefix)) return true;
    return false;
  }
}
