import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { retryUnprocessed } from './retry-unprocessed.js';

/** BatchWriteItem accepts at most 25 put/delete requests per call (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchWriteItem.html). */
export const BATCH_WRITE_MAX = 25;

/**
 * Put `items` into `table` with BatchWriteItem, 25 per call (`concurrency` calls at once, default 4), retrying UnprocessedItems with
 * exponential backoff and full jitter (base 50 ms, cap 5,000 ms) up to `maxRetries` rounds.
 * @throws ColdpackError `UNPROCESSED_ITEMS` when items remain unprocessed after the retries
 */
export async function batchPut(
  dynamo: DynamoDBDocumentClient,
  table: string,
  items: readonly Record<string, unknown>[],
  options: { maxRetries?: number; sleep?: (ms: number) => Promise<void>; concurrency?: number } = {},
): Promise<{ calls: number }> {
  let calls = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next;
      next += BATCH_WRITE_MAX;
      const made = await putChunk(items.slice(i, i + BATCH_WRITE_MAX));
      calls += made;
    }
  };
  const putChunk = (chunk: readonly Record<string, unknown>[]): Promise<number> =>
    retryUnprocessed(
      chunk.map((Item) => ({ PutRequest: { Item } })),
      async (pending) => {
        const res = await dynamo.send(new BatchWriteCommand({ RequestItems: { [table]: [...pending] } }));
        return (res.UnprocessedItems?.[table] ?? []) as typeof pending;
      },
      `BatchWriteItem ${table}`,
      options,
    );
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, worker));
  return { calls };
}
