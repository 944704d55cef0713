import { createReadStream } from 'node:fs';
import type { ArchiveSource } from '../domain/archive-request.js';
import type { SourceObject } from '../domain/model.js';
import type { ObjectStore } from '../domain/ports/object-store.js';
import { readCsvManifest } from './sources/csv-manifest.js';
import { readS3Inventory } from './sources/s3-inventory.js';

/** Storage classes whose objects cannot be read without a restore; such sources are skipped and counted. */
export const UNREADABLE_CLASSES: ReadonlySet<string> = new Set(['GLACIER', 'DEEP_ARCHIVE']);

/**
 * Open the object stream of an archive source: a listing (ObjectStore.listObjects, one page in
 * memory at a time), a CSV manifest (in the object store, or a local file when its bucket is '') or
 * an S3 Inventory report.
 */
export function openSource(objects: ObjectStore, source: ArchiveSource): AsyncIterable<SourceObject> {
  switch (source.kind) {
    case 'list':
      return objects.listObjects(source.bucket, source.prefix);
    case 'inventory':
      return readS3Inventory(objects, source.bucket, source.manifest, source.prefix);
    case 'csv': {
      if (source.bucket === '') return readCsvManifest(createReadStream(source.manifest), source.manifest);
      return (async function* () {
        const res = await objects.getObject({ bucket: source.bucket, key: source.manifest });
        yield* readCsvManifest(res.body, `s3://${source.bucket}/${source.manifest}`);
      })();
    }
  }
}

/** Whether a listed object is a folder marker: a key ending in `/` with size 0 (skipped and counted). */
export function isFolderMarker(o: SourceObject): boolean {
  return o.size === 0 && o.key.endsWith('/');
}
