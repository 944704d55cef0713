import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { retryUnprocessed, type RetryOptions } from './retry-unprocessed.js';

/** BatchGetItem reads at most 100 keys per call (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchGetItem.html). */
export const BATCH_GET_MAX = 100;

/**
 * Read `keys` from `table` with BatchGetItem (100 a call, strongly consistent), retrying
 * UnprocessedKeys with backoff. Never returns a partial result: items missing from the answer are
 * items that do not exist.
 * @returns the items found (any order)
 * @throws ColdpackError `UNPROCESSED_ITEMS` when keys stay unprocessed after the retries
 */
export async function batchGet<T>(
  dynamo: DynamoDBDocumentClient,
  table: string,
  keys: readonly Record<string, unknown>[],
  options: RetryOptions = {},
): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < keys.length; i += BATCH_GET_MAX) {
    await retryUnprocessed(
      keys.slice(i, i + BATCH_GET_MAX),
      async (pending) => {
        const res = await dynamo.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: [...pending], ConsistentRead: true } } }));
        out.push(...((res.Responses?.[table] ?? []) as T[]));
        return (res.UnprocessedKeys?.[table]?.Keys ?? []) as Record<string, unknown>[];
      },
      `BatchGetItem ${table}`,
      options,
    );
  }
  return out;
}
