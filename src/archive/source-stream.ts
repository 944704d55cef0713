import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { ArchiveSource } from '../domain/archive-request.js';
import type { SourceObject } from '../domain/model.js';
import { listObjects } from './sources/list-objects.js';
import { readCsvManifest } from './sources/csv-manifest.js';
import { readS3Inventory } from './sources/s3-inventory.js';

/** Storage classes whose objects cannot be read without a restore; such sources are skipped and counted. */
export const UNREADABLE_CLASSES: ReadonlySet<string> = new Set(['GLACIER', 'DEEP_ARCHIVE']);

/** Open the object stream of an archive source (listing, CSV manifest or S3 Inventory). */
export function openSource(s3: S3Client, source: ArchiveSource): AsyncIterable<SourceObject> {
  switch (source.kind) {
    case 'list':
      return listObjects(s3, source.bucket, source.prefix);
    case 'inventory':
      return readS3Inventory(s3, source.bucket, source.manifest, source.prefix);
    case 'csv': {
      if (source.bucket === '') return readCsvManifest(createReadStream(source.manifest), source.manifest);
      return (async function* () {
        const res = await s3.send(new GetObjectCommand({ Bucket: source.bucket, Key: source.manifest }));
        yield* readCsvManifest(res.Body as Readable, `s3://${source.bucket}/${source.manifest}`);
      })();
    }
  }
}

/** Whether a listed object is a folder marker: a key ending in `/` with size 0 (skipped and counted). */
export function isFolderMarker(o: SourceObject): boolean {
  return o.size === 0 && o.key.endsWith('/');
}
