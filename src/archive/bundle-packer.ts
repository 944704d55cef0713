import { gzipSync } from 'node:zlib';
import type { ArchiveStorageClass, EntryRecord, FileIndexItem, SourceObject } from '../domain/model.js';
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
import { partSizeFor } from '../bundle/part-size.js';
import { MultipartSink } from './multipart-sink.js';
import { fetchInOrder, type FetchOptions } from './object-fetcher.js';
import { indexItem, toRecord } from './entry-records.js';
import { manifestHeader, manifestRow } from '../bundle/manifest.js';

/** What a bundle belongs to. */
export interface BundleContext {
  readonly archiveBucket: string;
  readonly project: string;
  readonly jobId: string;
  /** Generation timestamp of the job (ISO 8601), part of every index item's sort key. */
  readonly generation: string;
  readonly storageClass: ArchiveStorageClass;
  readonly shard: number;
  /** Read and record each object's tags (the job's `archive_tags`). Default false. */
  readonly readTags?: boolean;
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
  readonly skipped: SkippedObject[];
  /** Requests made for the bundle itself (PUT or multipart create+parts+complete). */
  readonly uploadRequests: number;
  /** Stale uploads of the bundle's key aborted because its create was retried. */
  readonly staleUploadsAborted: number;
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
 * Packs one bundle: fetch its objects in order, stream them as zip entries into a multipart upload
 * in the archive storage class, append the manifest as the last entry, verify the uploaded object's
 * size and full-object CRC-32 against what was written, store the manifest beside the bundle
 * (STANDARD), write the index items, and only then mark the bundle COMMITTED.
 *
 * Re-running a bundle that is not COMMITTED rewrites it under the same key (an earlier unfinished
 * multipart upload is aborted first); index items are keyed deterministically, so there are no
 * duplicates. Memory: one manifest row and one index item per entry until commit (bounded by
 * max_files_per_bundle) plus the fetcher's and the sink's buffers.
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
   * Pack bundle `seq` from `objects` (listing order).
   * @throws IntegrityError when the uploaded object does not match what was written; ObjectStoreError
   *   and store errors (after their retries)
   */
  async pack(ctx: BundleContext, seq: number, objects: readonly SourceObject[]): Promise<PackedBundle> {
    const { bundles } = this.deps;
    const store = this.deps.objects;
    const keys = bundleKeys(ctx.project, ctx.jobId, ctx.shard, seq);
    const previous = await bundles.get(keys.bundle);
    if (previous?.upload_id) await this.abortPrevious(ctx, keys.bundle, previous.upload_id);
    const base = { bundle_key: keys.bundle, archive_bucket: ctx.archiveBucket, job_id: ctx.jobId, project: ctx.project, shard: ctx.shard, seq, storage_class: ctx.storageClass };
    await bundles.markWriting({ ...base, state: 'WRITING' });
    const listedBytes = objects.reduce((n, o) => n + o.size, 0);
    const sink = new MultipartSink(store, {
      bucket: ctx.archiveBucket,
      key: keys.bundle,
      storageClass: ctx.storageClass,
      partSize: partSizeFor(listedBytes + objects.length * 200),
      contentType: 'application/zip',
      onUploadId: (uploadId) => bundles.markWriting({ ...base, state: 'WRITING', upload_id: uploadId }),
      logger: this.logger,
    });
    const zip = new ZipBundleWriter(sink);
    const entries: EntryRecord[] = [];
    const items: FileIndexItem[] = [];
    const skipped: SkippedObject[] = [];
    let manifest = manifestHeader();
    const written: { bundle?: { versionId?: string }; manifest?: { versionId?: string } } = {};
    try {
      for await (const item of fetchInOrder(store, objects, { ...this.deps.fetch, ...(ctx.readTags ? { tags: true } : {}) })) {
        if (item.kind === 'skipped') {
          skipped.push({ key: item.obj.key, reason: item.reason, detail: item.detail });
          continue;
        }
        const outcome = await writeEntry(zip, store, item);
        if ('skipped' in outcome) {
          skipped.push({ key: item.obj.key, ...outcome.skipped });
          continue;
        }
        const record = toRecord(item, outcome.written);
        entries.push(record);
        items.push(indexItem(ctx, keys.bundle, item.obj.bucket, record));
        manifest += manifestRow(item.obj.bucket, record);
      }
      if (entries.length === 0) {
        // Every object of this key range was skipped: no bundle object, nothing to index or delete.
        await sink.abort();
        await bundles.markCommitted({ ...base, state: 'COMMITTED', entry_count: 0, bytes: 0, source_bytes: 0, committed_at: this.clock.now().toISOString(), skipped_count: skipped.length, skipped: skipped.slice(0, 100) });
        return { bundleKey: keys.bundle, entries: 0, sourceBytes: 0, bundleBytes: 0, skipped, uploadRequests: 0, staleUploadsAborted: sink.staleAborted };
      }
      const manifestBytes = Buffer.from(manifest, 'utf8');
      await zip.addBuffer({ name: MANIFEST_ENTRY_NAME, modified: new Date(ctx.generation) }, manifestBytes, 8);
      await zip.finish();
      const upload = await sink.complete();
      written.bundle = upload.versionId ? { versionId: upload.versionId } : {};
      await this.verifyUpload(ctx.archiveBucket, keys.bundle, upload.bytes, upload.crc32);
      written.manifest = {};
      const putManifest = await store.putObject({
        bucket: ctx.archiveBucket,
        key: keys.manifest,
        body: gzipSync(manifestBytes),
        storageClass: 'STANDARD',
        headers: { contentType: 'text/csv', contentEncoding: 'gzip' },
      });
      if (putManifest.versionId) written.manifest = { versionId: putManifest.versionId };
      await this.deps.index.putMany(items);
      // A rewrite in a versioned bucket: the earlier attempt's versions go before the commit.
      const superseded = previous && upload.versionId ? await deleteSuperseded(store, ctx.archiveBucket, [[keys.bundle, upload.versionId], ...(putManifest.versionId ? [[keys.manifest, putManifest.versionId] as const] : [])], this.logger) : undefined;
      const sourceBytes = entries.reduce((n, e) => n + e.size, 0);
      await bundles.markCommitted({
        ...base,
        state: 'COMMITTED',
        entry_count: entries.length,
        bytes: upload.bytes,
        source_bytes: sourceBytes,
        ...(entries.length > 0 ? { first_key: entries[0]!.key, last_key: entries[entries.length - 1]!.key } : {}),
        manifest_key: keys.manifest,
        checksum_crc32: upload.crc32,
        committed_at: this.clock.now().toISOString(),
        skipped_count: skipped.length,
        skipped: skipped.slice(0, 100),
        ...(superseded ? { superseded_versions_deleted: superseded.deleted, superseded_versions_left: superseded.left } : {}),
      });
      return {
        bundleKey: keys.bundle,
        entries: entries.length,
        sourceBytes,
        bundleBytes: upload.bytes,
        skipped,
        uploadRequests: upload.mode === 'put' ? 1 : upload.parts + 2,
        staleUploadsAborted: sink.staleAborted,
      };
    } catch (err) {
      if (!written.bundle) {
        await sink.abort();
        throw noted(err, `the upload of bundle s3://${ctx.archiveBucket}/${keys.bundle} was aborted; nothing of it was left`);
      }
      // A commit whose answer was lost may have landed: never delete a bundle its record calls COMMITTED.
      const state = await bundles.get(keys.bundle).then((b) => b?.state ?? 'NONE', () => 'UNKNOWN');
      if (state !== 'WRITING' && state !== 'NONE') throw noted(err, `bundle s3://${ctx.archiveBucket}/${keys.bundle} kept: its record is ${state === 'UNKNOWN' ? 'unreadable' : state}`);
      const left = await removeUncommitted(store, ctx.archiveBucket, [[keys.bundle, written.bundle], ...(written.manifest ? [[keys.manifest, written.manifest] as const] : [])], this.logger);
      throw noted(err, left);
    }
  }

  /** Abort the unfinished upload of an earlier attempt; a failure is logged (the lifecycle rule removes it later). */
  private async abortPrevious(ctx: BundleContext, key: string, uploadId: string): Promise<void> {
    try {
      await this.deps.objects.abortMultipartUpload({ bucket: ctx.archiveBucket, key, uploadId });
    } catch (err) {
      this.logger.warn({ err, job_id: ctx.jobId, bundle_key: key, upload_id: uploadId }, 'could not abort the upload of an earlier attempt; rewriting the bundle anyway');
    }
  }

  private async verifyUpload(bucket: string, key: string, bytes: number, crc32: string): Promise<void> {
    const head = await this.deps.objects.headObject({ bucket, key, checksum: true });
    if (head.size !== bytes) throw new IntegrityError(`bundle ${key}: S3 has ${head.size} bytes, ${bytes} were written`);
    if (head.checksumCrc32 !== crc32) throw new IntegrityError(`bundle ${key}: S3 CRC-32 ${head.checksumCrc32} != written ${crc32}`);
  }
}
