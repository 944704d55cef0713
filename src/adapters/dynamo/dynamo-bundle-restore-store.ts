/**
 * {@link BundleRestoreStore} on DynamoDB.
 *
 * - State: the bundle item of the `bundles` table (pk `bundle_key`), attributes `restore_state`
 *   (NONE, REQUESTED, READY, EXPIRED), `restore_tier`, `restore_days`, `restore_requested_at`,
 *   `restore_claim` (the request that sent the RestoreObject), `restore_ready_at`,
 *   `restore_expires_at`. Fixed size: no attribute grows with the number of requests. Each change is
 *   one conditional UpdateItem; a failed condition means "not in that state" and changes nothing.
 * - Waiting requests: one item per (bundle, request) in the `jobs` table, pk
 *   `BUNDLE_WAIT#<bundle_key>`, sk `<restore_id>` (attributes `restore_id`, `since`): "which
 *   requests wait for bundle B" is one paged Query of that partition. "Which bundles does request
 *   R wait for" is R's own partition (`RESTORE#<R>` / `FILE#<bundle_key>#<n>` items with their
 *   status, `dynamo-restore-store.ts`), which is how {@link DynamoBundleRestoreStore.removeWaiter}
 *   is called when R finishes. A bundle key is an S3 key (≤ 1,024 bytes), so the partition key stays
 *   under DynamoDB's 2,048-byte limit (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html).
 *
 * Requests per (request, bundle): one PutItem of ~150 bytes to wait (1 write unit, whatever the
 * number of waiters; the list it replaces made every join rewrite the whole bundle item and its
 * `by_range` GSI copy), one strongly consistent GetItem of the state, one UpdateItem for the claimer
 * only, and one delete (BatchWriteItem, 25 a call) when the request finishes.
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed } from '../../domain/errors.js';
import type { BundleRestoreStore, RestoreClaim } from '../../domain/ports/bundle-restore-store.js';
import type { RetrievalTier } from '../../domain/restore-request.js';
import type { BundleRestoreState } from '../../domain/restore-records.js';
import { batchDelete } from './batch-write.js';
import { updateExpression, type UpdateParts } from './update-expression.js';

/** Partition key of the requests waiting for a bundle. */
export const waitPk = (bundleKey: string): string => `BUNDLE_WAIT#${bundleKey}`;

/** Names of the attributes the conditions read. */
const NAMES = { '#c_key': 'bundle_key', '#c_state': 'restore_state', '#c_expires': 'restore_expires_at', '#c_claim': 'restore_claim' } as const;

/** The restore state of a bundle item. */
function stateOf(item: Record<string, unknown>): BundleRestoreState {
  const str = (k: string): string | undefined => (typeof item[k] === 'string' ? (item[k] as string) : undefined);
  const days = item.restore_days === undefined ? undefined : Number(item.restore_days);
  return {
    state: (str('restore_state') as BundleRestoreState['state'] | undefined) ?? 'NONE',
    ...(str('restore_tier') ? { tier: str('restore_tier') as RetrievalTier } : {}),
    ...(days !== undefined && Number.isFinite(days) ? { days } : {}),
    ...(str('restore_requested_at') ? { requestedAt: str('restore_requested_at')! } : {}),
    ...(str('restore_ready_at') ? { readyAt: str('restore_ready_at')! } : {}),
    ...(str('restore_expires_at') ? { expiresAt: str('restore_expires_at')! } : {}),
  };
}

/** Bundle restore state in the bundles table, waiting requests in the jobs table (layout in the module comment). */
export class DynamoBundleRestoreStore implements BundleRestoreStore {
  /** @param dynamo document client; @param tables the bundles table (state) and the jobs table (waiting requests) */
  constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly tables: { readonly bundles: string; readonly jobs: string },
  ) {}

  /**
   * One UpdateItem on an existing bundle item, guarded by `condition` too when given (over {@link NAMES} and `values`).
   * @returns whether the change was made (false: the condition failed)
   */
  private async update(bundleKey: string, parts: UpdateParts, condition?: string, values: Record<string, unknown> = {}): Promise<boolean> {
    const cond = condition === undefined ? 'attribute_exists(#c_key)' : `attribute_exists(#c_key) AND (${condition})`;
    // DynamoDB refuses names that no expression uses: pass only those of the condition.
    const names = Object.fromEntries(Object.entries(NAMES).filter(([k]) => cond.includes(k)));
    try {
      await this.dynamo.send(
        new UpdateCommand({
          TableName: this.tables.bundles,
          Key: { bundle_key: bundleKey },
          UpdateExpression: parts.UpdateExpression,
          ConditionExpression: cond,
          ExpressionAttributeNames: { ...parts.ExpressionAttributeNames, ...names },
          ExpressionAttributeValues: { ...parts.ExpressionAttributeValues, ...values },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionalCheckFailed(err)) return false;
      throw err;
    }
  }

  /** @inheritdoc */
  async get(bundleKey: string): Promise<BundleRestoreState | undefined> {
    const res = await this.dynamo.send(new GetCommand({ TableName: this.tables.bundles, Key: { bundle_key: bundleKey }, ConsistentRead: true }));
    return res.Item ? stateOf(res.Item) : undefined;
  }

  /** One PutItem (idempotent: the same key again only moves `since`). @inheritdoc */
  async addWaiter(bundleKey: string, restoreId: string, since: string): Promise<void> {
    await this.dynamo.send(new PutCommand({ TableName: this.tables.jobs, Item: { pk: waitPk(bundleKey), sk: restoreId, restore_id: restoreId, since } }));
  }

  /** Query pages of `BUNDLE_WAIT#<bundle_key>` (strongly consistent), `pageSize` items a call. @inheritdoc */
  async *waiters(bundleKey: string, pageSize = 1000): AsyncIterable<readonly string[]> {
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.dynamo.send(
        new QueryCommand({
          TableName: this.tables.jobs,
          KeyConditionExpression: 'pk = :p',
          ExpressionAttributeValues: { ':p': waitPk(bundleKey) },
          ProjectionExpression: 'sk',
          ConsistentRead: true,
          Limit: pageSize,
          ExclusiveStartKey: start,
        }),
      );
      const page = (res.Items ?? []).map((i) => String(i.sk));
      if (page.length > 0) yield page;
      start = res.LastEvaluatedKey;
    } while (start);
  }

  /** BatchWriteItem deletes, 25 a call. @inheritdoc */
  async removeWaiter(restoreId: string, bundleKeys: readonly string[]): Promise<void> {
    const keys = [...new Set(bundleKeys)].map((b) => ({ pk: waitPk(b), sk: restoreId }));
    if (keys.length > 0) await batchDelete(this.dynamo, this.tables.jobs, keys);
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
      },
      // waiting_restores: the list of earlier versions, dropped at the next claim of a bundle that still has one.
      remove: ['restore_ready_at', 'restore_expires_at', 'waiting_restores'],
    });
    return this.update(
      bundleKey,
      parts,
      'attribute_not_exists(#c_state) OR #c_state IN (:c_none, :c_expired) OR (#c_state = :c_ready AND (attribute_not_exists(#c_expires) OR #c_expires < :c_renew))',
      { ':c_none': 'NONE', ':c_expired': 'EXPIRED', ':c_ready': 'READY', ':c_renew': claim.renewBefore },
    );
  }

  /** @inheritdoc */
  async release(bundleKey: string, restoreId: string): Promise<void> {
    await this.update(bundleKey, updateExpression({ set: { restore_state: 'NONE' } }), '#c_state = :c_requested AND #c_claim = :c_id', {
      ':c_requested': 'REQUESTED',
      ':c_id': restoreId,
    });
  }

  /** @inheritdoc */
  async markReady(bundleKey: string, at: string, expiresAt: string): Promise<boolean> {
    return this.update(bundleKey, updateExpression({ set: { restore_state: 'READY', restore_ready_at: at, restore_expires_at: expiresAt } }));
  }

  /** @inheritdoc */
  async markExpired(bundleKey: string): Promise<void> {
    await this.update(bundleKey, updateExpression({ set: { restore_state: 'EXPIRED' } }), '#c_state = :c_ready', { ':c_ready': 'READY' });
  }
}
