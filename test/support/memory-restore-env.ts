/**
 * A restore pipeline on in-memory fakes of every port (no AWS, no emulator): a
 * {@link MemoryObjectStore} holding real zip bundles written by {@link ZipBundleWriter} and their
 * gzipped manifests, the catalog fakes (`memory-catalog.ts`: scopes and bundle directory; an optional
 * per-file index) and the fakes of `memory-restore-stores.ts`. A fixed clock that tests can move.
 */
import { committedBundle } from './committed-bundle.js';
import { gzipSync } from 'node:zlib';
import { ZipBundleWriter, type WrittenEntry } from '../../src/bundle/zip-bundle-writer.js';
import { crc32Hex } from '../../src/bundle/zip-entry-reader.js';
import { manifestHeader, manifestRow } from '../../src/bundle/manifest.js';
import { bundleKeys, compareKeys, filePk, nameKey } from '../../src/domain/keys.js';
import type { ArchiveStorageClass, EntryRecord, FileIndexItem } from '../../src/domain/model.js';
import type { RestoreRequestInput } from '../../src/domain/restore-request.js';
import { RestoreService, type RestoreServiceOptions } from '../../src/restore/restore-service.js';
import { MemoryObjectStore } from './memory-object-store.js';
import { MemoryBundleDirectoryStore } from './memory-catalog.js';
import { MemoryBundleStore, MemoryFileIndexStore } from './memory-stores.js';
import { MemoryBundleRestoreStore, MemoryRestoreStore, RecordingLogger, RecordingNotifier } from './memory-restore-stores.js';

export const ARCHIVE = 'mem-archive';
export const RESTORE = 'mem-restore';
export const SOURCE = 'mem-source';
export const TOPIC = 'arn:aws:sns:us-east-1:123456789012:mem-topic';

/** The fakes and a way to build services on them. */
export interface MemoryRestoreEnv {
  readonly objects: MemoryObjectStore;
  readonly restores: MemoryRestoreStore;
  readonly bundles: MemoryBundleRestoreStore;
  /** Scopes and bundle directory (over `bundleItems`). */
  readonly directory: MemoryBundleDirectoryStore;
  /** The archive side's bundle items (the directory entries are their COMMITTED ones). */
  readonly bundleItems: MemoryBundleStore;
  /** Per-file index (filled for bundles put with `perFile`; wired into services built with `perFile`). */
  readonly index: MemoryFileIndexStore;
  readonly notifier: RecordingNotifier;
  readonly logger: RecordingLogger;
  /** The clock every service of this env reads; move it with `clock.at = ...`. */
  readonly clock: { at: Date; now(): Date };
  /** A service on the fakes (`perFile`: with the per-file index port). Default scope cache off, inline resolution. */
  service(options?: Partial<RestoreServiceOptions> & { perFile?: boolean }): RestoreService;
}

/** Sizes of the fakes (small values exercise paging and lists kept apart). */
export interface MemoryRestoreLimits {
  /** Page size of the bundle store's waiting requests (default 1,000). */
  readonly waitPageSize?: number;
  /** Bytes over which the restore store keeps a selection list apart (default 64 KiB, like DynamoDB's). */
  readonly inlineSelectionMaxBytes?: number;
}

/** A fresh environment with the three buckets (in `objects`, default a new {@link MemoryObjectStore}). */
export function memoryRestoreEnv(objects = new MemoryObjectStore(), limits: MemoryRestoreLimits = {}): MemoryRestoreEnv {
  for (const b of [ARCHIVE, RESTORE, SOURCE]) objects.createBucket(b);
  const env: MemoryRestoreEnv = {
    objects,
    restores: new MemoryRestoreStore(limits.inlineSelectionMaxBytes),
    bundles: new MemoryBundleRestoreStore(limits.waitPageSize),
    directory: new MemoryBundleDirectoryStore(),
    get bundleItems() {
      return this.directory.bundles;
    },
    index: new MemoryFileIndexStore(),
    notifier: new RecordingNotifier(),
    logger: new RecordingLogger(),
    clock: {
      at: new Date('2024-05-01T00:00:00.000Z'),
      now() {
        return new Date(this.at);
      },
    },
    service(options = {}) {
      const { perFile, ...rest } = options;
      return new RestoreService(
        {
          objects: env.objects,
          restores: env.restores,
          bundles: env.bundles,
          directory: env.directory,
          ...(perFile ? { index: env.index } : {}),
          notifier: env.notifier,
          clock: env.clock,
          logger: env.logger,
        },
        { archiveBucket: ARCHIVE, restoreBucket: RESTORE, topicArn: TOPIC, scopeTtlMs: 0, ...rest },
      );
    },
  };
  return env;
}

/** One file of a fixture bundle. */
export interface MemoryFile {
  readonly key: string;
  readonly data: Buffer;
  /** 0 stored, 8 deflated (default 8). */
  readonly method?: 0 | 8;
}

/** Options of {@link putMemoryBundle}. */
export interface MemoryBundleOptions {
  readonly jobId?: string;
  readonly seq?: number;
  readonly storageClass?: ArchiveStorageClass;
  readonly archivedAt?: string;
  readonly sourceBucket?: string;
  /** Also write per-file index items, and mark the job's scope `per_file`. */
  readonly perFile?: boolean;
  /** Keep the files in the given order in the bundle (an unsorted job) instead of sorting them. */
  readonly unsorted?: boolean;
  /** Change the bundle bytes before they are stored (the index keeps the true values). */
  readonly mutate?: (bundle: Buffer, entries: readonly WrittenEntry[]) => void;
}

/** A bundle stored by {@link putMemoryBundle}. */
export interface MemoryBundle {
  readonly bundleKey: string;
  readonly bytes: Buffer;
  readonly items: FileIndexItem[];
}

let seqNo = 0;

/** Write a real zip bundle, its manifest, the COMMITTED bundle item (its directory entry), the job's scope and (perFile) the index items. */
export async function putMemoryBundle(env: MemoryRestoreEnv, files: readonly MemoryFile[], o: MemoryBundleOptions = {}): Promise<MemoryBundle> {
  const jobId = o.jobId ?? `job-${++seqNo}`;
  const seq = o.seq ?? seqNo++;
  const storageClass = o.storageClass ?? 'DEEP_ARCHIVE';
  const archivedAt = o.archivedAt ?? '2024-04-10T00:00:00.000Z';
  const bucket = o.sourceBucket ?? SOURCE;
  const ordered = o.unsorted ? [...files] : [...files].sort((a, b) => compareKeys(a.key, b.key));
  const byKey = [...files].sort((a, b) => compareKeys(a.key, b.key));
  const chunks: Buffer[] = [];
  const writer = new ZipBundleWriter({ write: async (c) => void chunks.push(Buffer.from(c)) });
  const modified = new Date('2024-04-10T00:00:00Z');
  const written: WrittenEntry[] = [];
  for (const f of ordered) written.push(await writer.addBuffer({ name: f.key, modified }, f.data, f.method ?? 8));
  await writer.finish();
  const bundle = Buffer.concat(chunks);
  o.mutate?.(bundle, written);
  const keys = bundleKeys('proj', jobId, 0, seq);
  env.objects.seed(ARCHIVE, keys.bundle, bundle, { storageClass });
  const entries: EntryRecord[] = ordered.map((f, i) => {
    const w = written[i]!;
    return {
      key: f.key,
      size: w.size,
      etag: `etag-${i}`,
      last_modified: modified.toISOString(),
      offset: w.offset,
      length: w.length,
      compressed_size: w.compressedSize,
      method: w.method,
      crc32: crc32Hex(w.crc32),
      sha256: w.sha256,
    };
  });
  env.objects.seed(ARCHIVE, keys.manifest, gzipSync(manifestHeader() + entries.map((e) => manifestRow(bucket, e)).join('')));
  const min = byKey[0]?.key ?? '';
  const max = byKey[byKey.length - 1]?.key ?? '';
  await env.bundleItems.markCommitted(
    committedBundle(
      { keys, archiveBucket: ARCHIVE, sourceBucket: bucket, jobId, project: 'proj', shard: 0, seq, storageClass, archivedAt, bytes: bundle.length },
      entries,
    ),
  );
  const prior = env.directory.scopeItems.get(bucket)?.get(jobId);
  await env.directory.putScope({
    bucket,
    job_id: jobId,
    project: 'proj',
    generation: archivedAt,
    min_key: prior && compareKeys(prior.min_key, min) < 0 ? prior.min_key : min,
    max_key: prior && compareKeys(prior.max_key, max) > 0 ? prior.max_key : max,
    sorted: !o.unsorted && (prior?.sorted ?? true) && (!prior || compareKeys(prior.max_key, min) < 0),
    files: (prior?.files ?? 0) + entries.length,
    catalog: o.perFile ? 'per_file' : 'compact',
  });
  env.directory.calls.length = 0;
  env.bundles.add(keys.bundle);
  const items: FileIndexItem[] = entries.map((e) => ({
    ...e,
    pk: filePk(bucket, e.key),
    sk: `${archivedAt}#${jobId}`,
    name_key: nameKey(bucket, e.key),
    bucket,
    archive_bucket: ARCHIVE,
    bundle_key: keys.bundle,
    storage_class: storageClass,
    job_id: jobId,
    project: 'proj',
    archived_at: archivedAt,
  }));
  if (o.perFile) await env.index.putMany(items);
  return { bundleKey: keys.bundle, bytes: bundle, items };
}

/** A restore request (Standard, 3 days) for `selection`. */
export function restoreInput(selection: RestoreRequestInput['selection'], extra: Partial<RestoreRequestInput> = {}): RestoreRequestInput {
  return { selection, tier: 'Standard', days: 3, all_matches: false, requested_by: 'test', ...extra };
}
