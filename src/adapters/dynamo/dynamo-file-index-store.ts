import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { FileIndexItem } from '../../domain/model.js';
import { filePk, nameKey } from '../../domain/keys.js';
import type { FileIndexStore, IndexPage } from '../../domain/ports/file-index-store.js';
import { batchPut } from './batch-write.js';
import { FILES_BY_NAME_INDEX } from './tables.js';
import { queryAll } from './query-all.js';

function encodeToken(key: Record<string, unknown> | undefined): string | undefined {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;
}
function decodeToken(token: string | undefined): Record<string, unknown> | undefined {
  return token ? (JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Record<string, unknown>) : undefined;
}

/**
 * The {@link FileIndexStore} port on DynamoDB (the `files` table): one item per archived object per archive generation.
 * pk `<bucket>/<key>` (never a composite sort key holding the raw key: S3 keys reach 1,024 bytes,
 * DynamoDB sort keys are capped at 1,024 bytes and partition keys at 2,048 bytes —
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html), sk
 * `<archived_at>#<job_id>` so the newest generation sorts last.
 */
export class DynamoFileIndexStore implements FileIndexStore {
  /** @param dynamo document client; @param table files table name */
  constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** BatchWriteItem, 25 items a call, unprocessed items retried. @inheritdoc */
  async putMany(items: readonly FileIndexItem[]): Promise<number> {
    const { calls } = await batchPut(this.dynamo, this.table, items as unknown as Record<string, unknown>[]);
    return calls;
  }

  /** A GetItem of a key no file has. @inheritdoc */
  async check(): Promise<void> {
    await this.dynamo.send(new GetCommand({ TableName: this.table, Key: { pk: '\u0000coldpack-preflight', sk: '-' } }));
  }

  /** @inheritdoc */
  async generations(bucket: string, key: string): Promise<FileIndexItem[]> {
    return queryAll<FileIndexItem>(this.dynamo, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': filePk(bucket, key) },
    });
  }

  /** @inheritdoc */
  async latest(bucket: string, key: string): Promise<FileIndexItem | undefined> {
    const res = await this.dynamo.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': filePk(bucket, key) },
        ScanIndexForward: false,
        Limit: 1,
      }),
    );
    return res.Items?.[0] as FileIndexItem | undefined;
  }

  /** Query on the GSI `by_name`; `nextToken` is the base64url of DynamoDB's LastEvaluatedKey. @inheritdoc */
  async byName(bucket: string, name: string, options: { limit?: number; nextToken?: string } = {}): Promise<IndexPage> {
    const res = await this.dynamo.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: FILES_BY_NAME_INDEX,
        KeyConditionExpression: 'name_key = :n',
        ExpressionAttributeValues: { ':n': nameKey(bucket, name) },
        Limit: options.limit ?? 100,
        ExclusiveStartKey: decodeToken(options.nextToken),
      }),
    );
    const nextToken = encodeToken(res.LastEvaluatedKey);
    return { items: (res.Items ?? []) as FileIndexItem[], ...(nextToken ? { nextToken } : {}) };
  }
}
