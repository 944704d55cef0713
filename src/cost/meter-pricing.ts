import type { ArchiveStorageClass } from '../domain/model.js';
import { priceOf, type PriceTable } from './price-table.js';
import { priceRequestCounts, type PricedRequestLine } from './request-pricing.js';
import type { RequestCounts } from './requests.js';
import { costItem, type CostItem } from './cost-items.js';

/**
 * The parts of a request-meter snapshot that carry cost (structurally the `MeterSnapshot` of
 * src/adapters/request-meter.ts, declared here so the cost model does not depend on the adapter).
 */
export interface MeteredUsage {
  /** Billed requests by key `<Service>:<Operation>[:<qualifier>]`. */
  readonly requests: RequestCounts;
  /** DynamoDB items written, by table. */
  readonly dynamodb_items_written: Readonly<Record<string, number>>;
  /** DynamoDB write units reported by `ConsumedCapacity`, by table (preferred when present). */
  readonly dynamodb_write_units: Readonly<Record<string, number>>;
}

/** Options of {@link priceMeterSnapshot}. */
export interface MeterPricingOptions {
  /** Storage class of objects restored by `S3:RestoreObject:<tier>` requests. Default DEEP_ARCHIVE. */
  readonly restoreClass?: ArchiveStorageClass;
  /**
   * Write units per item by table when DynamoDB did not report ConsumedCapacity, e.g.
   * `{ 'coldpack-files': 2 }` for the files table and its GSI (see `writeUnitsPerItem` in index-items.ts).
   * Tables not listed: 1 WRU per item.
   */
  readonly writeUnitsPerItem?: Readonly<Record<string, number>>;
}

/** A priced meter snapshot: S3 request lines, DynamoDB write lines and the total in USD. */
export interface PricedUsage {
  readonly requests: readonly PricedRequestLine[];
  readonly dynamodb_writes: readonly CostItem[];
  readonly total_usd: number;
}

/**
 * Price what a request meter counted with the same price table as the model: S3 requests per key
 * (see `priceRequestCounts`), DynamoDB writes per write unit on demand
 * (`dynamodb.on_demand.write_request_unit_per_million`) — the consumed units DynamoDB reported, else items
 * × `writeUnitsPerItem`. Storage and compute are not part of a snapshot.
 * @param usage a meter snapshot (or any {@link MeteredUsage})
 * @param table price table
 * @param options restore class and write units per item
 */
export function priceMeterSnapshot(usage: MeteredUsage, table: PriceTable, options: MeterPricingOptions = {}): PricedUsage {
  const requests = priceRequestCounts(table, usage.requests, options.restoreClass ?? 'DEEP_ARCHIVE');
  const wruPrice = priceOf(table, 'dynamodb.on_demand.write_request_unit_per_million') / 1e6;
  const tables = new Set([...Object.keys(usage.dynamodb_items_written), ...Object.keys(usage.dynamodb_write_units)]);
  const writes = [...tables].sort().map((t) => {
    const reported = usage.dynamodb_write_units[t];
    const items = usage.dynamodb_items_written[t] ?? 0;
    const units = reported ?? items * (options.writeUnitsPerItem?.[t] ?? 1);
    return costItem(
      `writes:${t}`,
      units,
      'WRU',
      wruPrice,
      'dynamodb.on_demand.write_request_unit_per_million',
      reported === undefined ? `${items} items × ${options.writeUnitsPerItem?.[t] ?? 1} WRU` : 'ConsumedCapacity reported by DynamoDB',
    );
  });
  return { requests: requests.lines, dynamodb_writes: writes, total_usd: requests.total_usd + writes.reduce((s, w) => s + w.usd, 0) };
}
