import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BundleItem } from '../../domain/model.js';

/**
 * Bundles table (pk `bundle_key`): archive state (WRITING -> COMMITTED) and the restore state
 * shared by every restore request that needs the bundle.
 */
export class BundleRepo {
  /** @param dynamo document client; @param table bundles table name */
  constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** The bundle item, or undefined. Strongly consistent read. */
  async get(bundleKey: string): Promise<BundleItem | undefined> {
    const res = await this.dynamo.send(new GetCommand({ TableName: this.table, Key: { bundle_key: bundleKey }, ConsistentRead: true }));
    return res.Item as BundleItem | undefined;
  }

  /** Record that a bundle is being written (state WRITING) with its multipart upload id, if any. */
  async markWriting(item: BundleItem): Promise<void> {
    await this.dynamo.send(new PutCommand({ TableName: this.table, Item: { ...item, state: 'WRITING' } }));
  }

  /** Overwrite the bundle item as COMMITTED (size, checksum and index verified by the caller). */
  async markCommitted(item: BundleItem): Promise<void> {
    await this.dynamo.send(new PutCommand({ TableName: this.table, Item: { ...item, state: 'COMMITTED' } }));
  }

  /**
   * Set arbitrary top-level attributes (used by the restore pipeline for restore_* fields).
   * @param condition optional ConditionExpression (names `#k0..`, values `:v0..` are generated for `fields`)
   */
  async update(bundleKey: string, fields: Record<string, unknown>, condition?: { expression: string; names?: Record<string, string>; values?: Record<string, unknown> }): Promise<void> {
    const names: Record<string, string> = { ...(condition?.names ?? {}) };
    const values: Record<string, unknown> = { ...(condition?.values ?? {}) };
    const sets = Object.entries(fields).map(([k, v], i) => {
      names[`#k${i}`] = k;
      values[`:v${i}`] = v;
      return `#k${i} = :v${i}`;
    });
    await this.dynamo.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { bundle_key: bundleKey },
        UpdateExpression: `SET ${sets.join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ...(condition ? { ConditionExpression: condition.expression } : {}),
      }),
    );
  }
}
