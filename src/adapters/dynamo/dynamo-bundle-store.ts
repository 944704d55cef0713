/**
 * The {@link BundleStore} port on DynamoDB (the bundles table, pk `bundle_key`): archive state
 * (WRITING -> COMMITTED; the COMMITTED item is the bundle's directory entry, indexed by the sparse GSI
 * `by_range` through `dir_pk`/`dir_sk`, see `directory-keys.ts`), plus {@link DynamoBundleStore.update} for the restore state that every
 * restore request needing the bundle shares.
 */
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BundleItem } from '../../domain/model.js';
import type { BundleStore } from '../../domain/ports/bundle-store.js';
import { updateExpression } from './update-expression.js';
import { directoryAttributes } from './directory-keys.js';

/** A DynamoDB ConditionExpression with its own placeholders (`#c..`/`:c..`, distinct from the generated `#s..`/`:s..`). */
export interface UpdateCondition {
  readonly expression: string;
  readonly names?: Record<string, string>;
  readonly values?: Record<string, unknown>;
}

/** {@link BundleStore} on a DynamoDB table (the client and table come from the composition root). */
export class DynamoBundleStore implements BundleStore {
  /** @param dynamo document client; @param table bundles table name */
  constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** @inheritdoc */
  async get(bundleKey: string): Promise<BundleItem | undefined> {
    const res = await this.dynamo.send(new GetCommand({ TableName: this.table, Key: { bundle_key: bundleKey }, ConsistentRead: true }));
    return res.Item as BundleItem | undefined;
  }

  /** A GetItem of a key no bundle has (`bundle_key` may not be empty, so a NUL is used). @inheritdoc */
  async check(): Promise<void> {
    await this.dynamo.send(new GetCommand({ TableName: this.table, Key: { bundle_key: '\u0000coldpack-preflight' } }));
  }

  /** @inheritdoc */
  async markWriting(item: BundleItem): Promise<void> {
    await this.dynamo.send(new PutCommand({ TableName: this.table, Item: { ...item, state: 'WRITING' } }));
  }

  /** @inheritdoc */
  async markCommitted(item: BundleItem): Promise<void> {
    const committed = { ...item, state: 'COMMITTED' as const };
    await this.dynamo.send(new PutCommand({ TableName: this.table, Item: { ...committed, ...directoryAttributes(committed) } }));
  }

  /**
   * Set top-level attributes of a bundle (used by the restore pipeline for its restore_* fields).
   * @param condition optional ConditionExpression; its placeholders must not start with `#s`/`:s`
   * @throws ConditionalCheckFailedException when the condition does not hold
   */
  async update(bundleKey: string, fields: Record<string, unknown>, condition?: UpdateCondition): Promise<void> {
    const parts = updateExpression({ set: fields });
    await this.dynamo.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { bundle_key: bundleKey },
        UpdateExpression: parts.UpdateExpression,
        ExpressionAttributeNames: { ...parts.ExpressionAttributeNames, ...(condition?.names ?? {}) },
        ExpressionAttributeValues: { ...parts.ExpressionAttributeValues, ...(condition?.values ?? {}) },
        ...(condition ? { ConditionExpression: condition.expression } : {}),
      }),
    );
  }
}
