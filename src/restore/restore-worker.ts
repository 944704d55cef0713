/**
 * The moving parts after submission: start (or join) bundle restores, extract files once their
 * bundle is readable, finish the request and notify. Every step is idempotent and guarded by
 * conditional updates, so the submitter, the completion event and the reconciler may all run it.
 *
 * File state machine (per file, `jobs` table):
 *   PENDING -> RESTORING (bundle restore requested or joined)
 *   PENDING | RESTORING -> EXTRACTING (bundle readable; exactly one worker wins the transition)
 *   EXTRACTING -> AVAILABLE | FAILED;  EXTRACTING -> RESTORING (copy expired: 403 InvalidObjectState)
 *   EXTRACTING for longer than `staleExtractingMs` -> EXTRACTING again (reconciler; crashed worker)
 *   NOT_FOUND and tier refusals are terminal from the start.
 */
import type { Clock } from '../domain/ports/clock.js';
import type { Logger } from '../domain/ports/logger.js';
import type { RestoreStore } from '../domain/ports/restore-store.js';
import { TERMINAL_FILE_STATUSES, type RestoreFinalStatus, type RetrievalTier } from '../domain/restore-request.js';
import type { RestoreFileRecord, RestoreRequestRecord } from '../domain/restore-records.js';
import type { BundleRestores } from './bundle-restore.js';
import { BundleNotReadableError, type Extractor } from './extractor.js';
import { mapLimit } from './map-limit.js';
import type { Notifications } from './notifications.js';
import { extractionFailure, isRefusal } from './restore-failures.js';
import { needsRestore } from './restore-rules.js';

/** Tunables of {@link RestoreWorker}. */
export interface WorkerOptions {
  /** Bundles handled in parallel. Default 4. */
  readonly bundleConcurrency?: number;
  /** Files extracted in parallel per bundle. Default 8. */
  readonly fileConcurrency?: number;
  /** An EXTRACTING file untouched for this many ms is retried by the reconciler. Default 900,000 (15 min). */
  readonly staleExtractingMs?: number;
  /** A REQUESTED bundle whose HeadObject shows no restore after this many ms gets its RestoreObject again. Default 300,000. */
  readonly lostRestoreMs?: number;
  /**
   * Extract readable files during `submit` (default true). False leaves them PENDING for the
   * reconciler or a batch worker (`reconcile(restoreId)`), keeping the submit call short (API
   * Gateway answers within 29 s).
   */
  readonly extractOnSubmit?: boolean;
}

/** What a reconcile pass did. */
export interface ReconcileSummary {
  /** Open requests looked at. */
  requests: number;
  /** HeadObject calls on bundles. */
  bundles_checked: number;
  /** Bundles found restored and marked READY. */
  bundles_ready: number;
  /** Requests finished (final status recorded) in this pass. */
  requests_finished: number;
}

/** What a {@link RestoreWorker} drives. */
export interface WorkerParts {
  readonly store: RestoreStore;
  readonly bundles: BundleRestores;
  readonly extractor: Extractor;
  readonly notifications: Notifications;
  readonly clock: Clock;
  /** Receives the restores left for the reconciler after a transient failure, with the reason. */
  readonly logger: Logger;
  /** Bucket of the restored copies (for `location`). */
  readonly restoreBucket: string;
}

/** Executes restore work; shared by the service, the event handler and the reconciler. */
export class RestoreWorker {
  readonly store: RestoreStore;
  readonly bundles: BundleRestores;
  private readonly extractor: Extractor;
  private readonly notifications: Notifications;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly restoreBucket: string;
  private readonly finishWatchers = new Set<(restoreId: string) => void>();

  /** @param parts what the worker drives (see {@link WorkerParts}); @param options tunables */
  constructor(
    parts: WorkerParts,
    private readonly options: WorkerOptions = {},
  ) {
    ({
      store: this.store,
      bundles: this.bundles,
      extractor: this.extractor,
      notifications: this.notifications,
      clock: this.clock,
      logger: this.logger,
      restoreBucket: this.restoreBucket,
    } = parts);
  }

  /** Now, from the injected clock (the reconciler uses it too). */
  now(): Date {
    return this.clock.now();
  }

  /**
   * Files of one bundle of one request: start, join or use the bundle restore, extract if readable
   * (unless `extract` is false: readable files then stay PENDING for the reconciler).
   */
  async startBundle(
    restoreId: string,
    tier: RetrievalTier,
    days: number,
    bundleKey: string,
    files: readonly RestoreFileRecord[],
    extract = true,
  ): Promise<void> {
    const first = files[0];
    if (!first) return;
    if (!needsRestore(first.storage_class)) return extract ? this.extractFiles(restoreId, files) : undefined;
    const outcome = await this.bundles.joinOrClaim(bundleKey, restoreId, tier, days);
    if (outcome === 'MISSING') return this.failAll(restoreId, files, 'BUNDLE_UNKNOWN', `bundle ${bundleKey} is not in the bundles table`);
    if (outcome === 'READY') return extract ? this.extractFiles(restoreId, files) : undefined;
    await this.markRestoring(files);
    if (outcome === 'JOINED') return;
    let sent;
    try {
      sent = await this.bundles.sendRestore(first.archive_bucket!, bundleKey, tier, days);
    } catch (err) {
      await this.bundles.release(bundleKey, restoreId);
      // Throttling, server-side or network failures (after the SDK's retries): the files stay
      // RESTORING and the reconciler claims the bundle again. Refusals (403, 404, 400) fail the files.
      if (!isRefusal(err)) {
        this.logger.warn(
          { restore_id: restoreId, bundle_key: bundleKey, err },
          `RestoreObject failed for now, files stay RESTORING for the reconciler: ${(err as Error).message}`,
        );
        return;
      }
      return this.failAll(restoreId, files, 'RESTORE_REQUEST_FAILED', `RestoreObject on ${bundleKey} failed: ${(err as Error).message}`);
    }
    if (sent === 'ALREADY_RESTORED' || sent === 'NOT_ARCHIVED') {
      await this.bundles.markReady(bundleKey);
      if (extract) await this.processWaiting(bundleKey, [restoreId]);
    }
  }

  private async markRestoring(files: readonly RestoreFileRecord[]): Promise<void> {
    const now = this.now().toISOString();
    for (const f of files) await this.store.transition(f, ['PENDING'], 'RESTORING', { updated_at: now });
  }

  /**
   * A bundle became readable (call after {@link BundleRestores.markReady}): extract the files of
   * `first` (requests known to the caller), then of every request waiting for it, page by page
   * (the waiting requests are never all held at once, whatever their number). A request's wait
   * record is dropped when the request finishes ({@link RestoreWorker.finish}), not here: a request
   * whose copy expired during extraction keeps waiting.
   */
  async processWaiting(bundleKey: string, first: readonly string[] = []): Promise<void> {
    const known = [...new Set(first)];
    const extract = (ids: readonly string[]): Promise<unknown> =>
      mapLimit(ids, this.options.bundleConcurrency ?? 4, async (id) => this.extractFiles(id, await this.store.filesOfBundle(id, bundleKey)));
    await extract(known);
    for await (const page of this.bundles.waiters(bundleKey)) await extract(page.filter((id) => !known.includes(id)));
  }

  /** Extract every non-terminal file (each guarded by its EXTRACTING transition). */
  async extractFiles(restoreId: string, files: readonly RestoreFileRecord[]): Promise<void> {
    const todo = files.filter((f) => !TERMINAL_FILE_STATUSES.includes(f.status));
    await mapLimit(todo, this.options.fileConcurrency ?? 8, (f) => this.extractOne(restoreId, f));
  }

  private async extractOne(restoreId: string, file: RestoreFileRecord): Promise<void> {
    const started = this.now();
    const stale = new Date(started.getTime() - (this.options.staleExtractingMs ?? 900_000)).toISOString();
    const claimed = await this.store.transition(
      file,
      ['PENDING', 'RESTORING'],
      'EXTRACTING',
      { extracting_since: started.toISOString(), updated_at: started.toISOString() },
      stale,
    );
    if (!claimed) return;
    // The file's terminal status and the request's counter change in one write (RestoreStore.settle):
    // a crash between two separate writes would leave the counter short and the request unfinished.
    let req: RestoreRequestRecord | undefined;
    try {
      const out = await this.extractor.extract(restoreId, file);
      const now = this.now().toISOString();
      req = await this.store.settle(
        file,
        ['EXTRACTING'],
        'AVAILABLE',
        { restore_key: out.restoreKey, location: `s3://${this.restoreBucket}/${out.restoreKey}`, updated_at: now },
        'files_available',
        now,
      );
    } catch (err) {
      if (err instanceof BundleNotReadableError) {
        // The restored copy is gone: back to RESTORING; the reconciler restores the bundle again.
        await this.store.transition(file, ['EXTRACTING'], 'RESTORING', { updated_at: this.now().toISOString() });
        await this.bundles.markExpired(file.bundle_key!);
        return;
      }
      const now = this.now().toISOString();
      req = await this.store.settle(file, ['EXTRACTING'], 'FAILED', { ...extractionFailure(err), updated_at: now }, 'files_failed', now);
    }
    if (req) await this.maybeFinish(req);
  }

  private async failAll(restoreId: string, files: readonly RestoreFileRecord[], code: string, message: string): Promise<void> {
    for (const f of files) {
      const now = this.now().toISOString();
      const req = await this.store.settle(f, ['PENDING', 'RESTORING'], 'FAILED', { error_code: code, message, updated_at: now }, 'files_failed', now);
      if (req) await this.maybeFinish(req);
    }
  }

  private async maybeFinish(req: RestoreRequestRecord): Promise<void> {
    const done = (req.files_available ?? 0) + (req.files_failed ?? 0) + (req.files_not_found ?? 0);
    if (done >= req.files) await this.finish(req.restore_id);
  }

  /**
   * Record the final status when every file is terminal, and notify (only the caller that records
   * the status notifies; the reconciler retries a notification that failed).
   * @returns whether this call recorded the final status
   */
  async finish(restoreId: string): Promise<boolean> {
    const files = await this.store.files(restoreId);
    if (files.some((f) => !TERMINAL_FILE_STATUSES.includes(f.status))) return false;
    // Every file is terminal: the request waits for no bundle any more. Its wait records go first,
    // so a crash before the final status is recorded leaves none behind once finish runs again.
    const waited = new Set(files.filter((f) => f.bundle_key !== undefined && needsRestore(f.storage_class)).map((f) => f.bundle_key!));
    await this.bundles.removeWaiter(restoreId, [...waited]);
    const available = files.filter((f) => f.status === 'AVAILABLE').length;
    const status: RestoreFinalStatus = available === files.length && files.length > 0 ? 'AVAILABLE' : available > 0 ? 'PARTIAL' : 'FAILED';
    if (!(await this.store.finish(restoreId, status, this.now().toISOString()))) return false;
    for (const watch of this.finishWatchers) watch(restoreId);
    await this.notifications.send(restoreId);
    return true;
  }

  /** Call `watch` with the id of every request this worker finishes, until the returned function is called. */
  watchFinishes(watch: (restoreId: string) => void): () => void {
    this.finishWatchers.add(watch);
    return () => void this.finishWatchers.delete(watch);
  }

  /** Options needed by the reconciler. */
  get tunables(): Required<Pick<WorkerOptions, 'staleExtractingMs' | 'lostRestoreMs'>> {
    return { staleExtractingMs: this.options.staleExtractingMs ?? 900_000, lostRestoreMs: this.options.lostRestoreMs ?? 300_000 };
  }
}
