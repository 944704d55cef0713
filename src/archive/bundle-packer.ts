import { Readable } from 'node:stream';
import type { CatalogMode } from '../domain/catalog.js';
import type { ArchiveStorageClass, FileIndexItem, SourceObject } from '../domain/model.js';
import { IntegrityError } from '../domain/errors.js';
import { bundleKeys, MANIFEST_ENTRY_NAME } from '../domain/keys.js';
import type { BundleStore } from '../domain/ports/bundle-store.js';
import type { FileIndexStore } from '../domain/ports/file-index-store.js';
import type { ObjectStore } from '../domain/ports/object-store.js';
import { systemClock, type Clock } from '../domain/ports/clock.js';
import { silentLogger, type Logger } from '../domain/ports/logger.js';
import { ZipBundleWriter } from '../bundle/zip-bundle-writer.js';
import { writeEntry } from './entry-writer.js';
import { noted, removeUncommitted } from './uncommitted-cleanup.js';
import { deleteSuperseded } from './superseded-versions.js';
import { DEFAULT_PART_BYTES } from '../bundle/part-size.js';
import { readManifest } from '../bundle/manifest.js';
import { ManifestWriter, manifestCsvStream, type FinishedManifest } from '../bundle/manifest-writer.js';
import { MultipartSink } from './multipart-sink.js';
import { fetchInOrder, type FetchOptions } from './object-fetcher.js';
import type { SourceKind } from './read-failures.js';
import { indexItem, toRecord } from './entry-records.js';
import { EntryStats } from './entry-stats.js';

/** Index items handed to one {@link FileIndexStore.putMany} in `per_file` mode: 100 (four BatchWriteItem calls of 25, made concurrently). */
const INDEX_BATCH = 100;

/** What a bundle belongs to. */
export interface BundleContext {
  readonly archiveBucket: string;
  readonly project: string;
  readonly jobId: string;
  /** Generation timestamp of the job (ISO 8601), part of every index item's sort key. */
  readonly generation: string;
  readonly storageClass: ArchiveStorageClass;
  readonly shard: number;
  /** Catalog mode: `per_file` also writes one index item per entry. Default `compact`. */
  readonly catalog?: CatalogMode;
  /** Read and record each object's tags (the job's `archive_tags`). Default false. */
  readonly readTags?: boolean;
  /** The job's source kind (`list`, `csv`, `inventory`): names why a missing object was skipped. Default `list`. */
  readonly sourceKind?: SourceKind;
}

/** One object that was not archived, with the reason. */
export interface SkippedObject {
  readonly key: string;
  readonly reason: string;
  readonly detail: string;
}

/** Outcome of packing one bundle. */
export interface PackedBundle {
  readonly bundleKey: string;
  readonly entries: number;
  readonly sourceBytes: number;
  readonly bundleBytes: number;
  /** Objects not archived. */
  readonly skippedCount: number;
  /** The first 100 of them with their reasons. */
  readonly skipped: SkippedObject[];
  /** Requests made for the bundle itself (PUT or multipart create+parts+complete). */
  readonly uploadRequests: number;
  /** Stale uploads of the bundle's key aborted because its create was retried. */
  readonly staleUploadsAborted: number;
}

/** Most skipped objects listed with their reasons per bundle (the rest are counted). */
export const SKIPPED_LISTED = 100;

/** Options of one {@link BundlePacker.pack}. */
export interface PackOptions {
  /** Part size of the bundle upload in bytes (see `bundlePartSize`). Default 16 MiB. */
  readonly partBytes?: number;
}

/** Collaborators of {@link BundlePacker}. */
export interface BundlePackerDeps {
  readonly objects: ObjectStore;
  readonly bundles: BundleStore;
  readonly index: FileIndexStore;
  /** Fetch concurrency and buffering (defaults of {@link fetchInOrder}). */
  readonly fetch?: FetchOptions;
  /** Default {@link systemClock}. */
  readonly clock?: Clock;
  /** Default {@link silentLogger}. */
  readonly logger?: Logger;
}

/**
 * Packs one bundle: fetch its objects in order as they stream in, write them as zip entries into a
 * multipart upload in the archive storage class while their manifest rows stream into one gzip
 * stream, append the manifest as the last entry, verify the uploaded object's size and full-object
 * CRC-32 against what was written, store the manifest beside the bundle (STANDARD), write the
 * per-file index items (`catalog: per_file` only, read back from the compressed manifest), and only
 * then mark the bundle COMMITTED with its directory attributes (source bucket, generation, min and
 * max key in UTF-8 byte order, counts, locations): one write per bundle in the default catalog.
 *
 * Re-running a bundle that is not COMMITTED rewrites it under the same key (an earlier unfinished
 * multipart upload is aborted first); index items are keyed deterministically, so there are no
 * duplicates. Memory per open bundle: its central directory as bytes (~120 bytes per entry) and its
 * manifest as gzip (~70 bytes per entry), plus the fetcher's and the sink's buffers; nothing else
 * grows with the entries.
 */
export class BundlePacker {
  private readonly clock: Clock;
  private readonly logger: Logger;

  /** @param deps object store, bundle and index stores, fetch options, clock, logger */
  constructor(private readonly deps: BundlePackerDeps) {
    this.clock = deps.clock ?? systemClock;
    this.logger = deps.logger ?? silentLogger;
  }

  /**
   * Pack bundle `seq` from `objects` (listing order, consumed as they come; all of one source bucket).
   * @throws IntegrityError when the uploaded object does not match what was written; ObjectStoreError
   *   and store errors (after their retries)
   */
  async pack(ctx: BundleContext, seq: number, objects: AsyncIterable<SourceObject> | Iterable<SourceObject>, options: PackOptions = {}): Promise<PackedBundle> {
    const { bundles } = this.deps;
    const store = this.deps.objects;
    const keys = bundleKeys(ctx.project, ctx.jobId, ctx.shard, seq);
    const previous = await bundles.get(keys.bundle);
    if (previous?.upload_id) await this.abortPrevious(ctx, keys.bundle, previous.upload_id);
    const base = {
      bundle_key: keys.bundle,
      archive_bucket: ctx.archiveBucket,
      job_id: ctx.jobId,
      project: ctx.project,
      shard: ctx.shard,
      seq,
      storage_class: ctx.storageClass,
    };
    await bundles.markWriting({ ...base, state: 'WRITING' });
    const stats = new EntryStats();
    const metadata = (bucket: string): Record<string, string> => ({
      'coldpack-project': ctx.project,
      'coldpack-job': ctx.jobId,
      'coldpack-generation': ctx.generation,
      'coldpack-source-bucket': bucket,
    });
    let sourceBucket: string | undefined;
    const skipped: SkippedObject[] = [];
    let skippedCount = 0;
    const manifest = new ManifestWriter();
    let sink: MultipartSink | undefined;
    let zip: ZipBundleWriter | undefined;
    const written: { bundle?: { versionId?: string }; manifest?: { versionId?: string } } = {};
    try {
      for await (const item of fetchInOrder(store, objects, {
        ...this.deps.fetch,
        ...(ctx.readTags ? { tags: true } : {}),
        ...(ctx.sourceKind ? { source: ctx.sourceKind } : {}),
      })) {
        if (item.kind === 'skipped') {
          skippedCount++;
          if (skipped.length < SKIPPED_LISTED) skipped.push({ key: item.obj.key, reason: item.reason, detail: item.detail });
          continue;
        }
        if (!zip) {
          sourceBucket = item.obj.bucket;
          sink = new MultipartSink(store, {
            bucket: ctx.archiveBucket,
            key: keys.bundle,
            storageClass: ctx.storageClass,
            partSize: options.partBytes ?? DEFAULT_PART_BYTES,
            contentType: 'application/zip',
            metadata: metadata(sourceBucket),
            onUploadId: (uploadId) => bundles.markWriting({ ...base, state: 'WRITING', upload_id: uploadId }),
            logger: this.logger,
          });
          zip = new ZipBundleWriter(sink);
        } else if (item.obj.bucket !== sourceBucket) {
          throw new IntegrityError(
            `bundle ${keys.bundle}: objects of buckets ${sourceBucket} and ${item.obj.bucket} in one bundle (the grouping rule keeps buckets apart)`,
          );
        }
        const outcome = await writeEntry(zip, store, item);
        if ('skipped' in outcome) {
          skippedCount++;
          if (skipped.length < SKIPPED_LISTED) skipped.push({ key: item.obj.key, ...outcome.skipped });
          continue;
        }
        const record = toRecord(item, outcome.written);
        stats.add(record.key, record.size);
        await manifest.add(item.obj.bucket, record);
      }
      if (!zip || !sink || sourceBucket === undefined) {
        // Every object of this key range was skipped: no bundle object, nothing to index or delete.
        manifest.destroy();
        await bundles.markCommitted({
          ...base,
          state: 'COMMITTED',
          entry_count: 0,
          bytes: 0,
          source_bytes: 0,
          committed_at: this.clock.now().toISOString(),
          skipped_count: skippedCount,
          skipped,
        });
        await sink?.abort(); // every object was skipped after the first (a streamed one changed between its reads)
        return {
          bundleKey: keys.bundle,
          entries: 0,
          sourceBytes: 0,
          bundleBytes: 0,
          skippedCount,
          skipped,
          uploadRequests: 0,
          staleUploadsAborted: sink?.staleAborted ?? 0,
        };
      }
      const finished = await manifest.finish();
      await zip.addStream({ name: MANIFEST_ENTRY_NAME, modified: new Date(ctx.generation) }, manifestCsvStream(finished), 8, finished.rawBytes);
      await zip.finish();
      const upload = await sink.complete();
      written.bundle = upload.versionId ? { versionId: upload.versionId } : {};
      await this.verifyUpload(ctx.archiveBucket, keys.bundle, upload.bytes, upload.crc32);
      written.manifest = {};
      const putManifest = await store.putObject({
        bucket: ctx.archiveBucket,
        key: keys.manifest,
        body: finished.gzip,
        storageClass: 'STANDARD',
        metadata: metadata(sourceBucket),
        headers: { contentType: 'text/csv', contentEncoding: 'gzip' },
      });
      if (putManifest.versionId) written.manifest = { versionId: putManifest.versionId };
      if (ctx.catalog === 'per_file') await this.writeIndex(ctx, keys.bundle, finished);
      // A rewrite in a versioned bucket: the earlier attempt's versions go before the commit.
      const superseded =
        previous && upload.versionId
          ? await deleteSuperseded(
              store,
              ctx.archiveBucket,
              [[keys.bundle, upload.versionId], ...(putManifest.versionId ? [[keys.manifest, putManifest.versionId] as const] : [])],
              this.logger,
            )
          : undefined;
      await bundles.markCommitted({
        ...base,
        state: 'COMMITTED',
        source_bucket: sourceBucket,
        generation: ctx.generation,
        min_key: stats.min!,
        max_key: stats.max!,
        entry_count: stats.count,
        bytes: upload.bytes,
        source_bytes: stats.bytes,
        manifest_key: keys.manifest,
        checksum_crc32: upload.crc32,
        committed_at: this.clock.now().toISOString(),
        skipped_count: skippedCount,
        skipped,
        ...(superseded ? { superseded_versions_deleted: superseded.deleted, superseded_versions_left: superseded.left } : {}),
      });
      return {
        bundleKey: keys.bundle,
        entries: stats.count,
        sourceBytes: stats.bytes,
        bundleBytes: upload.bytes,
        skippedCount,
        skipped,
        uploadRequests: upload.mode === 'put' ? 1 : upload.parts + 2,
        staleUploadsAborted: sink.staleAborted,
      };
    } catch (err) {
      manifest.destroy();
      if (!written.bundle) {
        await sink?.abort();
        throw sink ? noted(err, `the upload of bundle s3://${ctx.archiveBucket}/${keys.bundle} was aborted; nothing of it was left`) : err;
      }
      // A commit whose answer was lost may have landed: never delete a bundle its record calls COMMITTED.
      const state = await bundles.get(keys.bundle).then(
        (b) => b?.state ?? 'NONE',
        () => 'UNKNOWN',
      );
      if (state !== 'WRITING' && state !== 'NONE')
        throw noted(err, `bundle s3://${ctx.archiveBucket}/${keys.bundle} kept: its record is ${state === 'UNKNOWN' ? 'unreadable' : state}`);
      const left = await removeUncommitted(
        store,
        ctx.archiveBucket,
        [[keys.bundle, written.bundle], ...(written.manifest ? [[keys.manifest, written.manifest] as const] : [])],
        this.logger,
      );
      throw noted(err, left);
    }
  }

  /** Per-file index items of the bundle, read back from its compressed manifest and written as they are read (BatchWriteItem calls of 25). */
  private async writeIndex(ctx: BundleContext, bundleKey: string, manifest: FinishedManifest): Promise<void> {
    let batch: FileIndexItem[] = [];
    for await (const e of readManifest(Readable.from(manifest.gzip))) {
      batch.push(indexItem(ctx, bundleKey, e.bucket, e));
      if (batch.length === INDEX_BATCH) {
        await this.deps.index.putMany(batch);
        batch = [];
      }
    }
    if (batch.length > 0) await this.deps.index.putMany(batch);
  }

  /** Abort the unfinished upload of an earlier attempt; a failure is logged (the lifecycle rule removes it later). */
  private async abortPrevious(ctx: BundleContext, key: string, uploadId: string): Promise<void> {
    try {
      await this.deps.objects.abortMultipartUpload({ bucket: ctx.archiveBucket, key, uploadId });
    } catch (err) {
      this.logger.warn(
        { err, job_id: ctx.jobId, bundle_key: key, upload_id: uploadId },
        'could not abort the upload of an earlier attempt; rewriting the bundle anyway',
      );
    }
  }

  private async verifyUpload(bucket: string, key: string, bytes: number, crc32: string): Promise<void> {
    const head = await this.deps.objects.headObject({ bucket, key, checksum: true });
    if (head.size !== bytes) throw new IntegrityError(`bundle ${key}: S3 has ${head.size} bytes, ${bytes} were written`);
    if (head.checksumCrc32 !== crc32) throw new IntegrityError(`bundle ${key}: S3 CRC-32 ${head.checksumCrc32} != written ${crc32}`);
  }
}
