/**
 * A restore pipeline on in-memory fakes of every port (no AWS, no emulator): a
 * {@link MemoryObjectStore} holding real zip bundles written by {@link ZipBundleWriter} and their
 * gzipped manifests, and the fakes of `memory-restore-stores.ts` holding job, bundle and index
 * items. A fixed clock that tests can move.
 */
import { gzipSync } from 'node:zlib';
import { ZipBundleWriter, type WrittenEntry } from '../../src/bundle/zip-bundle-writer.js';
import { crc32Hex } from '../../src/bundle/zip-entry-reader.js';
import { manifestHeader, manifestRow } from '../../src/bundle/manifest.js';
import { bundleKeys, filePk, nameKey } from '../../src/domain/keys.js';
import type { ArchiveStorageClass, EntryRecord, FileIndexItem } from '../../src/domain/model.js';
import type { RestoreRequestInput } from '../../src/domain/restore-request.js';
import { RestoreService, type RestoreServiceOptions } from '../../src/restore/restore-service.js';
import { compareKeys } from '../../src/restore/archive-catalog.js';
import { MemoryObjectStore } from './memory-object-store.js';
import { MemoryArchiveCatalogStore, MemoryBundleRestoreStore, MemoryRestoreStore, RecordingLogger, RecordingNotifier } from './memory-restore-stores.js';

export const ARCHIVE = 'mem-archive';
export const RESTORE = 'mem-restore';
export const SOURCE = 'mem-source';
export const TOPIC = 'arn:aws:sns:us-east-1:123456789012:mem-topic';

/** The fakes and a way to build services on them. */
export interface MemoryRestoreEnv {
  readonly objects: MemoryObjectStore;
  readonly restores: MemoryRestoreStore;
  readonly bundles: MemoryBundleRestoreStore;
  readonly catalog: MemoryArchiveCatalogStore;
  readonly notifier: RecordingNotifier;
  readonly logger: RecordingLogger;
  /** The clock every service of this env reads; move it with `clock.at = ...`. */
  readonly clock: { at: Date; now(): Date };
  service(options?: Partial<RestoreServiceOptions>): RestoreService;
}

/** A fresh environment with the three buckets (in `objects`, default a new {@link MemoryObjectStore}). */
export function memoryRestoreEnv(objects = new MemoryObjectStore()): MemoryRestoreEnv {
  for (const b of [ARCHIVE, RESTORE, SOURCE]) objects.createBucket(b);
  const env: MemoryRestoreEnv = {
    objects,
    restores: new MemoryRestoreStore(),
    bundles: new MemoryBundleRestoreStore(),
    catalog: new MemoryArchiveCatalogStore(),
    notifier: new RecordingNotifier(),
    logger: new RecordingLogger(),
    clock: {
      at: new Date('2024-05-01T00:00:00.000Z'),
      now() {
        return new Date(this.at);
      },
    },
    service(options = {}) {
      return new RestoreService(
        { objects: env.objects, restores: env.restores, bundles: env.bundles, catalog: env.catalog, notifier: env.notifier, clock: env.clock, logger: env.logger },
        { archiveBucket: ARCHIVE, restoreBucket: RESTORE, topicArn: TOPIC, ...options },
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

/** Write a real zip bundle, its manifest, the job's bucket, the COMMITTED bundle item and the index items. */
export async function putMemoryBundle(env: MemoryRestoreEnv, files: readonly MemoryFile[], o: MemoryBundleOptions = {}): Promise<MemoryBundle> {
  const jobId = o.jobId ?? `job-${++seqNo}`;
  const seq = o.seq ?? seqNo++;
  const storageClass = o.storageClass ?? 'DEEP_ARCHIVE';
  const archivedAt = o.archivedAt ?? '2024-04-10T00:00:00.000Z';
  const bucket = o.sourceBucket ?? SOURCE;
  const sorted = [...files].sort((a, b) => compareKeys(a.key, b.key));
  const chunks: Buffer[] = [];
  const writer = new ZipBundleWriter({ write: async (c) => void chunks.push(Buffer.from(c)) });
  const modified = new Date('2024-04-10T00:00:00Z');
  const written: WrittenEntry[] = [];
  for (const f of sorted) written.push(await writer.addBuffer({ name: f.key, modified }, f.data, f.method ?? 8));
  await writer.finish();
  const bundle = Buffer.concat(chunks);
  o.mutate?.(bundle, written);
  const keys = bundleKeys('proj', jobId, 0, seq);
  env.objects.seed(ARCHIVE, keys.bundle, bundle, { storageClass });
  const entries: EntryRecord[] = sorted.map((f, i) => {
    const w = written[i]!;
    return {
      key: f.key, size: w.size, etag: `etag-${i}`, last_modified: modified.toISOString(), offset: w.offset, length: w.length,
      compressed_size: w.compressedSize, method: w.method, crc32: crc32Hex(w.crc32), sha256: w.sha256,
    };
  });
  env.objects.seed(ARCHIVE, keys.manifest, gzipSync(manifestHeader() + entries.map((e) => manifestRow(bucket, e)).join('')));
  env.catalog.jobBuckets.set(jobId, bucket);
  env.catalog.bundleItems.set(keys.bundle, {
    bundle_key: keys.bundle, archive_bucket: ARCHIVE, job_id: jobId, project: 'proj', shard: 0, seq, state: 'COMMITTED', storage_class: storageClass,
    entry_count: entries.length, bytes: bundle.length, first_key: sorted[0]?.key ?? '', last_key: sorted[sorted.length - 1]?.key ?? '', manifest_key: keys.manifest,
  });
  env.bundles.add(keys.bundle);
  const items: FileIndexItem[] = entries.map((e) => ({
    ...e, pk: filePk(bucket, e.key), sk: `${archivedAt}#${jobId}`, name_key: nameKey(bucket, e.key), bucket, archive_bucket: ARCHIVE,
    bundle_key: keys.bundle, storage_class: storageClass, job_id: jobId, project: 'proj', archived_at: archivedAt,
  }));
  env.catalog.index.push(...items);
  return { bundleKey: keys.bundle, bytes: bundle, items };
}

/** A restore request (Standard, 3 days) for `selection`. */
export function restoreInput(selection: RestoreRequestInput['selection'], extra: Partial<RestoreRequestInput> = {}): RestoreRequestInput {
  return { selection, tier: 'Standard', days: 3, all_matches: false, requested_by: 'test', ...extra };
}
