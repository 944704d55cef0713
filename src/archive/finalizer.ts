import { alreadyArchivedKey, bundleKeys, jobUploadPrefixes, reportKey } from '../domain/keys.js';
import { abortStaleUploads } from './stale-uploads.js';
import type { JobItem, ShardItem } from '../domain/archive-job.js';
import type { JobStatus } from '../domain/model.js';
import type { BundleStore } from '../domain/ports/bundle-store.js';
import type { JobStore } from '../domain/ports/job-store.js';
import type { ObjectStore } from '../domain/ports/object-store.js';
import { systemClock, type Clock } from '../domain/ports/clock.js';
import { silentLogger, type Logger } from '../domain/ports/logger.js';
import { readManifest } from '../bundle/manifest.js';
import { SourceDeleter, type DeleteOutcome } from './source-deleter.js';
import { readShardPlan } from './shard-plan.js';

/** The job report stored at `reports/<project>/<job>.json` and summarised on the job item. Sizes in bytes. */
export interface JobReport {
  readonly job_id: string;
  readonly project: string;
  readonly status: JobStatus;
  readonly files_listed: number;
  readonly bytes_listed: number;
  readonly folder_markers: number;
  /** Listed objects already in GLACIER/DEEP_ARCHIVE: not readable without a restore, left alone. */
  readonly archived_class: number;
  readonly files_archived: number;
  readonly bytes_archived: number;
  readonly bundles: number;
  readonly bundle_bytes: number;
  /** bytes_archived / bundle_bytes (higher = better compression). */
  readonly compression_ratio: number;
  readonly files_skipped: number;
  readonly skipped: ReadonlyArray<{ key: string; reason: string; detail: string }>;
  /** Rows of a manifest source naming an object an earlier row named: dropped at plan time, never archived twice. */
  readonly duplicates_dropped: number;
  /** The first 100 such `bucket/key`. */
  readonly duplicates: readonly string[];
  /**
   * Listed objects a committed bundle of another job already held (same bucket, key and ETag): not
   * packed again; deleted with `delete_source` (If-Match on that ETag, counted in `files_deleted` /
   * `files_kept` with the archived ones). Not part of `files_archived`.
   */
  readonly already_archived: number;
  /** Bytes of those objects. */
  readonly already_archived_bytes: number;
  /**
   * Unfinished multipart uploads of the job aborted: left by a killed attempt (found when a step was
   * resumed, and at finalize when any was) or by a create the SDK retried after a lost answer.
   */
  readonly orphan_uploads_aborted: number;
  /** Versions of rewritten bundles (and their manifests) deleted when the rewrite committed (versioned archive bucket). */
  readonly superseded_versions_deleted: number;
  /** Such versions whose delete was refused: the bucket's noncurrent-version expiration rule removes them. */
  readonly superseded_versions_left: number;
  readonly files_deleted: number;
  readonly files_kept: number;
  readonly kept: DeleteOutcome['kept'];
  readonly problems: string[];
  readonly started_at?: string;
  readonly finished_at: string;
  /** Wall-clock ms from start to finish. */
  readonly elapsed_ms?: number;
  /** Extra sections (requests and cost) added by the caller. */
  readonly [extra: string]: unknown;
}

/** Totals of a job handed to the report-extras callback. Sizes in bytes. */
export interface ReportTotals {
  readonly files: number;
  readonly bytes: number;
  readonly bundles: number;
  readonly bundleBytes: number;
}

/** Collaborators of {@link Finalizer}. */
export interface FinalizerDeps {
  readonly objects: ObjectStore;
  readonly jobs: JobStore;
  readonly bundles: BundleStore;
  readonly archiveBucket: string;
  /** Default {@link systemClock}. */
  readonly clock?: Clock;
  /** Default {@link silentLogger}. */
  readonly logger?: Logger;
}

/**
 * Finalize an archive job: check every shard is DONE and every bundle COMMITTED with the counts
 * adding up; only then delete the sources (conditional on their archived ETag) when
 * `delete_source` is set, and the objects the planner found already archived by another job; write the report; set SUCCEEDED (all archived and deleted as asked) or
 * PARTIAL (objects skipped or kept). When a check fails nothing is deleted and the job is FAILED.
 * Idempotent: a re-run deletes what is left and rewrites the report.
 */
export class Finalizer {
  /** @param deps object store, job and bundle stores, archive bucket, clock, logger */
  constructor(private readonly deps: FinalizerDeps) {}

  /**
   * @param extras computes extra report sections (e.g. request counts and cost) from the job's
   * totals, called after the deletes and just before the report is written; when it fails the
   * report carries `extras_error` and the failure is logged
   */
  async run(job: JobItem, extras?: (totals: ReportTotals) => Promise<Record<string, unknown>>): Promise<JobReport> {
    const { jobs, bundles, objects, archiveBucket } = this.deps;
    const logger = this.deps.logger ?? silentLogger;
    const req = job.request;
    const shards = await jobs.shards(job.job_id);
    const problems: string[] = [];
    if (shards.length !== (job.shard_count ?? -1)) problems.push(`planned ${job.shard_count} shards, found ${shards.length}`);
    const committed: string[] = [];
    let bundleBytes = 0;
    const superseded = { deleted: 0, left: 0 };
    for (const s of shards) {
      if (s.status !== 'DONE') {
        problems.push(`shard ${s.shard} is not done`);
        continue;
      }
      let entries = 0;
      for (let seq = 0; seq < (s.bundles ?? 0); seq++) {
        const b = await bundles.get(bundleKeys(req.project, job.job_id, s.shard, seq).bundle);
        if (b?.state !== 'COMMITTED') {
          problems.push(`bundle ${seq} of shard ${s.shard} is not committed`);
          continue;
        }
        entries += b.entry_count ?? 0;
        bundleBytes += b.bytes ?? 0;
        superseded.deleted += b.superseded_versions_deleted ?? 0;
        superseded.left += b.superseded_versions_left ?? 0;
        if (b.manifest_key) committed.push(b.manifest_key); // a bundle whose objects were all skipped has no object
      }
      if (entries !== s.archived_files) problems.push(`shard ${s.shard}: bundles hold ${entries} entries, shard says ${s.archived_files}`);
      if (entries + (s.skipped_count ?? 0) !== s.files)
        problems.push(`shard ${s.shard}: ${entries} archived + ${s.skipped_count ?? 0} skipped != ${s.files} planned`);
    }
    const sum = (f: (s: ShardItem) => number | undefined): number => shards.reduce((n, s) => n + (f(s) ?? 0), 0);
    const filesArchived = sum((s) => s.archived_files);
    const bytesArchived = sum((s) => s.archived_bytes);
    const skippedCount = sum((s) => s.skipped_count);
    let orphans = job.n_orphan_uploads_aborted ?? 0;
    if ((job.n_resumed_steps ?? 0) > 0) {
      // A step was resumed: sweep the whole job once more (nothing of it is in flight at finalize).
      for (const prefix of jobUploadPrefixes(req.project, job.job_id)) orphans += await abortStaleUploads(objects, archiveBucket, prefix, logger);
    }
    const deleter = new SourceDeleter(objects);
    if (problems.length === 0 && req.delete_source && !req.dry_run) {
      for (const manifestKey of committed) {
        const res = await objects.getObject({ bucket: archiveBucket, key: manifestKey });
        for await (const e of readManifest(res.body)) await deleter.add({ bucket: e.bucket, key: e.key, etag: e.etag });
      }
      // Already in a committed bundle of another job: deleted like the archived ones, If-Match on the listed ETag.
      if ((job.n_already_archived ?? 0) > 0)
        for await (const o of readShardPlan(objects, archiveBucket, alreadyArchivedKey(req.project, job.job_id)))
          await deleter.add({ bucket: o.bucket, key: o.key, etag: o.etag! });
      await deleter.flush();
    }
    const extra =
      (await extras?.({ files: filesArchived, bytes: bytesArchived, bundles: committed.length, bundleBytes }).catch((err: unknown) => {
        logger.warn({ err, job_id: job.job_id }, 'report extras (requests, cost) failed; the report carries extras_error');
        return { extras_error: String(err) };
      })) ?? {};
    const status: JobStatus = problems.length > 0 ? 'FAILED' : skippedCount > 0 || deleter.outcome.keptCount > 0 ? 'PARTIAL' : 'SUCCEEDED';
    const finishedAt = (this.deps.clock ?? systemClock).now().toISOString();
    const report: JobReport = {
      job_id: job.job_id,
      project: req.project,
      status,
      files_listed: job.n_files_listed ?? sum((s) => s.files),
      bytes_listed: job.n_bytes_listed ?? sum((s) => s.bytes),
      folder_markers: job.n_folder_markers ?? 0,
      archived_class: job.n_archived_class ?? 0,
      files_archived: filesArchived,
      bytes_archived: bytesArchived,
      bundles: committed.length,
      bundle_bytes: bundleBytes,
      compression_ratio: bundleBytes > 0 ? Math.round((bytesArchived / bundleBytes) * 1000) / 1000 : 0,
      files_skipped: skippedCount,
      skipped: shards.flatMap((s) => s.skipped ?? []).slice(0, 100),
      duplicates_dropped: job.n_duplicates_dropped ?? 0,
      duplicates: job.duplicate_sample ?? [],
      already_archived: job.n_already_archived ?? 0,
      already_archived_bytes: job.n_already_archived_bytes ?? 0,
      orphan_uploads_aborted: orphans,
      superseded_versions_deleted: superseded.deleted,
      superseded_versions_left: superseded.left,
      files_deleted: deleter.outcome.deleted,
      files_kept: deleter.outcome.keptCount,
      kept: deleter.outcome.kept,
      problems,
      ...(job.started_at ? { started_at: job.started_at, elapsed_ms: Date.parse(finishedAt) - Date.parse(job.started_at) } : {}),
      finished_at: finishedAt,
      ...extra,
    };
    const key = reportKey(req.project, job.job_id);
    await objects.putObject({ bucket: archiveBucket, key, body: JSON.stringify(report, null, 2), headers: { contentType: 'application/json' } });
    await jobs.update(job.job_id, {
      status,
      finished_at: finishedAt,
      report_key: key,
      n_files_archived: filesArchived,
      n_bytes_archived: bytesArchived,
      n_bundles: committed.length,
      n_bundle_bytes: bundleBytes,
      n_files_skipped: skippedCount,
      n_files_deleted: deleter.outcome.deleted,
      n_files_kept: deleter.outcome.keptCount,
      n_orphan_uploads_aborted: orphans,
      n_superseded_versions_deleted: superseded.deleted,
      n_superseded_versions_left: superseded.left,
      ...(problems.length > 0 ? { errors: problems.slice(0, 20).map((message) => ({ code: 'VERIFY_FAILED', message })) } : {}),
    });
    return report;
  }
}
