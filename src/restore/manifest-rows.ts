/**
 * Read the rows of a bundle's manifest (gzip CSV in the archive bucket, one GET, streamed): what
 * the compact catalog reads to find the byte range and checksums of an archived key.
 */
import { ColdpackError } from '../domain/errors.js';
import type { BundleDirectoryEntry } from '../domain/catalog.js';
import { isObjectStoreFailure, type ObjectStore } from '../domain/ports/object-store.js';
import { readManifest, type ManifestEntry } from '../bundle/manifest.js';
import { MANIFEST_ENTRY_NAME } from '../domain/keys.js';

/**
 * Stream the manifest rows of bundle `entry`; stopping early releases the HTTP body.
 * @throws ColdpackError `NOT_FOUND` naming the manifest when it is missing (`coldpack reindex` rebuilds
 *   the directory from the bundles themselves)
 */
export async function* manifestRows(
  objects: ObjectStore,
  entry: Pick<BundleDirectoryEntry, 'archive_bucket' | 'manifest_key' | 'bundle_key'>,
): AsyncGenerator<ManifestEntry> {
  let got;
  try {
    got = await objects.getObject({ bucket: entry.archive_bucket, key: entry.manifest_key });
  } catch (err) {
    if (isObjectStoreFailure(err, 'NOT_FOUND')) {
      throw new ColdpackError(
        'NOT_FOUND',
        `manifest s3://${entry.archive_bucket}/${entry.manifest_key} of bundle ${entry.bundle_key} is missing; run coldpack reindex`,
        { cause: err },
      );
    }
    throw err;
  }
  try {
    for await (const row of readManifest(got.body)) if (row.key !== MANIFEST_ENTRY_NAME) yield row;
  } finally {
    got.body.destroy();
  }
}
