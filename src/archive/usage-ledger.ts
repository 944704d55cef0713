import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { queryPrefix } from '../adapters/dynamo/query-all.js';
import type { MeterSnapshot, RequestMeter } from '../adapters/request-meter.js';

/** Counters of a meter snapshot that add up across steps. */
export type Usage = Pick<MeterSnapshot, 'requests' | 'unbilled' | 'bytes_sent' | 'bytes_received' | 'dynamodb_items_written' | 'dynamodb_write_units'>;

const FIELDS = ['requests', 'unbilled', 'bytes_sent', 'bytes_received', 'dynamodb_items_written', 'dynamodb_write_units'] as const;

/** An all-zero usage. */
export function emptyUsage(): Usage {
  return { requests: {}, unbilled: {}, bytes_sent: {}, bytes_received: {}, dynamodb_items_written: {}, dynamodb_write_units: {} };
}

/** `a + sign × b`, field by field and key by key (keys that end at 0 are dropped). */
export function combineUsage(a: Usage, b: Usage, sign: 1 | -1 = 1): Usage {
  const out = emptyUsage() as Record<(typeof FIELDS)[number], Record<string, number>>;
  for (const f of FIELDS) {
    const merged: Record<string, number> = { ...a[f] };
    for (const [k, v] of Object.entries(b[f])) merged[k] = (merged[k] ?? 0) + sign * v;
    for (const [k, v] of Object.entries(merged)) if (v !== 0) out[f][k] = v;
  }
  return out;
}

/**
 * Records what each step of an archive job cost in requests: the request meter's delta over the
 * step is stored as an item `ARCHIVE#<job>` / `USAGE#<step>#<time>` in the jobs table (one item per
 * step run, so the requests of a failed attempt that is retried are counted too), and
 * {@link total} adds them up for the job report. Each AWS Batch step runs in its own process with
 * its own meter; in-process runs give each job its own clients and meter.
 */
export class UsageLedger {
  /** @param meter the meter attached to the clients doing the job's work; @param dynamo client; @param table jobs table */
  constructor(
    private readonly meter: RequestMeter,
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** Run `fn` and store the requests it made under `step` (also when it throws). */
  async step<T>(jobId: string, step: string, fn: () => Promise<T>): Promise<T> {
    const before = this.meter.snapshot();
    try {
      return await fn();
    } finally {
      const delta = combineUsage(this.meter.snapshot(), before, -1);
      await this.dynamo
        .send(new PutCommand({ TableName: this.table, Item: { pk: `ARCHIVE#${jobId}`, sk: `USAGE#${step}#${new Date().toISOString()}#${Math.random().toString(36).slice(2, 8)}`, usage: delta } }))
        .catch(() => undefined);
    }
  }

  /** The job's usage so far (all stored steps) plus `current` (e.g. the running finalize step). */
  async total(jobId: string, current: Usage = emptyUsage()): Promise<Usage> {
    let sum = current;
    for (const item of await queryPrefix<{ usage: Usage }>(this.dynamo, this.table, `ARCHIVE#${jobId}`, 'USAGE#')) sum = combineUsage(sum, item.usage);
    return sum;
  }

  /** The meter's counts since `since` (a snapshot taken earlier). */
  since(since: Usage): Usage {
    return combineUsage(this.meter.snapshot(), since, -1);
  }

  /** A snapshot of the meter now. */
  now(): Usage {
    return this.meter.snapshot();
  }
}
