/**
 * What a restore request names outside itself, checked before it is recorded so that a request that
 * cannot find anything is a 400 that writes nothing rather than a recorded request ending FAILED:
 * the source bucket (it must have been archived: it has job scopes in the catalog; for a selection
 * by keys this is checked only when no key is found, so that one key costs 2 catalog requests) and the key list
 * of `keys_manifest` (it must exist and be at most {@link KEY_LIST_MAX_BYTES}). Requests: one Query
 * of the bucket's scopes (cached per process, and read again by the lookup anyway), one HeadObject
 * of the key list; neither grows with the selection.
 */
import { ValidationError } from '../domain/errors.js';
import { isObjectStoreFailure, type ObjectStore } from '../domain/ports/object-store.js';
import type { RestoreRequestInput } from '../domain/restore-request.js';
import { KEY_LIST_MAX_BYTES } from './resolver.js';
import type { ScopeCache } from './scope-cache.js';

/**
 * Check the request's source bucket and key list.
 * @throws ValidationError `SOURCE_NOT_FOUND` (400) naming the bucket (`bucket_name`) when no job of
 *   it is in the catalog, or the key list (`keys_manifest`) when it does not exist; `VALIDATION_ERROR`
 *   for a key list that is empty or larger than 16 MiB
 * @throws ObjectStoreError and store errors (after their retries) when S3 or the catalog fail
 */
export async function checkRestoreSources(req: RestoreRequestInput, ports: { objects: ObjectStore; scopes: ScopeCache }): Promise<void> {
  // A selection by keys is looked up with one Query of the bucket's directory (2 catalog requests before
  // RestoreObject); the bucket is checked only when none of its keys is found (see CatalogResolver).
  if (req.bucket !== undefined && req.selection.kind !== 'keys') await checkArchivedBucket(req.bucket, ports.scopes);
  const sel = req.selection;
  if (sel.kind === 'manifest') await checkKeyList(sel.bucket, sel.key, ports.objects);
}

/**
 * Refuse a bucket no job archived. @param recorded whether the request is already recorded (the message says what was written)
 * @throws ValidationError `SOURCE_NOT_FOUND` (field `bucket_name`) naming the bucket
 */
export async function checkArchivedBucket(bucket: string, scopes: ScopeCache, recorded = false): Promise<void> {
  const cached = scopes.cached(bucket);
  let found = await scopes.get(bucket);
  // Cached scopes may predate the bucket's first job: ask again before refusing.
  if (found.length === 0 && cached) found = await scopes.get(bucket, true);
  if (found.length > 0) return;
  throw new ValidationError(
    `bucket ${bucket} has no archived files: coldpack never archived it (check the name, or give no bucket to search every archived bucket); ${recorded ? 'the request is recorded FAILED' : 'nothing was recorded'}`,
    'bucket_name',
    'SOURCE_NOT_FOUND',
  );
}

async function checkKeyList(bucket: string, key: string, objects: ObjectStore): Promise<void> {
  let size: number;
  try {
    size = (await objects.headObject({ bucket, key })).size;
  } catch (err) {
    if (isObjectStoreFailure(err, 'NOT_FOUND', 'NO_SUCH_BUCKET'))
      throw new ValidationError(
        `keys_manifest s3://${bucket}/${key} does not exist (upload the key list first); nothing was recorded`,
        'keys_manifest',
        'SOURCE_NOT_FOUND',
      );
    throw err;
  }
  if (size === 0) throw new ValidationError(`keys_manifest s3://${bucket}/${key} is empty (expected one key per line); nothing was recorded`, 'keys_manifest');
  if (size > KEY_LIST_MAX_BYTES)
    throw new ValidationError(
      `keys_manifest s3://${bucket}/${key} is ${size} bytes; a key list may hold at most ${KEY_LIST_MAX_BYTES} bytes (split it into several requests); nothing was recorded`,
      'keys_manifest',
    );
}
