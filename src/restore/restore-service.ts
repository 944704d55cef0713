/**
 * The restore pipeline's entry point: implements the {@link RestoreRequests} and {@link FileLookup}
 * ports, handles "restore completed" events and runs reconcile passes. Built by composition roots
 * (`src/entrypoints/restore-composition.ts`) from ports; reads no env and makes no AWS call itself.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ArchivedFile } from '../domain/catalog.js';
import { compareGenerations } from '../domain/catalog.js';
import { decodePageToken, encodePageToken, isPlainObject, offsetOf } from '../domain/page-token.js';
import type { Page, PageRequest } from '../domain/page.js';
import type { BundleDirectoryStore } from '../domain/ports/bundle-directory-store.js';
import type { BundleRestoreStore } from '../domain/ports/bundle-restore-store.js';
import { systemClock, type Clock } from '../domain/ports/clock.js';
import type { FileIndexStore } from '../domain/ports/file-index-store.js';
import { silentLogger, type Logger } from '../domain/ports/logger.js';
import type { ObjectStore } from '../domain/ports/object-store.js';
import type { RestoreNotifier } from '../domain/ports/restore-notifier.js';
import type { FileLookup, RestoreRequests } from '../domain/ports/restore-requests.js';
import type { RestoreStore } from '../domain/ports/restore-store.js';
import type { RestoreRequestInput, RestoreView } from '../domain/restore-request.js';
import type { RestoreRequestRecord } from '../domain/restore-records.js';
import type { SubmitOptions } from '../domain/submit-options.js';
import { BundleRestores } from './bundle-restore.js';
import { CatalogLookup } from './catalog-lookup.js';
import { parseRestoreEvents } from './events.js';
import { Extractor } from './extractor.js';
import { NameSearch } from './name-search.js';
import { Notifications } from './notifications.js';
import { Reconciler } from './reconciler.js';
import { Resolver } from './resolver.js';
import { RestoreResolution } from './restore-resolution.js';
import { checkRequest } from './restore-rules.js';
import { toView } from './restore-view.js';
import { RestoreWorker, type ReconcileSummary, type WorkerOptions } from './restore-worker.js';
import { ScopeCache } from './scope-cache.js';
import { checkRestoreSources } from './source-checks.js';

/** The ports the service uses. */
export interface RestorePorts {
  /** S3: ranged GETs of bundles, restored copies, RestoreObject, HeadObject, presigned URLs, manifests. */
  readonly objects: ObjectStore;
  readonly restores: RestoreStore;
  readonly bundles: BundleRestoreStore;
  /** The catalog: job scopes and bundle directory. */
  readonly directory: BundleDirectoryStore;
  /** The per-file index, in deployments with `catalog: per_file` (used for the jobs archived with it). */
  readonly index?: FileIndexStore;
  readonly notifier: RestoreNotifier;
  /** Default the system clock. */
  readonly clock?: Clock;
  /** Unreadable events, events for unknown bundles, restores left for the reconciler. Default silent. */
  readonly logger?: Logger;
}

/**
 * Where a submitted request's files are looked up:
 * - `inline`: in the submit call, which then returns the resolved request (the CLI); a refused
 *   selection (ambiguous name...) is recorded FAILED and thrown;
 * - `background`: in this process after submit returns (`coldpack serve`); {@link RestoreService.drain} awaits it;
 * - `deferred`: by another worker (AWS: the reconcile function, woken per request by `dispatch`, else its
 *   hourly pass), submit only records.
 */
export type ResolutionMode = 'inline' | 'background' | 'deferred';

/** Options of {@link RestoreService}. */
export interface RestoreServiceOptions extends WorkerOptions {
  /** Bucket with bundles and manifests. */
  readonly archiveBucket: string;
  /** Bucket receiving restored files (`restores/<restore_id>/<source bucket>/<key>`). */
  readonly restoreBucket: string;
  /** Topic notified about every restore (undefined = none). */
  readonly topicArn?: string;
  /** Topics a caller may add with `topic_arn`. Default none. */
  readonly allowedTopicArns?: readonly string[];
  /** Presigned URL lifetime in seconds, 1-604,800. Default 86,400. */
  readonly presignSeconds?: number;
  /** Entries up to this many bytes are extracted in memory. Default 64 MiB. */
  readonly bufferedMaxBytes?: number;
  /** Most files per request. Default 100,000. */
  readonly maxFiles?: number;
  /** Where files are looked up after submit. Default `inline`. */
  readonly resolution?: ResolutionMode;
  /**
   * `deferred`: called with each recorded request id to wake a worker (AWS: an asynchronous invoke of the
   * reconcile function). A rejection is logged and the request left RESOLVING for the reconciler's next pass.
   */
  readonly dispatch?: (restoreId: string) => Promise<void>;
  /** Lifetime of cached job scopes in ms. Default 60,000. */
  readonly scopeTtlMs?: number;
}

/** A new restore id: `rst-<yyyymmddThhmmss>-<10 hex>` (URL-safe; valid as a Batch job parameter). */
export function newRestoreId(now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').slice(0, 15);
  return `rst-${stamp}-${randomBytes(5).toString('hex')}`;
}

/** Most manifests a synchronous name lookup (`GET /files?name=`) reads in the compact catalog. */
export const SYNC_NAME_LOOKUP_MANIFESTS = 100;

/** The position of a lookup page in the one page-token codec: `{ o: offset }`. */
function pageOffset(token: string | undefined): number {
  return decodePageToken(token, (p) => (isPlainObject(p) && Object.keys(p).length === 1 ? offsetOf(p.o) : undefined)) ?? 0;
}
function paged(all: readonly ArchivedFile[], page: PageRequest): Page<ArchivedFile> {
  const start = pageOffset(page.nextToken);
  const items = [...all].sort(compareGenerations).slice(start, start + page.limit);
  return start + page.limit < all.length ? { items, nextToken: encodePageToken({ o: start + page.limit }) } : { items };
}

/** Restore requests, lookups, completion events and reconciliation. */
export class RestoreService implements RestoreRequests, FileLookup {
  private readonly store: RestoreStore;
  private readonly objects: ObjectStore;
  private readonly scopes: ScopeCache;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly lookup: CatalogLookup;
  private readonly names: NameSearch;
  private readonly syncNames: NameSearch;
  private readonly worker: RestoreWorker;
  private readonly resolution: RestoreResolution;
  private readonly reconciler: Reconciler;
  private readonly running = new Set<Promise<unknown>>();

  /** @param ports storage, S3, catalog, notifier, clock, logger; @param options buckets, topics and tunables */
  constructor(
    ports: RestorePorts,
    private readonly options: RestoreServiceOptions,
  ) {
    this.clock = ports.clock ?? systemClock;
    this.logger = ports.logger ?? silentLogger;
    this.store = ports.restores;
    this.objects = ports.objects;
    const scopes = new ScopeCache(ports.directory, this.clock, options.scopeTtlMs);
    this.scopes = scopes;
    this.lookup = new CatalogLookup(ports.objects, ports.directory, scopes, ports.index);
    const maxFiles = options.maxFiles ?? 100_000;
    this.names = new NameSearch(ports.objects, ports.directory, scopes, ports.index, { maxMatches: maxFiles });
    this.syncNames = new NameSearch(ports.objects, ports.directory, scopes, ports.index, { maxMatches: maxFiles, maxManifests: SYNC_NAME_LOOKUP_MANIFESTS });
    const resolver = new Resolver(this.lookup, this.names, ports.objects, { maxFiles });
    const notifications = new Notifications(ports.objects, this.store, ports.notifier, this.clock, this.logger, {
      restoreBucket: options.restoreBucket,
      ...(options.presignSeconds ? { presignSeconds: options.presignSeconds } : {}),
    });
    this.worker = new RestoreWorker(
      {
        store: this.store,
        bundles: new BundleRestores(ports.bundles, ports.objects, this.clock),
        extractor: new Extractor(ports.objects, {
          restoreBucket: options.restoreBucket,
          ...(options.bufferedMaxBytes ? { bufferedMaxBytes: options.bufferedMaxBytes } : {}),
        }),
        notifications,
        clock: this.clock,
        logger: this.logger,
        restoreBucket: options.restoreBucket,
      },
      options,
    );
    this.resolution = new RestoreResolution(
      { store: this.store, resolver, worker: this.worker, clock: this.clock, logger: this.logger },
      { extract: options.extractOnSubmit ?? true, ...(options.bundleConcurrency ? { bundleConcurrency: options.bundleConcurrency } : {}) },
    );
    this.reconciler = new Reconciler(this.worker, notifications, (id) => this.resolveLogged(id));
  }

  /**
   * Check and record a restore request (status RESOLVING), then have its files looked up as
   * {@link RestoreServiceOptions.resolution} says. Requests made: the idempotency read (with a key),
   * the named bucket's scopes (one Query, cached), the key list's HeadObject (`keys_manifest`), the
   * open marker and the request item: the same whatever the selection.
   * @throws ValidationError (400) before anything is written: days out of range, empty prefix, key list
   *   outside key-lists/, topic not allowed (`TOPIC_NOT_ALLOWED`), a bucket never archived or a key list
   *   that does not exist (`SOURCE_NOT_FOUND`, {@link checkRestoreSources}); with `inline` resolution also
   *   a selection refused while resolving (`AMBIGUOUS_NAME`, `TOO_MANY_FILES`, `TIER_NOT_ALLOWED`), after
   *   recording the request FAILED with the reason (resolution is asynchronous by design: see `docs/restore.md`)
   */
  async submit(req: RestoreRequestInput, opts: SubmitOptions = {}): Promise<RestoreView> {
    const topics = checkRequest(req, { topicArn: this.options.topicArn, allowed: this.options.allowedTopicArns ?? [] }, this.options.restoreBucket);
    const restoreId =
      opts.idempotencyKey !== undefined ? `rst-${createHash('sha256').update(opts.idempotencyKey).digest('hex').slice(0, 24)}` : newRestoreId(this.clock.now());
    if (opts.idempotencyKey !== undefined) {
      const existing = await this.store.getRequest(restoreId);
      if (existing) return this.viewOf(existing);
    }
    await checkRestoreSources(req, { objects: this.objects, scopes: this.scopes });
    const at = this.clock.now().toISOString();
    const record: RestoreRequestRecord = {
      restore_id: restoreId,
      request: req,
      requested_by: req.requested_by,
      ...(req.project ? { project: req.project } : {}),
      resolution: 'RESOLVING',
      files: 0,
      bundles: 0,
      files_available: 0,
      files_failed: 0,
      files_not_found: 0,
      topic_arns: topics,
      created_at: at,
      updated_at: at,
    };
    await this.store.open(restoreId, at);
    const stored = await this.store.createRequest(record);
    if (!stored) return (await this.get(restoreId))!;
    opts.onRecorded?.(restoreId);
    const mode = this.options.resolution ?? 'inline';
    if (mode === 'inline') {
      const refused = await this.resolution.run(restoreId);
      if (refused) throw refused;
      return (await this.get(restoreId))!;
    }
    if (mode === 'background') {
      const p = this.resolveLogged(restoreId).finally(() => this.running.delete(p));
      this.running.add(p);
    } else if (this.options.dispatch) await this.dispatchLogged(restoreId);
    // The record as stored: a list kept apart is not echoed (a 10 MB key list would pass Lambda's 6 MB response limit).
    return toView(stored, []);
  }

  /**
   * Wake a worker for a recorded request. A refused dispatch does not fail the submit: the request is
   * recorded (RESOLVING) and the reconciler's next full pass resolves it; the failure is logged (warn)
   * with the reason.
   */
  private async dispatchLogged(restoreId: string): Promise<void> {
    try {
      await this.options.dispatch!(restoreId);
    } catch (err) {
      this.logger.warn(
        { restore_id: restoreId, err },
        `waking a worker for the restore request failed; it stays RESOLVING for the reconciler's next pass: ${(err as Error).message}`,
      );
    }
  }

  /** The view of a recorded request (its files read only once it is resolved). */
  private async viewOf(req: RestoreRequestRecord): Promise<RestoreView> {
    return toView(req, req.resolution === 'RESOLVING' ? [] : await this.store.files(req.restore_id));
  }

  /** Resolve a RESOLVING request (the worker step). A transient failure is logged; the request stays RESOLVING for the reconciler. */
  async resolve(restoreId: string): Promise<void> {
    await this.resolution.run(restoreId);
  }

  private async resolveLogged(restoreId: string): Promise<void> {
    try {
      await this.resolution.run(restoreId);
    } catch (err) {
      this.logger.warn(
        { restore_id: restoreId, err },
        `resolving the restore request failed for now; it stays RESOLVING for the reconciler: ${(err as Error).message}`,
      );
    }
  }

  /** Wait for the resolutions started in the background by this process. */
  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  /** @inheritdoc */
  async get(restoreId: string): Promise<RestoreView | undefined> {
    const req = await this.store.getRequest(restoreId);
    return req ? this.viewOf(req) : undefined;
  }

  /** @inheritdoc */
  async byKey(bucket: string | undefined, key: string, page: PageRequest): Promise<Page<ArchivedFile>> {
    return paged(await this.lookup.byKey(bucket, key), page);
  }

  /**
   * @inheritdoc
   * @throws ValidationError `TOO_MANY_FILES` when the compact catalog would read more than
   *   {@link SYNC_NAME_LOOKUP_MANIFESTS} manifests (restore by name is asynchronous and has no such bound)
   */
  async byName(bucket: string | undefined, name: string, page: PageRequest): Promise<Page<ArchivedFile>> {
    const found = await this.syncNames.search([name], bucket === undefined ? {} : { bucket });
    return paged(found.get(name) ?? [], page);
  }

  /**
   * Handle an S3 "Object Restore Completed" event (EventBridge, S3 notification, or SNS/SQS
   * envelope): mark each bundle READY and extract the files of the requests waiting for it.
   * Unreadable records, objects of another bucket and objects that are not known bundles are
   * logged with the reason and skipped.
   * @returns the bundle keys handled
   */
  async handleEvent(event: unknown): Promise<string[]> {
    const handled: string[] = [];
    const { events, unreadable } = parseRestoreEvents(event);
    for (const u of unreadable) this.logger.warn({ excerpt: u.excerpt }, `restore event skipped: ${u.reason}`);
    for (const e of events) {
      if (e.bucket !== this.options.archiveBucket) {
        this.logger.info({ bucket: e.bucket, key: e.key }, `restore event skipped: not the archive bucket ${this.options.archiveBucket}`);
        continue;
      }
      if (!(await this.worker.bundles.markReady(e.key, e.expiresAt))) {
        this.logger.warn({ bucket: e.bucket, key: e.key }, 'restore event skipped: the object is not a bundle of the bundle store');
        continue;
      }
      await this.worker.processWaiting(e.key);
      handled.push(e.key);
    }
    return handled;
  }

  /** One reconcile pass over open requests (or one request). See {@link Reconciler}. */
  reconcile(restoreId?: string): Promise<ReconcileSummary> {
    return this.reconciler.run(restoreId);
  }
}
