/**
 * Restore request items in the `jobs` table (layout in `types.ts`). Status changes of a file are
 * conditional updates, so a file is extracted by one worker even when an event, the reconciler and
 * the submitting process race for it.
 */
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed } from '../domain/errors.js';
import type { RestoreFileStatus } from '../api/ports.js';
import { batchPut } from '../adapters/dynamo/batch-write.js';
import { OPEN_PK, REQUEST_SK, bundleFilesPrefix, restorePk, type RestoreFileItem, type RestoreFinalStatus, type RestoreRequestItem } from './types.js';
import { queryAll, queryPrefix } from '../adapters/dynamo/query-all.js';

/** Counters kept on the request item (atomic ADD). */
export type RestoreCounter = 'files_available' | 'files_failed';


/** Data access for restore requests. */
export class RestoreStore {
  /** @param dynamo document client; @param table jobs table name */
  constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** Create the request item. @returns false when a request with this id already exists */
  async createRequest(item: RestoreRequestItem): Promise<boolean> {
    try {
      await this.dynamo.send(new PutCommand({ TableName: this.table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
      return true;
    } catch (err) {
      if (isConditionalCheckFailed(err)) return false;
      throw err;
    }
  }

  /** Write file items (BatchWriteItem, 25 a call). */
  async putFiles(items: readonly RestoreFileItem[]): Promise<void> {
    await batchPut(this.dynamo, this.table, items as unknown as Record<string, unknown>[]);
  }

  /** Mark the request open for the reconciler. */
  async open(restoreId: string, now: string): Promise<void> {
    await this.dynamo.send(new PutCommand({ TableName: this.table, Item: { pk: OPEN_PK, sk: restoreId, restore_id: restoreId, opened_at: now } }));
  }

  /** Remove the open marker (request finished and notified). */
  async close(restoreId: string): Promise<void> {
    await this.dynamo.send(new DeleteCommand({ TableName: this.table, Key: { pk: OPEN_PK, sk: restoreId } }));
  }

  /** Open requests with the time their marker was written (one partition, all pages). */
  async openMarkers(): Promise<{ id: string; openedAt: string }[]> {
    const items = await queryAll<{ sk: string; opened_at?: string }>(this.dynamo, { TableName: this.table, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': OPEN_PK } });
    return items.map((it) => ({ id: String(it.sk), openedAt: String(it.opened_at ?? '') }));
  }

  /** The request item, or undefined. */
  async getRequest(restoreId: string): Promise<RestoreRequestItem | undefined> {
    const res = await this.dynamo.send(new GetCommand({ TableName: this.table, Key: { pk: restorePk(restoreId), sk: REQUEST_SK }, ConsistentRead: true }));
    return res.Item as RestoreRequestItem | undefined;
  }

  private query(restoreId: string, skPrefix: string): Promise<RestoreFileItem[]> {
    return queryPrefix<RestoreFileItem>(this.dynamo, this.table, restorePk(restoreId), skPrefix);
  }

  /** Every file of a request, in request order. */
  async files(restoreId: string): Promise<RestoreFileItem[]> {
    return (await this.query(restoreId, 'FILE#')).sort((a, b) => a.n - b.n);
  }

  /** The files of one bundle in one request. */
  async filesOfBundle(restoreId: string, bundleKey: string): Promise<RestoreFileItem[]> {
    return this.query(restoreId, bundleFilesPrefix(bundleKey));
  }

  /**
   * Move a file to `to` if its status is one of `from` (or it is EXTRACTING since before
   * `staleBefore`, when given), setting `fields` too.
   * @returns whether the change was made
   */
  async transition(
    file: Pick<RestoreFileItem, 'pk' | 'sk'>,
    from: readonly RestoreFileStatus[],
    to: RestoreFileStatus,
    fields: Record<string, unknown>,
    staleBefore?: string,
  ): Promise<boolean> {
    const names: Record<string, string> = { '#st': 'status' };
    const values: Record<string, unknown> = { ':to': to };
    const sets = ['#st = :to'];
    Object.entries(fields).forEach(([k, v], i) => {
      names[`#f${i}`] = k;
      values[`:f${i}`] = v;
      sets.push(`#f${i} = :f${i}`);
    });
    const conds = from.map((s, i) => {
      values[`:from${i}`] = s;
      return `#st = :from${i}`;
    });
    if (staleBefore !== undefined) {
      names['#es'] = 'extracting_since';
      values[':ext'] = 'EXTRACTING';
      values[':stale'] = staleBefore;
      conds.push('(#st = :ext AND #es < :stale)');
    }
    try {
      await this.dynamo.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: file.pk, sk: file.sk },
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: `attribute_exists(pk) AND (${conds.join(' OR ')})`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (err) {
      if (isConditionalCheckFailed(err)) return false;
      throw err;
    }
  }

  /** Add 1 to a counter. @returns the request item after the update */
  async count(restoreId: string, counter: RestoreCounter, now: string): Promise<RestoreRequestItem> {
    const res = await this.dynamo.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: restorePk(restoreId), sk: REQUEST_SK },
        UpdateExpression: 'ADD #c :one SET updated_at = :now',
        ExpressionAttributeNames: { '#c': counter },
        ExpressionAttributeValues: { ':one': 1, ':now': now },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return res.Attributes as RestoreRequestItem;
  }

  /** Record the final status once. @returns false when it was already recorded */
  async finish(restoreId: string, status: RestoreFinalStatus, now: string): Promise<boolean> {
    try {
      await this.dynamo.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: restorePk(restoreId), sk: REQUEST_SK },
          UpdateExpression: 'SET #st = :s, finished_at = :now, updated_at = :now',
          ConditionExpression: 'attribute_not_exists(finished_at)',
          ExpressionAttributeNames: { '#st': 'status' },
          ExpressionAttributeValues: { ':s': status, ':now': now },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionalCheckFailed(err)) return false;
      throw err;
    }
  }

  /** Record the notification outcome (`error` undefined = delivered). */
  async notified(restoreId: string, now: string, error?: string): Promise<void> {
    await this.dynamo.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: restorePk(restoreId), sk: REQUEST_SK },
        UpdateExpression: error === undefined ? 'SET notified_at = :now REMOVE notify_error' : 'SET notify_error = :e',
        ExpressionAttributeValues: error === undefined ? { ':now': now } : { ':e': error },
      }),
    );
  }
}
