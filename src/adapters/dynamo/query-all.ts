import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';

/**
 * Run a Query and follow `LastEvaluatedKey` until the last page, returning every item.
 * Only for result sets known to be small (a job's shards, a restore's files): it holds them all.
 * @param input the Query input without `ExclusiveStartKey`
 */
export async function queryAll<T>(dynamo: DynamoDBDocumentClient, input: Omit<QueryCommandInput, 'ExclusiveStartKey'>): Promise<T[]> {
  const out: T[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const res = await dynamo.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    out.push(...((res.Items ?? []) as T[]));
    start = res.LastEvaluatedKey;
  } while (start);
  return out;
}

/** Every item of partition `pk` whose sort key `sk` starts with `skPrefix` (strongly consistent). */
export function queryPrefix<T>(dynamo: DynamoDBDocumentClient, table: string, pk: string, skPrefix: string): Promise<T[]> {
  return queryAll<T>(dynamo, {
    TableName: table,
    KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)',
    ExpressionAttributeValues: { ':p': pk, ':s': skPrefix },
    ConsistentRead: true,
  });
}
