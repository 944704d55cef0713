import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { FileIndexItem } from '../../domain/model.js';
import { filePk, nameKey } from '../../domain/keys.js';
import { decodePageToken, encodePageToken, isPlainObject } from '../../domain/page-token.js';
import type { FileIndexStore, IndexPage } from '../../domain/ports/file-index-store.js';
import { batchPut } from './batch-write.js';
import { batchGet } from './batch-get.js';
import { FILES_BY_NAME_INDEX } from './tables.js';
import { queryAll } from './query-all.js';

const START_KEY_ATTRIBUTES = ['name_key', 'pk', 'sk'] as const;

/**
 * The `ExclusiveStartKey` of a `by_name` page token, checked (the one codec, `src/domain/page-token.ts`):
 * exactly `pk`, `sk` and `name_key`, strings within DynamoDB's key limits (partition 2,048 bytes, sort
 * 1,024 bytes: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html),
 * and `name_key` the one queried — so a crafted token is a 400, never a DynamoDB ValidationException.
 */
function startKeyOf(nameKeyQueried: string): (v: unknown) => Record<string, string> | undefined {
  return (v) => {
    if (!isPlainObject(v)) return undefined;
    const keys = Object.keys(v).sort();
    if (keys.join() !== START_KEY_ATTRIBUTES.join()) return undefined;
    const { pk, sk, name_key: nk } = v;
    if (typeof pk !== 'string' || typeof sk !== 'string' || nk !== nameKeyQueried) return undefined;
    const ok = (s: string, max: number) => s.length > 0 && Buffer.byteLength(s) <= max && !/\p{Surrogate}/u.test(s);
    return ok(pk, 2048) && ok(sk, 1024) ? { pk, sk, name_key: nk } : undefined;
  };
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

  /**
   * Query on the keys-only GSI `by_name`, then BatchGetItem of the items it names (100 a call);
   * `nextToken` is DynamoDB's LastEvaluatedKey in the one page-token codec.
   * @throws ValidationError (400 on `nextToken`) for a token this store did not issue for this name
   * @inheritdoc
   */
  async byName(bucket: string, name: string, options: { limit?: number; nextToken?: string } = {}): Promise<IndexPage> {
    const res = await this.dynamo.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: FILES_BY_NAME_INDEX,
        KeyConditionExpression: 'name_key = :n',
        ExpressionAttributeValues: { ':n': nameKey(bucket, name) },
        Limit: options.limit ?? 100,
        ExclusiveStartKey: decodePageToken(options.nextToken, startKeyOf(nameKey(bucket, name))),
      }),
    );
    const nextToken = res.LastEvaluatedKey ? encodePageToken(res.LastEvaluatedKey) : undefined;
    const keys = (res.Items ?? []).map((i) => ({ pk: i.pk as string, sk: i.sk as string }));
    const full = keys.length === 0 ? [] : await batchGet<FileIndexItem>(this.dynamo, this.table, keys);
    const order = new Map(keys.map((k, i) => [`${k.pk}\u0000${k.sk}`, i]));
    full.sort((a, b) => (order.get(`${a.pk}\u0000${a.sk}`) ?? 0) - (order.get(`${b.pk}\u0000${b.sk}`) ?? 0));
    return { items: full, ...(nextToken ? { nextToken } : {}) };
  }
}
