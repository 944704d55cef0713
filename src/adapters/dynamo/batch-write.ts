import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { retryUnprocessed } from './retry-unprocessed.js';

/** BatchWriteItem accepts at most 25 put/delete requests per call (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchWriteItem.html). */
export const BATCH_WRITE_MAX = 25;

/** Options of {@link batchPut} and {@link batchDelete}. */
export interface BatchWriteOptions {
  /** Rounds of UnprocessedItems retries after the first call. Default 10. */
  readonly maxRetries?: number;
  /** Injected sleep (tests). */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Calls at once. Default 4. */
  readonly concurrency?: number;
}

type WriteRequest = { PutRequest: { Item: Record<string, unknown> } } | { DeleteRequest: { Key: Record<string, unknown> } };

/** Send `requests` 25 per call, `concurrency` calls at once, each call's UnprocessedItems retried. */
async function batchWrite(
  dynamo: DynamoDBDocumentClient,
  table: string,
  requests: readonly WriteRequest[],
  options: BatchWriteOptions,
): Promise<{ calls: number }> {
  let calls = 0;
  let next = 0;
  const writeChunk = (chunk: readonly WriteRequest[]): Promise<number> =>
    retryUnprocessed(
      chunk,
      async (pending) => {
        const res = await dynamo.send(new BatchWriteCommand({ RequestItems: { [table]: [...pending] } }));
        return (res.UnprocessedItems?.[table] ?? []) as unknown as readonly WriteRequest[];
      },
      `BatchWriteItem ${table}`,
      options,
    );
  const worker = async (): Promise<void> => {
    while (next < requests.length) {
      const i = next;
      next += BATCH_WRITE_MAX;
      const made = await writeChunk(requests.slice(i, i + BATCH_WRITE_MAX));
      calls += made; // after the await: `calls += await ...` would read calls before it and lose other workers' counts
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, worker));
  return { calls };
}

/**
 * Put `items` into `table` with BatchWriteItem, 25 per call (`concurrency` calls at once, default 4), retrying UnprocessedItems with
 * exponential backoff and full jitter (base 50 ms, cap 5,000 ms) up to `maxRetries` rounds.
 * @throws ColdpackError `UNPROCESSED_ITEMS` when items remain unprocessed after the retries
 */
export function batchPut(
  dynamo: DynamoDBDocumentClient,
  table: string,
  items: readonly Record<string, unknown>[],
  options: BatchWriteOptions = {},
): Promise<{ calls: number }> {
  return batchWrite(
    dynamo,
    table,
    items.map((Item) => ({ PutRequest: { Item } })),
    options,
  );
}

/**
 * Delete the items of `keys` (primary keys; absent items are no error) from `table` with BatchWriteItem, like {@link batchPut}.
 * @throws ColdpackError `UNPROCESSED_ITEMS` when deletes remain unprocessed after the retries
 */
export function batchDelete(
  dynamo: DynamoDBDocumentClient,
  table: string,
  keys: readonly Record<string, unknown>[],
  options: BatchWriteOptions = {},
): Promise<{ calls: number }> {
  return batchWrite(
    dynamo,
    table,
    keys.map((Key) => ({ DeleteRequest: { Key } })),
    options,
  );
}
