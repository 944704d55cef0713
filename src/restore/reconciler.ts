/**
 * Heal what events miss: for every open restore request, resolve it if it is still RESOLVING (the
 * asynchronous lookup of its files, e.g. after an API submit), else look at its unfinished files and
 * move them on. A REQUESTED bundle is checked with HeadObject `x-amz-restore` (once per pass, shared by
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

/** State shared by the requests of one pass. */
interface Pass {
  readonly summary: ReconcileSummary;
  /** HeadObject of each pending bundle, once per pass. */
  readonly heads: Map<string, Promise<HeadRestoreState>>;
  /** Bundles found restored in this pass. */
  readonly readied: Set<string>;
  /** Bundles whose lost restore was sent again in this pass (once per bundle, whatever the requests). */
  readonly resent: Set<string>;
  /** Whether markers without a request item are dropped (a full pass, not one request). */
  readonly dropAbandoned: boolean;
  /** Markers older than this (ISO 8601) without a request item are from a submit that died. */
  readonly abandonedBefore: string;
}

/** One reconcile pass. */
export class Reconciler {
  /**
   * @param worker restore work; @param notifications retried notifications
   * @param resolve looks up the files of a RESOLVING request (the asynchronous step after submit)
   */
  constructor(
    private readonly worker: RestoreWorker,
    private readonly notifications: Notifications,
    private readonly resolve?: (restoreId: string) => Promise<void>,
  ) {}

  /**
   * @param restoreId reconcile only this request (e.g. `coldpack restore-status`); default every open one
   */
  async run(restoreId?: string): Promise<ReconcileSummary> {
    const markers = restoreId !== undefined ? [{ restoreId, openedAt: '' }] : await this.worker.store.openRequests();
    const pass: Pass = {
      summary: { requests: 0, bundles_checked: 0, bundles_ready: 0, requests_finished: 0 },
      heads: new Map(),
      readied: new Set(),
      resent: new Set(),
      dropAbandoned: restoreId === undefined,
      abandonedBefore: new Date(this.worker.now().getTime() - ABANDONED_MS).toISOString(),
    };
    // A request may be finished while another one is handled (they wait for the same bundle).
    const finished = new Set<string>();
    const unwatch = this.worker.watchFinishes((id) => finished.add(id));
    try {
      for (const { restoreId: id, openedAt } of markers) await this.request(id, openedAt, pass);
    } finally {
      unwatch();
    }
    const looked = new Set(markers.map((m) => m.restoreId));
    pass.summary.requests_finished = [...finished].filter((id) => looked.has(id)).length;
    return pass.summary;
  }

  private async request(id: string, openedAt: string, pass: Pass): Promise<void> {
    pass.summary.requests++;
    const req = await this.worker.store.getRequest(id);
    if (!req) {
      // A submit that died before writing its request item: drop the marker once it is old.
      if (pass.dropAbandoned && openedAt !== '' && openedAt < pass.abandonedBefore) await this.worker.store.close(id);
      return;
    }
    if (req.resolution === 'RESOLVING') {
      await this.resolve?.(id);
      return;
    }
    const files = await this.worker.store.files(id);
    const open = files.filter((f) => !TERMINAL_FILE_STATUSES.includes(f.status));
    if (open.length === 0) {
      if (!req.finished_at) await this.worker.finish(id);
      else if (!req.notified_at) await this.notifications.send(id);
      return;
    }
    const groups = groupBy(open, (f) => f.bundle_key!);
    await mapLimit([...groups], 4, ([bundleKey, group]) => this.bundle(id, req.request.tier, req.request.days, bundleKey, group, pass));
  }

  private async bundle(id: string, tier: RetrievalTier, days: number, bundleKey: string, group: RestoreFileRecord[], pass: Pass): Promise<void> {
    const first = group[0]!;
    if (!needsRestore(first.storage_class)) return this.worker.extractFiles(id, group);
    const now = this.worker.now();
    const current = await this.worker.bundles.get(bundleKey);
    const state = current?.state;
    const expires = current?.expiresAt;
    if (state === 'READY' && (expires === undefined || expires > now.toISOString())) return this.worker.extractFiles(id, group);
    if (state !== 'REQUESTED') return this.worker.startBundle(id, tier, days, bundleKey, group);
    let head = pass.heads.get(bundleKey);
    if (!head) {
      pass.summary.bundles_checked++;
      head = this.worker.bundles.head(first.archive_bucket!, bundleKey);
      pass.heads.set(bundleKey, head);
    }
    const h = await head;
    if (h.state === 'DONE') {
      if (!pass.readied.has(bundleKey)) {
        pass.readied.add(bundleKey);
        pass.summary.bundles_ready++;
      }
      await this.worker.bundles.markReady(bundleKey, h.expiresAt);
      await this.worker.processWaiting(bundleKey, [id]);
      return;
    }
    if (h.state === 'NONE') {
      const requestedAt = Date.parse(current?.requestedAt ?? '');
      if (!(requestedAt > now.getTime() - this.worker.tunables.lostRestoreMs) && !pass.resent.has(bundleKey)) {
        pass.resent.add(bundleKey);
        await this.worker.bundles.sendRestore(first.archive_bucket!, bundleKey, tier, days);
      }
    }
  }
}
