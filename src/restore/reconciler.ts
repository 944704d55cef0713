/**
 * Heal what events miss: for every open restore request, look at its unfinished files and move
 * them on. A REQUESTED bundle is checked with HeadObject `x-amz-restore` (once per pass, shared by
 * all requests); a restored one is marked READY and its waiting requests extracted; a bundle with
 * no restore state (or EXPIRED) is restored again; stale EXTRACTING files are retried; finished
 * requests whose notification failed are notified again. Cost per pass: one Query of the open
 * partition, per open request one Query of its files, one HeadObject per pending bundle.
 */
import { TERMINAL_FILE_STATUSES, type RetrievalTier } from '../domain/restore-request.js';
import type { RestoreFileRecord } from '../domain/restore-records.js';
import { groupBy } from './group-by.js';
import { mapLimit } from './map-limit.js';
import type { Notifications } from './notifications.js';
import type { HeadRestoreState } from './restore-header.js';
import { needsRestore } from './restore-rules.js';
import type { ReconcileSummary, RestoreWorker } from './restore-worker.js';

/** A marker without a request item older than this (ms) is from a submit that died: 3,600,000 (1 h). */
const ABANDONED_MS = 3_600_000;

/** One reconcile pass. */
export class Reconciler {
  /** @param worker restore work; @param notifications retried notifications */
  constructor(
    private readonly worker: RestoreWorker,
    private readonly notifications: Notifications,
  ) {}

  /**
   * @param restoreId reconcile only this request (e.g. `coldpack restore-status`); default every open one
   */
  async run(restoreId?: string): Promise<ReconcileSummary> {
    const summary: ReconcileSummary = { requests: 0, bundles_checked: 0, bundles_ready: 0, requests_finished: 0 };
    const heads = new Map<string, Promise<HeadRestoreState>>();
    const readied = new Set<string>();
    const markers = restoreId !== undefined ? [{ restoreId, openedAt: '' }] : await this.worker.store.openRequests();
    const abandoned = new Date(this.worker.now().getTime() - ABANDONED_MS).toISOString();
    for (const { restoreId: id, openedAt } of markers) {
      summary.requests++;
      const req = await this.worker.store.getRequest(id);
      if (!req) {
        // A submit that died before writing its request item: drop the marker once it is old.
        if (restoreId === undefined && openedAt !== '' && openedAt < abandoned) await this.worker.store.close(id);
        continue;
      }
      const files = await this.worker.store.files(id);
      const open = files.filter((f) => !TERMINAL_FILE_STATUSES.includes(f.status));
      if (open.length === 0) {
        if (!req.finished_at) {
          if (await this.worker.finish(id)) summary.requests_finished++;
        } else if (!req.notified_at) await this.notifications.send(id);
        continue;
      }
      const groups = groupBy(open, (f) => f.bundle_key!);
      await mapLimit([...groups], 4, async ([bundleKey, group]) => {
        await this.bundle(id, req.request.tier, req.request.days, bundleKey, group, heads, readied, summary);
      });
      if ((await this.worker.store.getRequest(id))?.finished_at && !req.finished_at) summary.requests_finished++;
    }
    return summary;
  }

  private async bundle(
    id: string,
    tier: RetrievalTier,
    days: number,
    bundleKey: string,
    group: RestoreFileRecord[],
    heads: Map<string, Promise<HeadRestoreState>>,
    readied: Set<string>,
    summary: ReconcileSummary,
  ): Promise<void> {
    const first = group[0]!;
    if (!needsRestore(first.storage_class)) return this.worker.extractFiles(id, group);
    const now = this.worker.now();
    const current = await this.worker.bundles.get(bundleKey);
    const state = current?.state;
    const expires = current?.expiresAt;
    if (state === 'READY' && (expires === undefined || expires > now.toISOString())) return this.worker.extractFiles(id, group);
    if (state !== 'REQUESTED') return this.worker.startBundle(id, tier, days, bundleKey, group);
    let head = heads.get(bundleKey);
    if (!head) {
      summary.bundles_checked++;
      head = this.worker.bundles.head(first.archive_bucket!, bundleKey);
      heads.set(bundleKey, head);
    }
    const h = await head;
    if (h.state === 'DONE') {
      if (!readied.has(bundleKey)) {
        readied.add(bundleKey);
        summary.bundles_ready++;
      }
      const waiting = (await this.worker.bundles.markReady(bundleKey, h.expiresAt)) ?? [];
      await this.worker.processWaiting(bundleKey, [...new Set([id, ...waiting])]);
      return;
    }
    if (h.state === 'NONE') {
      const requestedAt = Date.parse(current?.requestedAt ?? '');
      if (!(requestedAt > now.getTime() - this.worker.tunables.lostRestoreMs)) {
        await this.worker.bundles.sendRestore(first.archive_bucket!, bundleKey, tier, days);
      }
    }
  }
}
