/**
 * Sizes of coldpack's catalog items in DynamoDB. DynamoDB item size = Σ (attribute name bytes + value bytes),
 * see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html; each item
 * is billed 100 bytes of storage overhead on the table and on every index that holds it (`dynamodb.item_storage_overhead`).
 */

/**
 * Size of one per-file index item (`files` table, see `FileIndexItem` in src/domain/model.ts) without its key
 * and bucket strings: attribute names plus typical values of sk, bundle_key, job_id, archived_at, etag,
 * last_modified, content_type, numbers, crc32 and sha256 (530 bytes, estimated by summing the fields).
 */
export const INDEX_ITEM_FIXED_BYTES = 530;

/** Default source bucket name length in bytes (30). */
export const DEFAULT_BUCKET_NAME_BYTES = 30;

/**
 * Estimated size of one per-file index item in bytes: fixed part + the key three times (pk `<bucket>/<key>`,
 * `key`, and `name_key` `<bucket>#<base name>`, counting the base name as the whole key) + the bucket name
 * three times (pk, name_key, bucket).
 * @param avgKeyBytes average source key length in bytes
 * @param bucketNameBytes source bucket name length in bytes (default 30)
 */
export function indexItemBytes(avgKeyBytes: number, bucketNameBytes = DEFAULT_BUCKET_NAME_BYTES): number {
  return Math.ceil(INDEX_ITEM_FIXED_BYTES + 3 * avgKeyBytes + 3 * bucketNameBytes);
}

/**
 * Size of one entry of the keys-only `by_name` GSI in bytes: its keys (`name_key` = `<bucket>#<base name>`, `sk` =
 * `<archived_at>#<job_id>` ≈ 55 bytes) plus the table's key (`pk` = `<bucket>/<key>`; `sk` is shared) and the
 * attribute names (≈ 25 bytes): 2 × bucket + 2 × key + 80. A keys-only projection copies nothing else
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html#GSI.Projections).
 * @param avgKeyBytes average key length in bytes (the base name is counted as the whole key)
 * @param bucketNameBytes bucket name length in bytes (default 30)
 */
export function nameIndexEntryBytes(avgKeyBytes: number, bucketNameBytes = DEFAULT_BUCKET_NAME_BYTES): number {
  return Math.ceil(80 + 2 * avgKeyBytes + 2 * bucketNameBytes);
}

/**
 * Size of one bundle-directory item (compact catalog) without its key strings: source bucket, project, job id,
 * generation time (24), entry count, bytes, storage class, bundle key and manifest key (≈ 70 bytes each) and the
 * attribute names: 300 bytes.
 */
export const DIRECTORY_ITEM_FIXED_BYTES = 300;

/**
 * Estimated size of one bundle-directory item: fixed part + min key + max key + the sort key that holds the
 * max key again (3 × key) + the bucket name twice (pk and the bucket attribute).
 * @param avgKeyBytes average source key length in bytes
 * @param bucketNameBytes bucket name length in bytes (default 30)
 */
export function directoryItemBytes(avgKeyBytes: number, bucketNameBytes = DEFAULT_BUCKET_NAME_BYTES): number {
  return Math.ceil(DIRECTORY_ITEM_FIXED_BYTES + 3 * avgKeyBytes + 2 * bucketNameBytes);
}

/**
 * Write request units to write one item of `itemBytes`: ceil(size / 1 KB), at least 1.
 * Source: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html
 * @param itemBytes item (or index entry) size in bytes
 * @param wruBytes bytes per write unit (table entry `dynamodb.write_request_unit_bytes`, 1,024)
 */
export function writeUnits(itemBytes: number, wruBytes: number): number {
  return Math.max(1, Math.ceil(itemBytes / wruBytes));
}
