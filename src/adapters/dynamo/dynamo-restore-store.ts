/**
 * {@link RestoreStore} on the DynamoDB `jobs` table.
 *
 * Layout (pk / sk):
 * - `RESTORE#<id>` / `REQUEST`: the request, its resolution (RESOLVING until the worker has looked
 *   its files up), counters, final status, notification state;
 * - `RESTORE#<id>` / `FILE#<bundle_key>#<n>`: one file (n = 6-digit position in the request), so the
 *   files of one bundle are one Query (`begins_with(sk, 'FILE#<bundle_key>#')`); the raw key is an
 *   attribute, never part of a key (S3 keys reach 1,024 bytes = the DynamoDB sort-key limit, case C07);
 * - `RESTORE#<id>` / `FILE#-#<n>`: a file that was not found (no bundle);
 * - `RESTORE#<id>` / `SELECTION#<ref>#<part>`: the keys or names of a request whose list is over
 *   64 KiB (`selection-parts.ts`), so the request item stays far below DynamoDB's 400 KB item limit
 *   whatever the selection, and reading the request never reads the list;
 * - `RESTORE_OPEN` / `<id>`: present while the request is not finished and notified; the reconciler
 *   reads this one partition instead of scanning tables.
 */
import { DeleteCommand, GetCommand, PutCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { awsErrorName, isConditionalCheckFailed } from '../../domain/errors.js';
import type { RestoreStore } from '../../domain/ports/restore-store.js';
import type { RestoreFileStatus, RestoreFinalStatus, RestoreProblem, RestoreSelection } from '../../domain/restore-request.js';
import type {
  OpenRestore,
  ResolvedCounts,
  RestoreCounter,
  RestoreFileChanges,
  RestoreFileRecord,
  RestoreFileRef,
  RestoreRequestRecord,
} from '../../domain/restore-records.js';
import { batchDelete, batchPut } from './batch-write.js';
import { readSelection, splitRequest } from './selection-parts.js';
import { queryAll, queryPrefix } from './query-all.js';
import { updateExpression } from './update-expression.js';

const restorePk = (restoreId: string): string => `RESTORE#${restoreId}`;
const REQUEST_SK = 'REQUEST';
const OPEN_PK = 'RESTORE_OPEN';
/** Sort key of a file item: `FILE#<bundle_key or ->#<n, 6 digits>`. */
const fileSk = (bundleKey: string | undefined, n: number): string => `FILE#${bundleKey ?? '-'}#${String(n).padStart(6, '0')}`;

/** The record without its table keys (and the request item's `selection_ref`/`selection_parts`). */
function record<T>(item: Record<string, unknown>): T {
  const { pk: _pk, sk: _sk, selection_ref: _ref, selection_parts: _parts, ...rest } = item;
  return rest as T;
}

/** Restore requests in the jobs table (layout in the module comment). */
export class DynamoRestoreStore implements RestoreStore {
  /** @param dynamo document client; @param table jobs table name */
  constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** One conditional UpdateItem; false when the condition failed. */
  private async update(
    key: { pk: string; sk: string },
    parts: ReturnType<typeof updateExpression>,
    condition: string,
    names: Record<string, string>,
    values: Record<string, unknown>,
  ): Promise<boolean> {
    try {
      await this.dynamo.send(
        new UpdateCommand({
          TableName: this.table,
          Key: key,
          UpdateExpression: parts.UpdateExpression,
          ConditionExpression: condition,
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

  /**
   * One conditional PutItem of the request item; a list over 64 KiB is first written in `SELECTION#`
   * items (`selection-parts.ts`; BatchWriteItem: at most 2 calls for the API's 10 MB) under a
   * reference of this call, so a call that finds the request already recorded deletes its own parts
   * and never touches the recorded request's.
   * @inheritdoc
   */
  async createRequest(request: RestoreRequestRecord): Promise<RestoreRequestRecord | undefined> {
    const { item, parts } = splitRequest(restorePk(request.restore_id), REQUEST_SK, request);
    if (parts.length > 0) await batchPut(this.dynamo, this.table, parts);
    try {
      await this.dynamo.send(new PutCommand({ TableName: this.table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
      return record<RestoreRequestRecord>(item);
    } catch (err) {
      if (!isConditionalCheckFailed(err)) throw err;
      const keys = parts.map((p) => ({ pk: p.pk, sk: p.sk }));
      if (keys.length > 0) await batchDelete(this.dynamo, this.table, keys);
      return undefined;
    }
  }

  /** GetItem of the request item, and one Query of its `SELECTION#` items when its list was kept apart. @inheritdoc */
  async selection(restoreId: string): Promise<RestoreSelection | undefined> {
    const res = await this.dynamo.send(new GetCommand({ TableName: this.table, Key: { pk: restorePk(restoreId), sk: REQUEST_SK }, ConsistentRead: true }));
    return res.Item ? readSelection(this.dynamo, this.table, res.Item) : undefined;
  }

  /** @inheritdoc */
  async claimResolution(restoreId: string, now: string, staleBefore: string): Promise<boolean> {
    const parts = updateExpression({ set: { resolving_since: now, updated_at: now } });
    return this.update(
      { pk: restorePk(restoreId), sk: REQUEST_SK },
      parts,
      'attribute_exists(pk) AND #c_res = :c_resolving AND (attribute_not_exists(#c_since) OR #c_since < :c_stale)',
      { '#c_res': 'resolution', '#c_since': 'resolving_since' },
      { ':c_resolving': 'RESOLVING', ':c_stale': staleBefore },
    );
  }

  /** @inheritdoc */
  async recordResolution(restoreId: string, counts: ResolvedCounts, now: string): Promise<boolean> {
    return this.endResolution(restoreId, { ...counts, resolution: 'RESOLVED', updated_at: now });
  }

  /** @inheritdoc */
  async failResolution(restoreId: string, error: RestoreProblem, now: string): Promise<boolean> {
    return this.endResolution(restoreId, { resolution: 'FAILED', resolve_error: error, updated_at: now });
  }

  /** One conditional UpdateItem: set `set` on a request that is still RESOLVING (false when it is not). */
  private endResolution(restoreId: string, set: Record<string, unknown>): Promise<boolean> {
    return this.update(
      { pk: restorePk(restoreId), sk: REQUEST_SK },
      updateExpression({ set, remove: ['resolving_since'] }),
      'attribute_exists(pk) AND #c_res = :c_resolving',
      { '#c_res': 'resolution' },
      { ':c_resolving': 'RESOLVING' },
    );
  }

  /** @inheritdoc */
  async putFiles(files: readonly RestoreFileRecord[]): Promise<void> {
    await batchPut(
      this.dynamo,
      this.table,
      files.map((f) => ({ pk: restorePk(f.restore_id), sk: fileSk(f.bundle_key, f.n), ...f })),
    );
  }

  /** @inheritdoc */
  async getRequest(restoreId: string): Promise<RestoreRequestRecord | undefined> {
    const res = await this.dynamo.send(new GetCommand({ TableName: this.table, Key: { pk: restorePk(restoreId), sk: REQUEST_SK }, ConsistentRead: true }));
    return res.Item ? record<RestoreRequestRecord>(res.Item) : undefined;
  }

  /** @inheritdoc */
  async files(restoreId: string): Promise<RestoreFileRecord[]> {
    const items = await queryPrefix<Record<string, unknown>>(this.dynamo, this.table, restorePk(restoreId), 'FILE#');
    return items.map((i) => record<RestoreFileRecord>(i)).sort((a, b) => a.n - b.n);
  }

  /** @inheritdoc */
  async filesOfBundle(restoreId: string, bundleKey: string): Promise<RestoreFileRecord[]> {
    const items = await queryPrefix<Record<string, unknown>>(this.dynamo, this.table, restorePk(restoreId), `FILE#${bundleKey}#`);
    return items.map((i) => record<RestoreFileRecord>(i));
  }

  /** @inheritdoc */
  async transition(
    file: RestoreFileRef,
    from: readonly RestoreFileStatus[],
    to: RestoreFileStatus,
    changes: RestoreFileChanges,
    staleBefore?: string,
  ): Promise<boolean> {
    const names: Record<string, string> = { '#c_status': 'status' };
    const values: Record<string, unknown> = {};
    const conds = from.map((s, i) => {
      values[`:c_from${i}`] = s;
      return `#c_status = :c_from${i}`;
    });
    if (staleBefore !== undefined) {
      names['#c_since'] = 'extracting_since';
      values[':c_extracting'] = 'EXTRACTING';
      values[':c_stale'] = staleBefore;
      conds.push('(#c_status = :c_extracting AND #c_since < :c_stale)');
    }
    const parts = updateExpression({ set: { ...changes, status: to } });
    return this.update(
      { pk: restorePk(file.restore_id), sk: fileSk(file.bundle_key, file.n) },
      parts,
      `attribute_exists(pk) AND (${conds.join(' OR ')})`,
      names,
      values,
    );
  }

  /**
   * One TransactWriteItems: the file's conditional status change and the request's counter ADD.
   * A cancelled transaction whose file condition failed wrote nothing (the file moved on).
   * @inheritdoc
   */
  async settle(
    file: RestoreFileRef,
    from: readonly RestoreFileStatus[],
    to: 'AVAILABLE' | 'FAILED',
    changes: RestoreFileChanges,
    counter: RestoreCounter,
    now: string,
  ): Promise<RestoreRequestRecord | undefined> {
    const values: Record<string, unknown> = {};
    const conds = from.map((s, i) => {
      values[`:c_from${i}`] = s;
      return `#c_status = :c_from${i}`;
    });
    const fileParts = updateExpression({ set: { ...changes, status: to } });
    const countParts = updateExpression({ set: { updated_at: now }, add: { [counter]: 1 } });
    try {
      await this.dynamo.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.table,
                Key: { pk: restorePk(file.restore_id), sk: fileSk(file.bundle_key, file.n) },
                UpdateExpression: fileParts.UpdateExpression,
                ConditionExpression: `attribute_exists(pk) AND (${conds.join(' OR ')})`,
                ExpressionAttributeNames: { ...fileParts.ExpressionAttributeNames, '#c_status': 'status' },
                ExpressionAttributeValues: { ...fileParts.ExpressionAttributeValues, ...values },
              },
            },
            {
              Update: {
                TableName: this.table,
                Key: { pk: restorePk(file.restore_id), sk: REQUEST_SK },
                ...countParts,
                ConditionExpression: 'attribute_exists(pk)',
              },
            },
          ],
        }),
      );
    } catch (err) {
      if (awsErrorName(err) === 'TransactionCanceledException') return undefined;
      throw err;
    }
    return this.getRequest(file.restore_id);
  }

  /** @inheritdoc */
  async count(restoreId: string, counter: RestoreCounter, now: string): Promise<RestoreRequestRecord> {
    const parts = updateExpression({ set: { updated_at: now }, add: { [counter]: 1 } });
    const res = await this.dynamo.send(
      new UpdateCommand({ TableName: this.table, Key: { pk: restorePk(restoreId), sk: REQUEST_SK }, ...parts, ReturnValues: 'ALL_NEW' }),
    );
    return record<RestoreRequestRecord>(res.Attributes ?? {});
  }

  /** @inheritdoc */
  async finish(restoreId: string, status: RestoreFinalStatus, now: string): Promise<boolean> {
    const parts = updateExpression({ set: { status, finished_at: now, updated_at: now } });
    return this.update(
      { pk: restorePk(restoreId), sk: REQUEST_SK },
      parts,
      'attribute_exists(pk) AND attribute_not_exists(#c_finished)',
      { '#c_finished': 'finished_at' },
      {},
    );
  }

  /** @inheritdoc */
  async markNotified(restoreId: string, now: string): Promise<void> {
    await this.dynamo.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: restorePk(restoreId), sk: REQUEST_SK },
        ...updateExpression({ set: { notified_at: now }, remove: ['notify_error'] }),
      }),
    );
  }

  /** @inheritdoc */
  async markNotifyFailed(restoreId: string, error: string): Promise<void> {
    await this.dynamo.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: restorePk(restoreId), sk: REQUEST_SK },
        ...updateExpression({ set: { notify_error: error }, add: { notify_attempts: 1 } }),
      }),
    );
  }

  /** @inheritdoc */
  async open(restoreId: string, now: string): Promise<void> {
    await this.dynamo.send(new PutCommand({ TableName: this.table, Item: { pk: OPEN_PK, sk: restoreId, restore_id: restoreId, opened_at: now } }));
  }

  /** @inheritdoc */
  async close(restoreId: string): Promise<void> {
    await this.dynamo.send(new DeleteCommand({ TableName: this.table, Key: { pk: OPEN_PK, sk: restoreId } }));
  }

  /** @inheritdoc */
  async openRequests(): Promise<OpenRestore[]> {
    const items = await queryAll<{ sk: string; opened_at?: string }>(this.dynamo, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :p',
      ExpressionAttributeValues: { ':p': OPEN_PK },
    });
    return items.map((it) => ({ restoreId: String(it.sk), openedAt: String(it.opened_at ?? '') }));
  }
}
