/**
 * Size of one file-index item (`files` table, see `FileIndexItem` in src/domain/model.ts) without its key
 * and bucket strings: attribute names plus typical values of sk, bundle_key, job_id, archived_at, etag,
 * last_modified, content_type, numbers, crc32 and sha256 (530 bytes, estimated by summing the fields).
 * DynamoDB item size = Σ (attribute name bytes + value bytes), see
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html
 */
export const INDEX_ITEM_FIXED_BYTES = 530;

/** Default source bucket name length in bytes (30). */
export const DEFAULT_BUCKET_NAME_BYTES = 30;

/**
 * Number of global secondary indexes on the files table that receive every item: 1 (`by_name`, projection
 * ALL, see src/adapters/dynamo/tables.ts). Each item therefore costs write units and storage twice.
 * Source: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html#GSI.ThroughputConsiderations.Writes
 */
export const FILES_TABLE_GSI_COPIES = 1;

/**
 * Estimated size of one file-index item in bytes: fixed part + the key three times (pk `<bucket>/<key>`,
 * `key`, and `name_key` `<bucket>#<base name>`, counting the base name as the whole key) + the bucket name
 * three times (pk, name_key, bucket).
 * @param avgKeyBytes average source key length in bytes
 * @param bucketNameBytes source bucket name length in bytes (default 30)
 */
export function indexItemBytes(avgKeyBytes: number, bucketNameBytes = DEFAULT_BUCKET_NAME_BYTES): number {
  return Math.ceil(INDEX_ITEM_FIXED_BYTES + 3 * avgKeyBytes + 3 * bucketNameBytes);
}

/**
 * Write request units to write one item: ceil(item bytes / 1 KB) on the table, the same again on each GSI
 * that projects it. Source: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html
 * @param itemBytes item size in bytes
 * @param wruBytes bytes per write unit (table entry `dynamodb.write_request_unit_bytes`, 1,024)
 * @param gsiCopies indexes that receive the item (default 1)
 */
export function writeUnitsPerItem(itemBytes: number, wruBytes: number, gsiCopies = FILES_TABLE_GSI_COPIES): number {
  return Math.max(1, Math.ceil(itemBytes / wruBytes)) * (1 + gsiCopies);
}

/**
 * Billed storage bytes of one item: (item bytes + 100 bytes overhead) on the table and on each GSI.
 * @param itemBytes item size in bytes
 * @param overheadBytes per-item overhead (table entry `dynamodb.item_storage_overhead`, 100)
 * @param gsiCopies indexes that hold the item (default 1)
 */
export function storedBytesPerItem(itemBytes: number, overheadBytes: number, gsiCopies = FILES_TABLE_GSI_COPIES): number {
  return (itemBytes + overheadBytes) * (1 + gsiCopies);
}
