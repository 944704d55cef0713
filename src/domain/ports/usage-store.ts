/**
 * Usage ports: what a job's steps cost in requests. A {@link UsageMeter} counts the requests made
 * on the job's clients (`src/adapters/request-meter.ts`); a {@link UsageStore} keeps one record per
 * step run (DynamoDB adapter: `src/adapters/dynamo/dynamo-usage-store.ts`). The ledger that ties
 * them together: `src/archive/usage-ledger.ts`. In-memory fake: `test/support/memory-stores.ts`.
 */

/**
 * Counters of requests, by request key `<Service>:<Operation>[:<qualifier>]` (see
 * `src/cost/requests.ts`), or by table for the DynamoDB write counters. They add up across steps.
 * Each map has one entry per operation (and storage class) or table coldpack uses: its size does not
 * grow with the requests made, and each step run is its own record (`USAGE#...` item).
 */
export interface Usage {
  /** Billed requests (HTTP status below 500), by request key. */
  readonly requests: Readonly<Record<string, number>>;
  /** Attempts that failed with a 5xx or without a response (not billed), by request key. */
  readonly unbilled: Readonly<Record<string, number>>;
  /** Request body bytes sent, by request key. */
  readonly bytes_sent: Readonly<Record<string, number>>;
  /** Response body bytes received, by request key. */
  readonly bytes_received: Readonly<Record<string, number>>;
  /** DynamoDB items written, by table. */
  readonly dynamodb_items_written: Readonly<Record<string, number>>;
  /** DynamoDB write capacity units reported by the writes that asked for them, by table. */
  readonly dynamodb_write_units: Readonly<Record<string, number>>;
}

/** Counts requests as they are made. */
export interface UsageMeter {
  /** A copy of the counts so far. */
  snapshot(): Usage;
}

/** Where the usage of each step run of a job is kept. */
export interface UsageStore {
  /**
   * Store the usage of one run of `step` (e.g. `plan`, `shard-3`, `finalize`); runs of the same step
   * are kept apart, so a failed attempt that is retried is counted too.
   * @param at when the step ended (ISO 8601), part of the record's identity
   */
  record(jobId: string, step: string, at: string, usage: Usage): Promise<void>;
  /** Every usage recorded for the job, in any order. */
  list(jobId: string): Promise<Usage[]>;
}
