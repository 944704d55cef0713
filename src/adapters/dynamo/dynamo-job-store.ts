/**
 * The {@link JobStore} port on DynamoDB (the jobs table, pk + sk):
 * - job `ARCHIVE#<job_id>` / `JOB`; shards `ARCHIVE#<job_id>` / `SHARD#<00000>`;
 * - idempotency keys `IDEMP#<key>` / `KEY`;
 * - source locks `LOCK#<bucket>` / `<scope>` (overlapping scopes conflict, checked by the caller);
 * - period index `PERIOD#<project>#<yyyy-mm>` / `<job_id>`.
 * Usage records of the same jobs live beside them (`src/adapters/dynamo/dynamo-usage-store.ts`).
 */
import { GetCommand, PutCommand, UpdateCommand, DeleteCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CreateResult, HeldLock, JobChanges, JobItem, ShardItem, SourceLock } from '../../domain/archive-job.js';
import { SourceLockedError } from '../../domain/archive-job.js';
import { awsErrorName, isConditionalCheckFailed } from '../../domain/errors.js';
import type { JobStore } from '../../domain/ports/job-store.js';
import { queryAll, queryPrefix } from './query-all.js';
import { updateExpression } from './update-expression.js';

/** Partition key of a job and its shards and usage records: `ARCHIVE#<job_id>`. */
export const jobPk = (id: string): string => `ARCHIVE#${id}`;
const shardSk = (n: number): string => `SHARD#${String(n).padStart(5, '0')}`;

/** {@link JobStore} on a DynamoDB table (the client and table come from the composition root). */
export class DynamoJobStore implements JobStore {
  /** @param dynamo document client; @param table jobs table name */
  constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** @inheritdoc */
  async get(jobId: string): Promise<JobItem | undefined> {
    const res = await this.dynamo.send(new GetCommand({ TableName: this.table, Key: { pk: jobPk(jobId), sk: 'JOB' }, ConsistentRead: true }));
    return res.Item as JobItem | undefined;
  }

  /** @inheritdoc */
  async jobForKey(idempotencyKey: string): Promise<string | undefined> {
    const res = await this.dynamo.send(new GetCommand({ TableName: this.table, Key: { pk: `IDEMP#${idempotencyKey}`, sk: 'KEY' }, ConsistentRead: true }));
    return res.Item?.job_id as string | undefined;
  }

  /** @inheritdoc */
  async overlappingLocks(lock: SourceLock): Promise<HeldLock[]> {
    const items = await queryAll<{ sk: string; job_id: string }>(this.dynamo, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :p',
      ExpressionAttributeValues: { ':p': `LOCK#${lock.bucket}` },
      ConsistentRead: true,
    });
    return items.filter((i) => i.sk.startsWith(lock.scope) || lock.scope.startsWith(i.sk)).map((i) => ({ scope: i.sk, job_id: i.job_id }));
  }

  /**
   * One TransactWriteItems: the job (new), the lock (new), the idempotency key (new, or taken over
   * from `replaceKeyOf`) and the period entry. A cancelled transaction is the idempotency key's
   * holder when it names another job, else the lock's.
   * @inheritdoc
   */
  async create(job: JobItem, lock: SourceLock, replaceKeyOf?: string): Promise<CreateResult> {
    const items: Record<string, unknown>[] = [];
    items.push({ Put: { TableName: this.table, Item: { pk: jobPk(job.job_id), sk: 'JOB', ...job }, ConditionExpression: 'attribute_not_exists(pk)' } });
    items.push({
      Put: { TableName: this.table, Item: { pk: `LOCK#${lock.bucket}`, sk: lock.scope, job_id: job.job_id }, ConditionExpression: 'attribute_not_exists(pk)' },
    });
    if (job.idempotency_key) {
      items.push({
        Put: {
          TableName: this.table,
          Item: { pk: `IDEMP#${job.idempotency_key}`, sk: 'KEY', job_id: job.job_id },
          ConditionExpression: replaceKeyOf ? 'attribute_not_exists(pk) OR job_id = :old' : 'attribute_not_exists(pk)',
          ...(replaceKeyOf ? { ExpressionAttributeValues: { ':old': replaceKeyOf } } : {}),
        },
      });
    }
    if (job.request.period) {
      items.push({ Put: { TableName: this.table, Item: { pk: `PERIOD#${job.request.project}#${job.request.period}`, sk: job.job_id, job_id: job.job_id } } });
    }
    try {
      // The job id as client token: a retry of a call whose answer was lost is recognised by DynamoDB
      // for 10 minutes (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html).
      await this.dynamo.send(new TransactWriteCommand({ TransactItems: items as never, ClientRequestToken: job.job_id }));
      return { created: true, job };
    } catch (err) {
      if (awsErrorName(err) !== 'TransactionCanceledException') throw err;
      // A retried call whose first attempt was written (its answer lost, past the token's window or
      // on an emulator without tokens) finds its own items: the job was created.
      if (await this.isOwnWrite(job)) return { created: true, job };
      if (job.idempotency_key) {
        const existing = await this.jobForKey(job.idempotency_key);
        const other = existing && existing !== replaceKeyOf ? await this.get(existing) : undefined;
        if (other) return { created: false, job: other };
      }
      throw new SourceLockedError(lock, err);
    }
  }

  /** Whether the job item exists and is this very job (same id and creation time): the transaction was ours. */
  private async isOwnWrite(job: JobItem): Promise<boolean> {
    const stored = await this.get(job.job_id);
    return stored !== undefined && stored.created_at === job.created_at && stored.generation === job.generation;
  }

  /**
   * One TransactWriteItems: the job's conditional update (`updated_at` unchanged) and the lock's
   * Put (absent, or already this job's). A cancelled transaction is the lock's holder when the lock
   * names another job, else the job moved on.
   * @inheritdoc
   */
  async takeOver(jobId: string, seenUpdatedAt: string, lock: SourceLock, now: string): Promise<boolean> {
    // batch_refs removed: the resumed run gets its own AWS Batch chain (the job-state handler chains once per refs).
    const parts = updateExpression({ set: { status: 'QUEUED', heartbeat_at: now, updated_at: now }, remove: ['batch_refs'] });
    try {
      await this.dynamo.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.table,
                Key: { pk: jobPk(jobId), sk: 'JOB' },
                UpdateExpression: parts.UpdateExpression,
                ConditionExpression: '#c_u = :c_seen',
                ExpressionAttributeNames: { ...parts.ExpressionAttributeNames, '#c_u': 'updated_at' },
                ExpressionAttributeValues: { ...parts.ExpressionAttributeValues, ':c_seen': seenUpdatedAt },
              },
            },
            {
              Put: {
                TableName: this.table,
                Item: { pk: `LOCK#${lock.bucket}`, sk: lock.scope, job_id: jobId },
                ConditionExpression: 'attribute_not_exists(pk) OR job_id = :c_j',
                ExpressionAttributeValues: { ':c_j': jobId },
              },
            },
          ] as never,
        }),
      );
      return true;
    } catch (err) {
      if (awsErrorName(err) !== 'TransactionCanceledException') throw err;
      const holder = await this.dynamo.send(
        new GetCommand({ TableName: this.table, Key: { pk: `LOCK#${lock.bucket}`, sk: lock.scope }, ConsistentRead: true }),
      );
      const other = holder.Item?.job_id as string | undefined;
      if (other !== undefined && other !== jobId) throw new SourceLockedError(lock, err);
      return false;
    }
  }

  /** @inheritdoc */
  async releaseLock(lock: SourceLock, jobId: string): Promise<void> {
    try {
      await this.dynamo.send(
        new DeleteCommand({
          TableName: this.table,
          Key: { pk: `LOCK#${lock.bucket}`, sk: lock.scope },
          ConditionExpression: 'job_id = :j',
          ExpressionAttributeValues: { ':j': jobId },
        }),
      );
    } catch (err) {
      if (!isConditionalCheckFailed(err)) throw err;
    }
  }

  /** @inheritdoc */
  async jobsForPeriod(project: string, period: string): Promise<string[]> {
    const items = await queryAll<{ job_id: string }>(this.dynamo, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :p',
      ExpressionAttributeValues: { ':p': `PERIOD#${project}#${period}` },
    });
    return items.map((i) => i.job_id);
  }

  /** @inheritdoc */
  async update(jobId: string, changes: JobChanges): Promise<void> {
    await this.dynamo.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: jobPk(jobId), sk: 'JOB' },
        ...updateExpression({ set: { ...changes, updated_at: new Date().toISOString() } }),
      }),
    );
  }

  /** UpdateItem ADD on `n_<name>`, conditional on the job existing. @inheritdoc */
  async addCounters(jobId: string, counters: Readonly<Record<string, number>>): Promise<void> {
    const add = Object.fromEntries(
      Object.entries(counters)
        .filter(([, v]) => v !== 0)
        .map(([k, v]) => [`n_${k}`, v]),
    );
    if (Object.keys(add).length === 0) return;
    await this.dynamo.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: jobPk(jobId), sk: 'JOB' },
        ...updateExpression({ add }),
        ConditionExpression: 'attribute_exists(pk)',
      }),
    );
  }

  /** @inheritdoc */
  async putShard(jobId: string, shard: ShardItem): Promise<void> {
    await this.dynamo.send(new PutCommand({ TableName: this.table, Item: { pk: jobPk(jobId), sk: shardSk(shard.shard), ...shard } }));
  }

  /** @inheritdoc */
  async getShard(jobId: string, shard: number): Promise<ShardItem | undefined> {
    const res = await this.dynamo.send(new GetCommand({ TableName: this.table, Key: { pk: jobPk(jobId), sk: shardSk(shard) }, ConsistentRead: true }));
    return res.Item as ShardItem | undefined;
  }

  /** @inheritdoc */
  async shards(jobId: string): Promise<ShardItem[]> {
    return queryPrefix<ShardItem>(this.dynamo, this.table, jobPk(jobId), 'SHARD#');
  }
}
