/** Records of one archived entry: its manifest row and its per-file index item. Pure functions. */
import type { EntryRecord, FileIndexItem } from '../domain/model.js';
import { filePk, nameKey } from '../domain/keys.js';
import type { WrittenEntry } from '../bundle/zip-bundle-writer.js';
import { crc32Hex } from '../bundle/zip-entry-reader.js';
import type { BundleContext } from './bundle-packer.js';
import type { Fetched } from './object-fetcher.js';

/** The manifest row of a fetched object written as zip entry `w`. */
export function toRecord(item: Exclude<Fetched, { kind: 'skipped' }>, w: WrittenEntry): EntryRecord {
  return {
    key: item.obj.key,
    size: w.size,
    etag: item.meta.etag,
    ...(item.meta.versionId ? { version_id: item.meta.versionId } : {}),
    last_modified: item.meta.lastModified,
    ...item.meta.attributes,
    offset: w.offset,
    length: w.length,
    compressed_size: w.compressedSize,
    method: w.method,
    crc32: crc32Hex(w.crc32),
    sha256: w.sha256,
  };
}

/** The per-file index item of entry `e` (a manifest row) of bundle `bundleKey` archived from bucket `src`. */
export function indexItem(
  ctx: Pick<BundleContext, 'archiveBucket' | 'storageClass' | 'jobId' | 'project' | 'generation'>,
  bundleKey: string,
  src: string,
  e: EntryRecord,
): FileIndexItem {
  return {
    ...e,
    pk: filePk(src, e.key),
    sk: `${ctx.generation}#${ctx.jobId}`,
    name_key: nameKey(src, e.key),
    bucket: src,
    archive_bucket: ctx.archiveBucket,
    bundle_key: bundleKey,
    storage_class: ctx.storageClass,
    job_id: ctx.jobId,
    project: ctx.project,
    archived_at: ctx.generation,
  };
}
