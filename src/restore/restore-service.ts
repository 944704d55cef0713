/**
 * The restore pipeline's entry point: implements the API's {@link RestoreRequests} and
 * {@link FileLookup} ports, handles "restore completed" events and runs reconcile passes.
 * Built by composition roots (CLI, Lambda, local server) with clients and names; reads no env.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { TableNames } from '../domain/config.js';
import { ValidationError } from '../domain/errors.js';
import type { FileIndexItem } from '../domain/model.js';
import { DynamoFileIndexStore } from '../adapters/dynamo/dynamo-file-index-store.js';
import { SnsNotifier } from '../adapters/sns-notifier.js';
import type { FileLookup, Page, PageRequest, RestoreRequestInput, RestoreRequests, RestoreView, SubmitOptions } from '../api/ports.js';
import { ArchiveCatalog } from './archive-catalog.js';
import { BundleRestores } from './bundle-restore.js';
import { parseRestoreEvents } from './events.js';
import { Extractor } from './extractor.js';
import { FileLookupService } from './file-lookup.js';
import { DEFAULT_PRESIGN_SECONDS, Notifications } from './notifications.js';
import type { RestoreNotifier } from './notifier.js';
import { mapLimit } from './pool.js';
import { Reconciler } from './reconciler.js';
import { Resolver } from './resolver.js';
import { RestoreStore } from './restore-store.js';
import { RestoreWorker, type ReconcileSummary, type WorkerOptions } from './restore-worker.js';
import { tierProblem } from './tiers.js';
import { REQUEST_SK, fileItemFromIndex, fileSk, restorePk, type RestoreFileItem } from './types.js';
import { toView, validateInput } from './views.js';

/** Options of {@link RestoreService}. */
export interface RestoreServiceOptions extends WorkerOptions {
  /** DynamoDB table names. */
  readonly tables: TableNames;
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
  /** Multipart part size in bytes (≥ 5 MiB). Default 8 MiB. */
  readonly partSize?: number;
  /** Most files per request. Default 100,000. */
  readonly maxFiles?: number;
  /** Notifier; default SNS through `clients.sns`. */
  readonly notifier?: RestoreNotifier;
}

/** Clients the service uses. */
export interface RestoreClients {
  readonly s3: S3Client;
  readonly dynamo: DynamoDBDocumentClient;
  readonly sns: SNSClient;
}

/** Restore requests, lookups, completion events and reconciliation. */
export class RestoreService implements RestoreRequests, FileLookup {
  private readonly store: RestoreStore;
  private readonly lookup: FileLookupService;
  private readonly resolver: Resolver;
  private readonly worker: RestoreWorker;
  private readonly reconciler: Reconciler;

  /**
   * @param clients S3, DynamoDB (document client) and SNS clients
   * @param options names, buckets, topics and tunables (see {@link RestoreServiceOptions})
   */
  constructor(
    clients: RestoreClients,
    private readonly options: RestoreServiceOptions,
  ) {
    const now = options.now ?? (() => new Date());
    this.store = new RestoreStore(clients.dynamo, options.tables.jobs);
    const catalog = new ArchiveCatalog(clients.s3, clients.dynamo, { archiveBucket: options.archiveBucket, jobsTable: options.tables.jobs, bundlesTable: options.tables.bundles });
    this.lookup = new FileLookupService(new DynamoFileIndexStore(clients.dynamo, options.tables.files), catalog);
    this.resolver = new Resolver(this.lookup, catalog, clients.s3, { ...(options.maxFiles ? { maxFiles: options.maxFiles } : {}) });
    const bundles = new BundleRestores(clients.s3, clients.dynamo, options.tables.bundles, { now });
    const extractor = new Extractor(clients.s3, { restoreBucket: options.restoreBucket, ...(options.bufferedMaxBytes ? { bufferedMaxBytes: options.bufferedMaxBytes } : {}), ...(options.partSize ? { partSize: options.partSize } : {}) });
    const notifications = new Notifications(clients.s3, this.store, options.notifier ?? new SnsNotifier(clients.sns), options.restoreBucket, options.presignSeconds ?? DEFAULT_PRESIGN_SECONDS, now);
    this.worker = new RestoreWorker(this.store, bundles, extractor, notifications, options);
    this.reconciler = new Reconciler(this.worker, notifications);
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  /**
   * Resolve, record and start a restore. Validation happens before any AWS call; a tier that a
   * file's storage class does not allow fails that file (TIER_NOT_ALLOWED) and the others proceed,
   * but when it would fail every found file the whole request is refused.
   * @throws ValidationError (400): bad tier/days/selection, topic not allowed (`TOPIC_NOT_ALLOWED`),
   *   ambiguous name (`AMBIGUOUS_NAME`), Expedited for Deep Archive only (`TIER_NOT_ALLOWED`)
   */
  async submit(req: RestoreRequestInput, opts: SubmitOptions = {}): Promise<RestoreView> {
    const topics = validateInput(req, { topicArn: this.options.topicArn, allowed: this.options.allowedTopicArns ?? [] });
    checkKeyListLocation(req, this.options.restoreBucket);
    const restoreId = opts.idempotencyKey !== undefined ? `rst-${createHash('sha256').update(opts.idempotencyKey).digest('hex').slice(0, 24)}` : newRestoreId(this.now());
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
    const at = this.now().toISOString();
    const files: RestoreFileItem[] = [];
    found.forEach((f: FileIndexItem) => {
      const item = fileItemFromIndex(restoreId, files.length, f, at);
      const problem = refused.get(f.pk);
      files.push(problem ? { ...item, status: 'FAILED', error_code: 'TIER_NOT_ALLOWED', message: problem } : item);
    });
    for (const nf of notFound) {
      files.push({ pk: restorePk(restoreId), sk: fileSk(undefined, files.length), restore_id: restoreId, n: files.length, key: nf.asked, status: 'NOT_FOUND', error_code: 'NOT_FOUND', message: nf.message, updated_at: at });
    }
    const active = files.filter((f) => f.status === 'PENDING');
    const groups = new Map<string, RestoreFileItem[]>();
    for (const f of active) groups.set(f.bundle_key!, [...(groups.get(f.bundle_key!) ?? []), f]);
    await this.store.open(restoreId, at);
    await this.store.putFiles(files);
    const created = await this.store.createRequest({
      pk: restorePk(restoreId),
      sk: REQUEST_SK,
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
    if (active.length === 0) await this.worker.finish(restoreId);
    await mapLimit([...groups], this.options.bundleConcurrency ?? 4, ([bundleKey, group]) => this.worker.startBundle(restoreId, req.tier, req.days, bundleKey, group, this.options.extractOnSubmit ?? true));
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
   * Objects that are not bundles of this archive bucket are ignored.
   * @returns the bundle keys handled
   */
  async handleEvent(event: unknown): Promise<string[]> {
    const handled: string[] = [];
    for (const e of parseRestoreEvents(event)) {
      if (e.bucket !== this.options.archiveBucket) continue;
      const waiting = await this.worker.bundles.markReady(e.key, e.expiresAt);
      if (waiting === undefined) continue;
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

/** A new restore id: `rst-<yyyymmddThhmmss>-<10 hex>` (URL-safe; valid as a Batch job parameter). */
/** Prefix of the restore bucket where callers upload key lists for `keys_manifest`. */
export const KEY_LIST_PREFIX = 'key-lists/';

/**
 * A `keys_manifest` must be an object under `key-lists/` in the restore bucket: the service reads
 * it with its own role, so any other location would let a caller read objects through the error
 * messages of the keys it holds.
 * @throws ValidationError (field `keys_manifest`) for any other location
 */
export function checkKeyListLocation(req: RestoreRequestInput, restoreBucket: string): void {
  const sel = req.selection;
  if (sel.kind !== 'manifest') return;
  if (sel.bucket !== restoreBucket || !sel.key.startsWith(KEY_LIST_PREFIX) || sel.key.includes('..')) {
    throw new ValidationError(`keys_manifest must be an object under s3://${restoreBucket}/${KEY_LIST_PREFIX} (upload the key list there first), got s3://${sel.bucket}/${sel.key}`, 'keys_manifest');
  }
}

export function newRestoreId(now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').slice(0, 15);
  return `rst-${stamp}-${randomBytes(5).toString('hex')}`;
}
