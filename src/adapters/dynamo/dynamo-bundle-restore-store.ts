/**
 * {@link BundleRestoreStore} on the DynamoDB `bundles` table (pk `bundle_key`): the restore
 * attributes of a bundle item are `restore_state` (NONE, REQUESTED, READY, EXPIRED), `restore_tier`,
 * `restore_days`, `restore_requested_at`, `restore_claim` (the request that sent the RestoreObject),
 * `restore_ready_at`, `restore_expires_at` and `waiting_restores` (list of restore ids). Each method
 * is one conditional UpdateItem; a failed condition means "not in that state" and changes nothing.
 */
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed } from '../../domain/errors.js';
import type { BundleRestoreStore, RestoreClaim } from '../../domain/ports/bundle-restore-store.js';
import type { RetrievalTier } from '../../domain/restore-request.js';
import type { BundleRestoreState } from '../../domain/restore-records.js';
import { updateExpression, type UpdateParts } from './update-expression.js';

/** Names of the attributes the conditions read. */
const NAMES = { '#c_key': 'bundle_key', '#c_state': 'restore_state', '#c_expires': 'restore_expires_at', '#c_claim': 'restore_claim' } as const;

/** The restore state of a bundle item. */
function stateOf(item: Record<string, unknown>): BundleRestoreState {
  const str = (k: string): string | undefined => (typeof item[k] === 'string' ? (item[k] as string) : undefined);
  const waiting = Array.isArray(item.waiting_restores) ? (item.waiting_restores as unknown[]).map(String) : [];
  const days = item.restore_days === undefined ? undefined : Number(item.restore_days);
  return {
    state: (str('restore_state') as BundleRestoreState['state'] | undefined) ?? 'NONE',
    ...(str('restore_tier') ? { tier: str('restore_tier') as RetrievalTier } : {}),
    ...(days !== undefined && Number.isFinite(days) ? { days } : {}),
    ...(str('restore_requested_at') ? { requestedAt: str('restore_requested_at')! } : {}),
    ...(str('restore_ready_at') ? { readyAt: str('restore_ready_at')! } : {}),
    ...(str('restore_expires_at') ? { expiresAt: str('restore_expires_at')! } : {}),
    waiting: [...new Set(waiting)],
  };
}

/** Bundle restore state in the bundles table. */
export class DynamoBundleRestoreStore implements BundleRestoreStore {
  /** @param dynamo document client; @param table bundles table name */
  constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /**
   * One UpdateItem on an existing bundle item, guarded by `condition` too when given (over {@link NAMES} and `values`).
   * @returns the item after the change, or undefined when the condition failed
   */
  private async update(
    bundleKey: string,
    parts: UpdateParts,
    condition?: string,
    values: Record<string, unknown> = {},
  ): Promise<Record<string, unknown> | undefined> {
    const cond = condition === undefined ? 'attribute_exists(#c_key)' : `attribute_exists(#c_key) AND (${condition})`;
    // DynamoDB refuses names that no expression uses: pass only those of the condition.
    const names = Object.fromEntries(Object.entries(NAMES).filter(([k]) => cond.includes(k)));
    try {
      const res = await this.dynamo.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { bundle_key: bundleKey },
          UpdateExpression: parts.UpdateExpression,
          ConditionExpression: cond,
          ExpressionAttributeNames: { ...parts.ExpressionAttributeNames, ...names },
          ExpressionAttributeValues: { ...parts.ExpressionAttributeValues, ...values },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return res.Attributes ?? {};
    } catch (err) {
      if (isConditionalCheckFailed(err)) return undefined;
      throw err;
    }
  }

  /** @inheritdoc */
  async get(bundleKey: string): Promise<BundleRestoreState | undefined> {
    const res = await this.dynamo.send(new GetCommand({ TableName: this.table, Key: { bundle_key: bundleKey }, ConsistentRead: true }));
    return res.Item ? stateOf(res.Item) : undefined;
  }

  /** @inheritdoc */
  async join(bundleKey: string, restoreId: string): Promise<boolean> {
    const after = await this.update(bundleKey, updateExpression({ append: { waiting_restores: [restoreId] } }), '#c_state = :c_requested', {
      ':c_requested': 'REQUESTED',
    });
    return after !== undefined;
  }

  /** @inheritdoc */
  async markRequested(bundleKey: string, claim: RestoreClaim): Promise<boolean> {
    const parts = updateExpression({
      set: {
        restore_state: 'REQUESTED',
        restore_tier: claim.tier,
        restore_days: claim.days,
        restore_requested_at: claim.now,
        restore_claim: claim.restoreId,
        waiting_restores: [claim.restoreId],
      },
      remove: ['restore_ready_at', 'restore_expires_at'],
    });
    const after = await this.update(
      bundleKey,
      parts,
      'attribute_not_exists(#c_state) OR #c_state IN (:c_none, :c_expired) OR (#c_state = :c_ready AND (attribute_not_exists(#c_expires) OR #c_expires < :c_renew))',
      { ':c_none': 'NONE', ':c_expired': 'EXPIRED', ':c_ready': 'READY', ':c_renew': claim.renewBefore },
    );
    return after !== undefined;
  }

  /** @inheritdoc */
  async release(bundleKey: string, restoreId: string): Promise<void> {
    await this.update(bundleKey, updateExpression({ set: { restore_state: 'NONE' } }), '#c_state = :c_requested AND #c_claim = :c_id', {
      ':c_requested': 'REQUESTED',
      ':c_id': restoreId,
    });
  }

  /** @inheritdoc */
  async markReady(bundleKey: string, at: string, expiresAt: string): Promise<string[] | undefined> {
    const after = await this.update(bundleKey, updateExpression({ set: { restore_state: 'READY', restore_ready_at: at, restore_expires_at: expiresAt } }));
    return after === undefined ? undefined : [...stateOf(after).waiting];
  }

  /** @inheritdoc */
  async markExpired(bundleKey: string): Promise<void> {
    await this.update(bundleKey, updateExpression({ set: { restore_state: 'EXPIRED' } }), '#c_state = :c_ready', { ':c_ready': 'READY' });
  }
}
