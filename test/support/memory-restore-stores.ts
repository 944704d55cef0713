/**
 * In-memory fakes of the restore pipeline's ports for unit tests of the core (no AWS): they keep
 * the ports' contracts (conditional status changes, one claim per bundle, reads that return copies
 * so callers cannot alias stored state), record calls, and take injected faults.
 */
import { ColdpackError } from '../../src/domain/errors.js';
import type { BundleRestoreStore, RestoreClaim } from '../../src/domain/ports/bundle-restore-store.js';
import type { Logger } from '../../src/domain/ports/logger.js';
import type { RestoreNotification, RestoreNotifier } from '../../src/domain/ports/restore-notifier.js';
import type { RestoreStore } from '../../src/domain/ports/restore-store.js';
import type { RestoreFileStatus, RestoreFinalStatus, RestoreProblem, RestoreSelection } from '../../src/domain/restore-request.js';
import { listBytes, selectionList, withSelectionList } from '../../src/domain/selection-list.js';
import type {
  BundleRestoreState,
  OpenRestore,
  ResolvedCounts,
  RestoreCounter,
  RestoreFileChanges,
  RestoreFileRecord,
  RestoreFileRef,
  RestoreRequestRecord,
} from '../../src/domain/restore-records.js';

const copy = <T>(v: T): T => structuredClone(v);
const fileId = (f: RestoreFileRef): string => `${f.bundle_key ?? '-'}#${f.n}`;

/** {@link RestoreStore} in memory. */
export class MemoryRestoreStore implements RestoreStore {
  readonly requests = new Map<string, RestoreRequestRecord>();
  readonly fileRecords = new Map<string, Map<string, RestoreFileRecord>>();
  readonly openList = new Map<string, string>();
  /** Every status change made, in order: `<key> <from> -> <to>`. */
  readonly transitions: string[] = [];
  /** Calls of putFiles (each is one batch of files). */
  putFilesCalls = 0;
  /** Selection lists kept apart from their request records, by restore id. */
  readonly lists = new Map<string, readonly string[]>();
  /** Calls of `selection` (the only reader of a list kept apart). */
  selectionReads = 0;

  /** @param inlineSelectionMaxBytes a selection list over this many bytes is kept apart, like the DynamoDB adapter's (64 KiB) */
  constructor(private readonly inlineSelectionMaxBytes = 64 * 1024) {}

  async createRequest(request: RestoreRequestRecord): Promise<RestoreRequestRecord | undefined> {
    if (this.requests.has(request.restore_id)) return undefined;
    const list = selectionList(request.request.selection);
    let stored = request;
    if (list !== undefined && listBytes(list) > this.inlineSelectionMaxBytes) {
      this.lists.set(request.restore_id, [...list]);
      stored = { ...request, request: { ...request.request, selection: withSelectionList(request.request.selection, []) }, selection_count: list.length };
    }
    this.requests.set(request.restore_id, copy(stored));
    return copy(stored);
  }

  async selection(restoreId: string): Promise<RestoreSelection | undefined> {
    this.selectionReads++;
    const r = this.requests.get(restoreId);
    if (!r) return undefined;
    const list = this.lists.get(restoreId);
    return copy(list === undefined ? r.request.selection : withSelectionList(r.request.selection, list));
  }

  async claimResolution(restoreId: string, now: string, staleBefore: string): Promise<boolean> {
    const r = this.requests.get(restoreId);
    if (!r || r.resolution !== 'RESOLVING' || (r.resolving_since !== undefined && r.resolving_since >= staleBefore)) return false;
    this.requests.set(restoreId, { ...r, resolving_since: now, updated_at: now });
    return true;
  }

  async recordResolution(restoreId: string, counts: ResolvedCounts, now: string): Promise<boolean> {
    const r = this.requests.get(restoreId);
    if (!r || r.resolution !== 'RESOLVING') return false;
    const { resolving_since: _s, ...rest } = r;
    this.requests.set(restoreId, { ...rest, ...counts, resolution: 'RESOLVED', updated_at: now });
    return true;
  }

  async failResolution(restoreId: string, error: RestoreProblem, now: string): Promise<boolean> {
    const r = this.requests.get(restoreId);
    if (!r || r.resolution !== 'RESOLVING') return false;
    const { resolving_since: _s, ...rest } = r;
    this.requests.set(restoreId, { ...rest, resolution: 'FAILED', resolve_error: copy(error), updated_at: now });
    return true;
  }

  async putFiles(files: readonly RestoreFileRecord[]): Promise<void> {
    this.putFilesCalls++;
    for (const f of files) {
      const m = this.fileRecords.get(f.restore_id) ?? new Map<string, RestoreFileRecord>();
      m.set(fileId(f), copy(f));
      this.fileRecords.set(f.restore_id, m);
    }
  }

  async getRequest(restoreId: string): Promise<RestoreRequestRecord | undefined> {
    const r = this.requests.get(restoreId);
    return r && copy(r);
  }

  async files(restoreId: string): Promise<RestoreFileRecord[]> {
    return [...(this.fileRecords.get(restoreId)?.values() ?? [])].map(copy).sort((a, b) => a.n - b.n);
  }

  async filesOfBundle(restoreId: string, bundleKey: string): Promise<RestoreFileRecord[]> {
    return (await this.files(restoreId)).filter((f) => f.bundle_key === bundleKey);
  }

  async transition(
    file: RestoreFileRef,
    from: readonly RestoreFileStatus[],
    to: RestoreFileStatus,
    changes: RestoreFileChanges,
    staleBefore?: string,
  ): Promise<boolean> {
    const m = this.fileRecords.get(file.restore_id);
    const cur = m?.get(fileId(file));
    if (!m || !cur) return false;
    const stale = staleBefore !== undefined && cur.status === 'EXTRACTING' && (cur.extracting_since ?? '') < staleBefore;
    if (!from.includes(cur.status) && !stale) return false;
    m.set(fileId(file), { ...cur, ...copy(changes), status: to });
    this.transitions.push(`${cur.key} ${cur.status} -> ${to}`);
    return true;
  }

  private request(restoreId: string): RestoreRequestRecord {
    const r = this.requests.get(restoreId);
    if (!r) throw new Error(`fake: no request ${restoreId}`);
    return r;
  }

  async settle(
    file: RestoreFileRef,
    from: readonly RestoreFileStatus[],
    to: 'AVAILABLE' | 'FAILED',
    changes: RestoreFileChanges,
    counter: RestoreCounter,
    now: string,
  ): Promise<RestoreRequestRecord | undefined> {
    // Atomic like the DynamoDB transaction: both changes or neither, no other method called.
    const r = this.request(file.restore_id);
    const m = this.fileRecords.get(file.restore_id);
    const cur = m?.get(fileId(file));
    if (!m || !cur || !from.includes(cur.status)) return undefined;
    m.set(fileId(file), { ...cur, ...copy(changes), status: to });
    this.transitions.push(`${cur.key} ${cur.status} -> ${to}`);
    const next = { ...r, [counter]: (r[counter] ?? 0) + 1, updated_at: now };
    this.requests.set(file.restore_id, next);
    return copy(next);
  }

  async count(restoreId: string, counter: RestoreCounter, now: string): Promise<RestoreRequestRecord> {
    const r = this.request(restoreId);
    const next = { ...r, [counter]: (r[counter] ?? 0) + 1, updated_at: now };
    this.requests.set(restoreId, next);
    return copy(next);
  }

  async finish(restoreId: string, status: RestoreFinalStatus, now: string): Promise<boolean> {
    const r = this.requests.get(restoreId);
    if (!r || r.finished_at) return false;
    this.requests.set(restoreId, { ...r, status, finished_at: now, updated_at: now });
    return true;
  }

  async markNotified(restoreId: string, now: string): Promise<void> {
    const { notify_error: _e, ...r } = this.request(restoreId);
    this.requests.set(restoreId, { ...r, notified_at: now });
  }

  async markNotifyFailed(restoreId: string, error: string): Promise<void> {
    const req = this.request(restoreId);
    this.requests.set(restoreId, { ...req, notify_error: error, notify_attempts: (req.notify_attempts ?? 0) + 1 });
  }

  async open(restoreId: string, now: string): Promise<void> {
    this.openList.set(restoreId, now);
  }

  async close(restoreId: string): Promise<void> {
    this.openList.delete(restoreId);
  }

  async openRequests(): Promise<OpenRestore[]> {
    return [...this.openList].map(([restoreId, openedAt]) => ({ restoreId, openedAt }));
  }
}

type StoredBundleState = BundleRestoreState & { claim?: string };

/**
 * {@link BundleRestoreStore} in memory; bundles exist once {@link MemoryBundleRestoreStore.add}ed.
 * Waits are kept apart from the state, one entry per (bundle, request), like the DynamoDB items.
 */
export class MemoryBundleRestoreStore implements BundleRestoreStore {
  readonly states = new Map<string, StoredBundleState>();
  /** bundle key -> restore id -> since (insertion order = page order). */
  readonly waits = new Map<string, Map<string, string>>();
  /** Pages handed out by `waiters` (their sizes), to check that readers page. */
  readonly pagesRead: number[] = [];

  /** @param defaultPageSize page size of `waiters` when the caller gives none (small in tests, to exercise paging) */
  constructor(private readonly defaultPageSize = 1000) {}

  /** Register a bundle (restore state NONE). */
  add(bundleKey: string): void {
    this.states.set(bundleKey, { state: 'NONE' });
  }

  async get(bundleKey: string): Promise<BundleRestoreState | undefined> {
    const s = this.states.get(bundleKey);
    if (!s) return undefined;
    const { claim: _c, ...state } = s;
    return copy(state);
  }

  async addWaiter(bundleKey: string, restoreId: string, since: string): Promise<void> {
    const m = this.waits.get(bundleKey) ?? new Map<string, string>();
    m.set(restoreId, since);
    this.waits.set(bundleKey, m);
  }

  async *waiters(bundleKey: string, pageSize = this.defaultPageSize): AsyncIterable<readonly string[]> {
    // Like a DynamoDB Query: each page starts after the last key handed out, so entries removed
    // meanwhile are not skipped over and entries added later may appear.
    let after: string | undefined;
    for (;;) {
      const ids = [...(this.waits.get(bundleKey)?.keys() ?? [])].sort();
      const page = ids.filter((id) => after === undefined || id > after).slice(0, pageSize);
      if (page.length === 0) return;
      this.pagesRead.push(page.length);
      after = page[page.length - 1];
      yield page;
    }
  }

  async removeWaiter(restoreId: string, bundleKeys: readonly string[]): Promise<void> {
    for (const b of bundleKeys) {
      const m = this.waits.get(b);
      m?.delete(restoreId);
      if (m?.size === 0) this.waits.delete(b);
    }
  }

  /** The restore ids waiting for `bundleKey` (all pages). */
  async waiting(bundleKey: string): Promise<string[]> {
    const out: string[] = [];
    for await (const page of this.waiters(bundleKey)) out.push(...page);
    return out;
  }

  async markRequested(bundleKey: string, claim: RestoreClaim): Promise<boolean> {
    const s = this.states.get(bundleKey);
    if (!s) return false;
    const claimable = s.state === 'NONE' || s.state === 'EXPIRED' || (s.state === 'READY' && (s.expiresAt === undefined || s.expiresAt < claim.renewBefore));
    if (!claimable) return false;
    this.states.set(bundleKey, { state: 'REQUESTED', tier: claim.tier, days: claim.days, requestedAt: claim.now, claim: claim.restoreId });
    return true;
  }

  async release(bundleKey: string, restoreId: string): Promise<void> {
    const s = this.states.get(bundleKey);
    if (s?.state === 'REQUESTED' && s.claim === restoreId) this.states.set(bundleKey, { ...s, state: 'NONE' });
  }

  async markReady(bundleKey: string, at: string, expiresAt: string): Promise<boolean> {
    const s = this.states.get(bundleKey);
    if (!s) return false;
    this.states.set(bundleKey, { ...s, state: 'READY', readyAt: at, expiresAt });
    return true;
  }

  async markExpired(bundleKey: string): Promise<void> {
    const s = this.states.get(bundleKey);
    if (s?.state === 'READY') this.states.set(bundleKey, { ...s, state: 'EXPIRED' });
  }
}

/** {@link RestoreNotifier} that records what it sends; `failNext` makes the next notify throw. */
export class RecordingNotifier implements RestoreNotifier {
  readonly sent: { topics: readonly string[]; message: RestoreNotification }[] = [];
  private failure: Error | undefined;

  failNext(err: Error = new ColdpackError('NOTIFY_FAILED', 'Publish arn:topic: ThrottledException: Rate exceeded')): void {
    this.failure = err;
  }

  async notify(topicArns: readonly string[], message: RestoreNotification): Promise<void> {
    const f = this.failure;
    this.failure = undefined;
    if (f) throw f;
    this.sent.push({ topics: [...topicArns], message: copy(message) });
  }
}

/** {@link Logger} that records every entry. */
export class RecordingLogger implements Logger {
  readonly entries: { level: string; obj: object; msg: string }[] = [];
  debug(obj: object, msg = ''): void {
    this.entries.push({ level: 'debug', obj, msg });
  }
  info(obj: object, msg = ''): void {
    this.entries.push({ level: 'info', obj, msg });
  }
  warn(obj: object, msg = ''): void {
    this.entries.push({ level: 'warn', obj, msg });
  }
  error(obj: object, msg = ''): void {
    this.entries.push({ level: 'error', obj, msg });
  }
}
