import { parse } from 'csv-parse';
import { createGunzip } from 'node:zlib';
import { pipeline } from 'node:stream';
import { text } from 'node:stream/consumers';
import type { ObjectStore } from '../../domain/ports/object-store.js';
import type { SourceObject } from '../../domain/model.js';
import { decodeS3UrlKey } from '../../domain/keys.js';
import { ValidationError } from '../../domain/errors.js';

/** The parts of an S3 Inventory manifest.json coldpack reads (https://docs.aws.amazon.com/AmazonS3/latest/userguide/storage-inventory-location.html). */
export interface InventoryManifest {
  readonly sourceBucket: string;
  readonly destinationBucket: string;
  readonly fileFormat: string;
  /** Comma-separated column names, e.g. `Bucket, Key, Size, LastModifiedDate, ETag, StorageClass`. */
  readonly fileSchema: string;
  readonly files: ReadonlyArray<{ readonly key: string; readonly size?: number }>;
}

/** Parse and check a manifest.json body. @throws ValidationError for a non-CSV or malformed manifest */
export function parseInventoryManifest(text: string, where: string): InventoryManifest {
  let m: Partial<InventoryManifest>;
  try {
    m = JSON.parse(text) as Partial<InventoryManifest>;
  } catch (err) {
    throw new ValidationError(`${where}: manifest.json is not JSON (${(err as Error).message})`, 'inventory');
  }
  if (m.fileFormat !== 'CSV') throw new ValidationError(`${where}: only CSV inventories are supported, got ${String(m.fileFormat)}`, 'inventory');
  if (!m.fileSchema || !Array.isArray(m.files) || !m.destinationBucket)
    throw new ValidationError(`${where}: manifest.json lacks fileSchema, files or destinationBucket`, 'inventory');
  return m as InventoryManifest;
}

/**
 * Stream the objects of an S3 Inventory report: read `manifest.json`, then each gzip CSV data file
 * in turn (one in memory at a time as a stream). Keys are URL-decoded once. Delete markers and
 * non-latest versions (when the inventory includes versions) are skipped.
 * @param objects the object store; @param manifestBucket bucket holding manifest.json; @param manifestKey its key
 * @param prefix optional raw key prefix filter
 */
export async function* readS3Inventory(objects: ObjectStore, manifestBucket: string, manifestKey: string, prefix = ''): AsyncGenerator<SourceObject> {
  const where = `s3://${manifestBucket}/${manifestKey}`;
  const res = await objects.getObject({ bucket: manifestBucket, key: manifestKey });
  const manifest = parseInventoryManifest(await text(res.body), where);
  const columns = manifest.fileSchema.split(',').map((c) => c.trim());
  const col = (name: string): number => columns.indexOf(name);
  const [iBucket, iKey, iSize, iEtag, iModified, iClass, iLatest, iMarker] = [
    'Bucket',
    'Key',
    'Size',
    'ETag',
    'LastModifiedDate',
    'StorageClass',
    'IsLatest',
    'IsDeleteMarker',
  ].map(col);
  if (iKey! < 0 || iSize! < 0) throw new ValidationError(`${where}: fileSchema must include Key and Size`, 'inventory');
  const destBucket = manifest.destinationBucket.replace(/^arn:aws:s3:::/, '');
  for (const file of manifest.files) {
    const obj = await objects.getObject({ bucket: destBucket, key: file.key });
    // pipeline, not .pipe(): an error of the source (a missing file, a broken body) reaches the reader.
    const rows = pipeline(obj.body, createGunzip(), parse({ relax_column_count: true }), () => undefined);
    for await (const row of rows as AsyncIterable<string[]>) {
      if (iMarker! >= 0 && row[iMarker!] === 'true') continue;
      if (iLatest! >= 0 && row[iLatest!] === 'false') continue;
      const key = decodeS3UrlKey(row[iKey!] ?? '');
      if (!key.startsWith(prefix)) continue;
      const etag = iEtag! >= 0 ? row[iEtag!] : undefined;
      const modified = iModified! >= 0 ? row[iModified!] : undefined;
      const storageClass = iClass! >= 0 ? row[iClass!] : undefined;
      yield {
        bucket: iBucket! >= 0 && row[iBucket!] ? row[iBucket!]! : manifest.sourceBucket,
        key,
        size: Number(row[iSize!] ?? 0),
        ...(etag ? { etag } : {}),
        ...(modified ? { last_modified: new Date(modified).toISOString() } : {}),
        ...(storageClass ? { storage_class: storageClass } : {}),
      };
    }
  }
}
