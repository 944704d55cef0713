/**
 * The restore pipeline's entry point: implements the {@link RestoreRequests} and {@link FileLookup}
 * ports, handles "restore completed" events and runs reconcile passes. Built by composition roots
 * (`src/entrypoints/restore-composition.ts`) from ports; reads no env and makes no AWS call itself.
 */
import { createHash, randomBytes } from 'node:crypto';
import { ValidationError } from '../domain/errors.js';
import type { FileIndexItem } from '../domain/model.js';
import type { Page, PageRequest } from '../domain/page.js';
import type { ArchiveCatalogStore } from '../domain/ports/archive-catalog-store.js';
import type { BundleRestoreStore } from '../domain/ports/bundle-restore-store.js';
import { systemClock, type Clock } from '../domain/ports/clock.js';
import { silentLogger, type Logger } from '../domain/ports/logger.js';
import type { ObjectStore } from '../domain/ports/object-store.js';
import type { RestoreNotifier } from '../domain/ports/restore-notifier.js';
import type { FileLookup, RestoreRequests } from '../domain/ports/restore-requests.js';
import type { RestoreStore } from '../domain/ports/restore-store.js';
import type { RestoreRequestInput, RestoreView } from '../domain/restore-request.js';
import { fileRecordFromIndex, type RestoreFileRecord } from '../domain/restore-records.js';
import type { SubmitOptions } from '../domain/submit-options.js';
import { ArchiveCatalog } from './archive-catalog.js';
import { BundleRestores } from './bundle-restore.js';
import { parseRestoreEvents } from './events.js';
import { Extractor } from './extractor.js';
import { FileLookupService } from './file-lookup.js';
import { groupBy } from './group-by.js';
import { mapLimit } from './map-limit.js';
import { Notifications } from './notifications.js';
import { Reconciler } from './reconciler.js';
import { Resolver } from './resolver.js';
import { checkRequest, tierProblem } from './restore-rules.js';
import { toView } from './restore-view.js';
import { RestoreWorker, type ReconcileSummary, type WorkerOptions } from './restore-worker.js';

/** The ports the service uses. */
export interface RestorePorts {
  /** S3: ranged GETs of bundles, restored copies, RestoreObject, HeadObject, presigned URLs, manifests. */
  readonly objects: ObjectStore;
  readonly restores: RestoreStore;
  readonly bundles: BundleRestoreStore;
  readonly catalog: ArchiveCatalogStore;
  readonly notifier: RestoreNotifier;
  /** Default the system clock. */
  readonly clock?: Clock;
  /** Unreadable events, events for unknown bundles, restores left for the reconciler. Default silent. */
  readonly logger?: Logger;
}

/** Options of {@link RestoreService}. */
export interface RestoreServiceOptions extends WorkerOptions {
  /** Bucket with bundles and manifests. */
  readonly archiveBucket: string;
  /** Bucket receiving restored files (`restores/<restore_id>/<key>`). */
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
}

/** A new restore id: `rst-<yyyymmddThhmmss>-<10 hex>` (URL-safe; valid as a Batch job parameter). */
export function newRestoreId(now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').slice(0, 15);
  return `rst-${stamp}-${randomBytes(5).toString('hex')}`;
}

/** Restore requests, lookups, completion events and reconciliation. */
export class RestoreService implements RestoreRequests, FileLookup {
  private readonly store: RestoreStore;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly lookup: FileLookupService;
  private readonly resolver: Resolver;
  private readonly worker: RestoreWorker;
  private readonly reconciler: Reconciler;

  /** @param ports storage, S3, notifier, clock, logger; @param options buckets, topics and tunables */
  constructor(
    ports: RestorePorts,
    private readonly options: RestoreServiceOptions,
  ) {
    this.clock = ports.clock ?? systemClock;
    this.logger = ports.logger ?? silentLogger;
    this.store = ports.restores;
    const catalog = new ArchiveCatalog(ports.objects, ports.catalog, this.clock, { archiveBucket: options.archiveBucket });
    this.lookup = new FileLookupService(ports.catalog, catalog);
    this.resolver = new Resolver(this.lookup, catalog, ports.objects, { ...(options.maxFiles ? { maxFiles: options.maxFiles } : {}) });
    const notifications = new Notifications(ports.objects, this.store, ports.notifier, this.clock, this.logger, {
      restoreBucket: options.restoreBucket,
      ...(options.presignSeconds ? { presignSeconds: options.presignSeconds } : {}),
    });
    this.worker = new RestoreWorker(
      {
        store: this.store,
        bundles: new BundleRestores(ports.bundles, ports.objects, this.clock),
        extractor: new Extractor(ports.objects, { restoreBucket: options.restoreBucket, ...(options.bufferedMaxBytes ? { bufferedMaxBytes: options.bufferedMaxBytes } : {}) }),
        notifications,
        clock: this.clock,
        logger: this.logger,
        restoreBucket: options.restoreBucket,
      },
      options,
    );
    this.reconciler = new Reconciler(this.worker, notifications);
  }

  /**
   * Check, resolve, record and start a restore. The rules are checked before any AWS call; a tier
   * that a file's storage class does not allow fails that file (TIER_NOT_ALLOWED) and the others
   * proceed, but when it would fail every found file the whole request is refused.
   * @throws ValidationError (400): days out of range, empty prefix, key list outside key-lists/, topic
   *   not allowed (`TOPIC_NOT_ALLOWED`), ambiguous name (`AMBIGUOUS_NAME`), Expedited for Deep Archive
   *   only (`TIER_NOT_ALLOWED`)
   */
  async submit(req: RestoreRequestInput, opts: SubmitOptions = {}): Promise<RestoreView> {
    const topics = checkRequest(req, { topicArn: this.options.topicArn, allowed: this.options.allowedTopicArns ?? [] }, this.options.restoreBucket);
    const restoreId = opts.idempotencyKey !== undefined ? `rst-${createHash('sha256').update(opts.idempotencyKey).digest('hex').slice(0, 24)}` : newRestoreId(this.clock.now());
    if (opts.idempotencyKey !== undefined) {
      const existing = await this.get(restoreId);
      if (existing) return existing;
    }
    const { found, notFound } = await this.resolver.resolve(req);
    const refused = new Map<string, string>();
    for (const f of found) {
      const problem = tierProblem(f.storage_class, req.tier);
      if (problem) refused.set(f.pk, problem);
    }
    if (refused.size > 0 && refused.size === found.length) {
      throw new ValidationError([...new Set(refused.values())].join('; '), 'retrieval_tier', 'TIER_NOT_ALLOWED');
    }
    const at = this.clock.now().toISOString();
    const files: RestoreFileRecord[] = found.map((f, n) => {
      const file = fileRecordFromIndex(restoreId, n, f, at);
      const problem = refused.get(f.pk);
      return problem ? { ...file, status: 'FAILED', error_code: 'TIER_NOT_ALLOWED', message: problem } : file;
    });
    for (const nf of notFound) {
      files.push({ restore_id: restoreId, n: files.length, key: nf.asked, status: 'NOT_FOUND', error_code: 'NOT_FOUND', message: nf.message, updated_at: at });
    }
    const active = files.filter((f) => f.status === 'PENDING');
    const groups = groupBy(active, (f) => f.bundle_key!);
    await this.store.open(restoreId, at);
    await this.store.putFiles(files);
    const created = await this.store.createRequest({
      restore_id: restoreId,
      request: req,
      requested_by: req.requested_by,
      ...(req.project ? { project: req.project } : {}),
      files: files.length,
      bundles: groups.size,
      files_available: 0,
      files_failed: refused.size,
      files_not_found: notFound.length,
      topic_arns: topics,
      created_at: at,
      updated_at: at,
    });
    if (!created) return (await this.get(restoreId))!;
    opts.onRecorded?.(restoreId);
    if (active.length === 0) await this.worker.finish(restoreId);
    await mapLimit([...groups], this.options.bundleConcurrency ?? 4, ([bundleKey, group]) =>
      this.worker.startBundle(restoreId, req.tier, req.days, bundleKey, group, this.options.extractOnSubmit ?? true),
    );
    return (await this.get(restoreId))!;
  }

  /** @inheritdoc */
  async get(restoreId: string): Promise<RestoreView | undefined> {
    const req = await this.store.getRequest(restoreId);
    if (!req) return undefined;
    return toView(req, await this.store.files(restoreId));
  }

  /** @inheritdoc */
  byKey(bucket: string | undefined, key: string, page: PageRequest): Promise<Page<FileIndexItem>> {
    return this.lookup.byKey(bucket, key, page);
  }

  /** @inheritdoc */
  byName(bucket: string | undefined, name: string, page: PageRequest): Promise<Page<FileIndexItem>> {
    return this.lookup.byName(bucket, name, page);
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
      const waiting = await this.worker.bundles.markReady(e.key, e.expiresAt);
      if (waiting === undefined) {
        this.logger.warn({ bucket: e.bucket, key: e.key }, 'restore event skipped: the object is not a bundle of the bundle store');
        continue;
      }
      await this.worker.processWaiting(e.key, waiting);
      handled.push(e.key);
    }
    return handled;
  }

  /** One reconcile pass over open requests (or one request). See {@link Reconciler}. */
  reconcile(restoreId?: string): Promise<ReconcileSummary> {
    return this.reconciler.run(restoreId);
  }
}
