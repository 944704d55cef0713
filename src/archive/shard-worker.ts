import type { ArchiveRequest } from '../domain/archive-request.js';
import type { ShardItem } from '../domain/archive-job.js';
import { ColdpackError } from '../domain/errors.js';
import { BundleCutter } from '../domain/grouping.js';
import { bundleKeys, shardBundlePrefix, shardPlanKey } from '../domain/keys.js';
import { silentLogger, type Logger } from '../domain/ports/logger.js';
import { abortStaleUploads } from './stale-uploads.js';
import type { BundleStore } from '../domain/ports/bundle-store.js';
import type { JobStore } from '../domain/ports/job-store.js';
import type { ObjectStore } from '../domain/ports/object-store.js';
import { SKIPPED_LISTED, type BundlePacker, type SkippedObject } from './bundle-packer.js';
import { PlanBundles } from './plan-bundles.js';
import { bundlePartSize } from '../bundle/part-size.js';
import { DEFAULT_CATALOG_MODE, type CatalogMode } from '../domain/catalog.js';
import { readShardPlan } from './shard-plan.js';

/** Progress callback: called after each bundle with the shard's running totals. */
export type ShardProgress = (p: { shard: number; bundles: number; files: number; bytes: number; skipped: number }) => void;

/** Collaborators of {@link ShardWorker}. */
export interface ShardWorkerDeps {
  readonly objects: ObjectStore;
  readonly jobs: JobStore;
  readonly bundles: BundleStore;
  readonly packer: BundlePacker;
  readonly archiveBucket: string;
  /** Catalog mode of the job's bundles. Default `compact`. */
  readonly catalog?: CatalogMode;
  /** Where a failed abort of a stale upload is reported. Default {@link silentLogger}. */
  readonly logger?: Logger;
}

/**
 * Packs one shard: streams its plan, cuts it into bundles with the same deterministic rule as the
 * planner, skips bundles already COMMITTED (resume), packs the rest, then marks the shard DONE.
 * Objects flow from the plan into the packer as they are read: no bundle's object list is held.
 */
export class ShardWorker {
  /** @param deps object store, job and bundle stores, packer, archive bucket */
  constructor(private readonly deps: ShardWorkerDeps) {}

  /**
   * @param jobId archive job id; @param generation the job's generation timestamp
   * @returns the shard item as stored (status DONE)
   * @throws ColdpackError `JOB_ERROR` when the shard was never planned
   */
  async run(jobId: string, generation: string, req: ArchiveRequest, shard: number, onProgress?: ShardProgress): Promise<ShardItem> {
    const { jobs, bundles, packer, objects, archiveBucket } = this.deps;
    const planned = await jobs.getShard(jobId, shard);
    if (!planned) throw new ColdpackError('JOB_ERROR', `shard ${shard} of job ${jobId} is not planned`);
    if (planned.status === 'DONE') return planned;
    const ctx = {
      archiveBucket,
      project: req.project,
      jobId,
      generation,
      storageClass: req.storage_class,
      shard,
      catalog: this.deps.catalog ?? DEFAULT_CATALOG_MODE,
      readTags: req.archive_tags === true,
      sourceKind: req.source.kind,
    };
    const plan = new PlanBundles(
      readShardPlan(objects, archiveBucket, shardPlanKey(req.project, jobId, shard))[Symbol.asyncIterator](),
      new BundleCutter(req.max_bundle_bytes, req.max_files_per_bundle),
    );
    const totals = { bundles: 0, files: 0, bytes: 0 };
    const skipped: SkippedObject[] = [];
    let skippedCount = 0;
    let first = true;
    for (let head = await plan.next(); head !== undefined; head = await plan.next()) {
      const seq = head.seq;
      const existing = await bundles.get(bundleKeys(req.project, jobId, shard, seq).bundle);
      if (first && existing) {
        // A resumed shard: an earlier attempt may have left uploads no record names; none of this
        // shard's is in flight now, so every unfinished upload under its prefix is stale.
        const aborted = await abortStaleUploads(objects, archiveBucket, shardBundlePrefix(req.project, jobId, shard), this.deps.logger ?? silentLogger);
        await jobs.addCounters(jobId, { resumed_steps: 1, orphan_uploads_aborted: aborted });
      }
      first = false;
      if (existing?.state === 'COMMITTED') {
        await plan.skip(seq);
        totals.files += existing.entry_count ?? 0;
        totals.bytes += existing.source_bytes ?? 0;
        skippedCount += existing.skipped_count ?? 0;
        for (const s of existing.skipped ?? []) if (skipped.length < SKIPPED_LISTED) skipped.push(s);
      } else {
        const partBytes = bundlePartSize(req.max_bundle_bytes, req.max_files_per_bundle, head.obj.size);
        const packed = await packer.pack(ctx, seq, plan.objects(seq), { partBytes });
        await plan.skip(seq);
        // Running totals for `status` while the job runs (the finalizer's counts are authoritative).
        await jobs.addCounters(jobId, {
          files_packed: packed.entries,
          bundles_packed: packed.entries > 0 ? 1 : 0,
          files_skipped_so_far: packed.skippedCount,
          orphan_uploads_aborted: packed.staleUploadsAborted,
        });
        totals.files += packed.entries;
        totals.bytes += packed.sourceBytes;
        skippedCount += packed.skippedCount;
        for (const s of packed.skipped) if (skipped.length < SKIPPED_LISTED) skipped.push(s);
      }
      totals.bundles++;
      onProgress?.({ shard, ...totals, skipped: skippedCount });
    }
    const done: ShardItem = {
      ...planned,
      status: 'DONE',
      bundles: totals.bundles,
      archived_files: totals.files,
      archived_bytes: totals.bytes,
      skipped_count: skippedCount,
      skipped,
    };
    await jobs.putShard(jobId, done);
    return done;
  }
}
