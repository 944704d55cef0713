import type { CatalogMode } from '../domain/catalog.js';
import { priceOf, type PriceTable } from './price-table.js';
import { costItem, type CostItem } from './cost-items.js';
import { BILLED_GB_BYTES } from './units.js';
import { DEFAULT_BUCKET_NAME_BYTES, directoryItemBytes, indexItemBytes, nameIndexEntryBytes, writeUnits } from './index-items.js';

/**
 * How coldpack catalogs archived files in DynamoDB (`catalog` in the estimate request, `--catalog`):
 * - `compact` (default): one bundle-directory item per bundle (bucket, key range, counts, locations), written
 *   when the bundle commits; per-file rows live only in the bundle's manifest (S3) and its last entry;
 * - `per_file`: the directory plus one index item per archived file on a Standard-IA table with a keys-only
 *   `by_name` GSI and no point-in-time recovery (the index is rebuilt from the manifests by `coldpack reindex`).
 */
export type { CatalogMode } from '../domain/catalog.js';
export { CATALOG_MODES, DEFAULT_CATALOG_MODE } from '../domain/catalog.js';

/** Inputs of {@link catalogCost}. */
export interface CatalogCostInput {
  /** Catalog mode. */
  readonly mode: CatalogMode;
  /** Archived files. */
  readonly objects: number;
  /** Bundles written. */
  readonly bundles: number;
  /** Average key length in bytes. */
  readonly avgKeyBytes: number;
  /** Source bucket name length in bytes. Default 30. */
  readonly bucketNameBytes?: number;
  /** Point-in-time recovery on the per-file table (`per_file` only). Default false. */
  readonly perFilePitr?: boolean;
}

/** {@link catalogCost}'s answer: the cost lines and the item sizes they were priced from (bytes). */
export interface CatalogCost {
  readonly one_time: readonly CostItem[];
  readonly monthly: readonly CostItem[];
  /** Size of one bundle-directory item. */
  readonly directory_item_bytes: number;
  /** Size of one per-file index item (`per_file` only, else 0). */
  readonly index_item_bytes: number;
}

/** Copies of a directory item DynamoDB writes and stores: the table item and its entries in GSIs `by_range` and `by_bucket`. */
const DIRECTORY_COPIES = 3;

/**
 * Cost of the catalog of one archive run.
 * - Both modes: one directory item per bundle on a Standard table, written once (ceil(size / 1 KB) WRU at
 *   `dynamodb.on_demand.write_request_unit_per_million`) into the table and its two directory GSIs (`by_range`,
 *   projection ALL, and `by_bucket`, the entry's attributes: each about the item's size; a GSI write is billed
 *   like a table write: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html#GSI.ThroughputConsiderations),
 *   stored three times at `dynamodb.storage_standard` with 100 bytes overhead each, and point-in-time recovery
 *   (`dynamodb.pitr_per_gb_month`, on the table's size only), which the stack enables on its tables.
 * - `per_file` adds per archived file: the index item and its keys-only `by_name` GSI entry, each ceil(size / 1 KB)
 *   WRU at the Standard-IA price (`dynamodb.standard_ia.on_demand.write_request_unit_per_million`), stored at
 *   `dynamodb.standard_ia.storage` with 100 bytes overhead each; PITR only with `perFilePitr` (billed on the table
 *   size, GSIs not counted).
 * Storage GiB = 2^30 bytes. The 25 GB DynamoDB free tier is not deducted.
 * @param input mode, counts and key lengths
 * @param table price table
 * @throws ValidationError when the table lacks a needed price
 */
export function catalogCost(input: CatalogCostInput, table: PriceTable): CatalogCost {
  const bucket = input.bucketNameBytes ?? DEFAULT_BUCKET_NAME_BYTES;
  const wruBytes = priceOf(table, 'dynamodb.write_request_unit_bytes');
  const overhead = priceOf(table, 'dynamodb.item_storage_overhead');
  const dirBytes = directoryItemBytes(input.avgKeyBytes, bucket);
  const dirStored = (input.bundles * (dirBytes + overhead)) / BILLED_GB_BYTES;
  const dirWru = input.bundles * DIRECTORY_COPIES * writeUnits(dirBytes, wruBytes);
  const oneTime: CostItem[] = [
    costItem(
      'catalog_directory_writes',
      dirWru,
      'WRU',
      priceOf(table, 'dynamodb.on_demand.write_request_unit_per_million') / 1e6,
      'dynamodb.on_demand.write_request_unit_per_million',
      `one ~${dirBytes}-byte directory item per bundle, written with its 2 GSI entries (${DIRECTORY_COPIES * writeUnits(dirBytes, wruBytes)} WRU)`,
    ),
  ];
  const monthly: CostItem[] = [
    costItem(
      'catalog_directory_storage',
      DIRECTORY_COPIES * dirStored,
      'GiB-month',
      priceOf(table, 'dynamodb.storage_standard'),
      'dynamodb.storage_standard, dynamodb.item_storage_overhead',
      `${DIRECTORY_COPIES} × ${dirBytes + overhead} bytes per bundle (table + GSIs by_range and by_bucket)`,
    ),
    costItem(
      'catalog_directory_pitr',
      dirStored,
      'GiB-month',
      priceOf(table, 'dynamodb.pitr_per_gb_month'),
      'dynamodb.pitr_per_gb_month',
      'point-in-time recovery of the directory table',
    ),
  ];
  if (input.mode === 'compact') return { one_time: oneTime, monthly, directory_item_bytes: dirBytes, index_item_bytes: 0 };

  const item = indexItemBytes(input.avgKeyBytes, bucket);
  const gsi = nameIndexEntryBytes(input.avgKeyBytes, bucket);
  const wruPerFile = writeUnits(item, wruBytes) + writeUnits(gsi, wruBytes);
  const tableGb = (input.objects * (item + overhead)) / BILLED_GB_BYTES;
  const gsiGb = (input.objects * (gsi + overhead)) / BILLED_GB_BYTES;
  oneTime.push(
    costItem(
      'index_writes',
      input.objects * wruPerFile,
      'WRU',
      priceOf(table, 'dynamodb.standard_ia.on_demand.write_request_unit_per_million') / 1e6,
      'dynamodb.standard_ia.on_demand.write_request_unit_per_million',
      `${wruPerFile} WRU per file: ~${item}-byte item + ~${gsi}-byte keys-only by_name entry, Standard-IA table`,
    ),
  );
  monthly.push(
    costItem(
      'index_storage',
      tableGb + gsiGb,
      'GiB-month',
      priceOf(table, 'dynamodb.standard_ia.storage'),
      'dynamodb.standard_ia.storage, dynamodb.item_storage_overhead',
      `${item + overhead + gsi + overhead} bytes per file (table + keys-only GSI, 100 B overhead each), Standard-IA`,
    ),
  );
  if (input.perFilePitr) {
    monthly.push(
      costItem(
        'index_pitr',
        tableGb,
        'GiB-month',
        priceOf(table, 'dynamodb.pitr_per_gb_month'),
        'dynamodb.pitr_per_gb_month',
        `point-in-time recovery on the files table size: ${item + overhead} bytes per file (GSI not counted)`,
      ),
    );
  }
  return { one_time: oneTime, monthly, directory_item_bytes: dirBytes, index_item_bytes: item };
}
