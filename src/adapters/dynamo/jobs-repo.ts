import {
  GetCommand,
  PutCommand,
  UpdateCommand,
  DeleteCommand,
  TransactWriteCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { awsErrorName, isConditionalCheckFailed } from '../../domain/errors.js';
import { queryAll, queryPrefix } from './query-all.js';
import type { JobStatus } from '../../domain/model.js';
import type { ArchiveRequest } from '../../domain/archive-request.js';

/** The archive job item (jobs table, pk `ARCHIVE#<job_id>`, sk `JOB`). Counters are top-level numbers named `n_*`. */
export interface JobItem {
  readonly job_id: string;
  readonly status: JobStatus;
  readonly request: ArchiveRequest;
  /** Archive generation timestamp (ISO 8601) used in every index item's sort key. */
  readonly generation: string;
  readonly created_at: string;
  readonly updated_at: string;
  readonly started_at?: string;
  readonly finished_at?: string;
  /** Number of shards once planned. */
  readonly shard_count?: number;
  /** Why the job failed or is partial: stable code and message (first 20). */
  readonly errors?: JobError[];
  readonly report_key?: string;
  readonly idempotency_key?: string;
  /** Counters (files and bytes): n_files_listed, n_bytes_listed, n_folder_markers, n_files_archived, ... */
  readonly [counter: `n_${string}`]: number | undefined;
}

/** A shard item (pk `ARCHIVE#<job_id>`, sk `SHARD#<00000>`). */
export interface ShardItem {
  readonly shard: number;
  readonly status: 'PLANNED' | 'DONE';
  readonly files: number;
  readonly bytes: number;
  readonly first_key?: string;
  readonly last_key?: string;
  readonly bundles?: number;
  readonly archived_files?: number;
  readonly archived_bytes?: number;
  readonly skipped_count?: number;
  /** First 100 skipped objects with their reasons. */
  readonly skipped?: Array<{ key: string; reason: string; detail: string }>;
}

const jobPk = (id: string): string => `ARCHIVE#${id}`;

/** One recorded job error: a stable code (e.g. QC_MISMATCH, INTEGRITY_ERROR, VERIFY_FAILED) and a message. */
export interface JobError {
  readonly code: string;
  readonly message: string;
}

/** A job error from anything thrown: ColdpackErrors keep their code; others are `INTERNAL` with their name. */
export function jobErrorOf(err: unknown, context = ''): JobError {
  const code = err && typeof err === 'object' && 'code' in err && typeof (err as { code: unknown }).code === 'string' ? (err as { code: string }).code : 'INTERNAL';
  const message = err instanceof Error ? (code === 'INTERNAL' ? `${err.name}: ${err.message}` : err.message) : String(err);
  return { code, message: `${context}${message}`.slice(0, 2000) };
}

/** What a running job locks: a bucket and a scope in it (the raw prefix, or the manifest key). */
export interface SourceLock {
  readonly bucket: string;
  readonly scope: string;
}
const shardSk = (n: number): string => `SHARD#${String(n).padStart(5, '0')}`;

/** Result of {@link JobsRepo.create}: the job created, or the one an idempotency key already points to. */
export type CreateResult = { created: true; job: JobItem } | { created: false; job: JobItem };

/**
 * Jobs table access for archive jobs: job items, shard items, idempotency keys (`IDEMP#<key>`),
 * per-source locks (pk `LOCK#<bucket>`, sk the prefix; overlapping prefixes conflict) and the period index (`PERIOD#<project>#<yyyy-mm>`).
 */
export class JobsRepo {
  /** @param dynamo document client; @param table jobs table name */
  constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** The job, or undefined. Strongly consistent. */
  async get(jobId: string): Promise<JobItem | undefined> {
    const res = await this.dynamo.send(new GetCommand({ TableName: this.table, Key: { pk: jobPk(jobId), sk: 'JOB' }, ConsistentRead: true }));
    return res.Item as JobItem | undefined;
  }

  /** Job id an idempotency key points to, if any. */
  async jobForKey(idempotencyKey: string): Promise<string | undefined> {
    const res = await this.dynamo.send(new GetCommand({ TableName: this.table, Key: { pk: `IDEMP#${idempotencyKey}`, sk: 'KEY' }, ConsistentRead: true }));
    return res.Item?.job_id as string | undefined;
  }

  /**
   * Locks held on a bucket whose scope overlaps `scope`: one is a prefix of the other (`k3` and
   * `k3/` overlap, `a/` and `b/` do not).
   */
  async overlappingLocks(lock: SourceLock): Promise<Array<{ scope: string; job_id: string }>> {
    const items = await queryAll<{ sk: string; job_id: string }>(this.dynamo, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :p',
      ExpressionAttributeValues: { ':p': `LOCK#${lock.bucket}` },
      ConsistentRead: true,
    });
    return items.filter((i) => i.sk.startsWith(lock.scope) || lock.scope.startsWith(i.sk)).map((i) => ({ scope: i.sk, job_id: i.job_id }));
  }

  /**
   * Create a job atomically with its idempotency key (if any), its source lock and period entry.
   * @param replaceKeyOf when set, the idempotency key may be taken over from this (FAILED) job
   * @returns `{created:false, job}` when the idempotency key already names a job (no write)
   * @throws the TransactionCanceledException when the source lock is held (caller re-reads the holder)
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
      await this.dynamo.send(new TransactWriteCommand({ TransactItems: items as never }));
      return { created: true, job };
    } catch (err) {
      if (awsErrorName(err) !== 'TransactionCanceledException' || !job.idempotency_key) throw err;
      const existing = await this.jobForKey(job.idempotency_key);
      const other = existing && existing !== replaceKeyOf ? await this.get(existing) : undefined;
      if (other) return { created: false, job: other };
      throw err;
    }
  }

  /** Release a source lock if this job holds it. */
  async releaseLock(lock: SourceLock, jobId: string): Promise<void> {
    try {
      await this.dynamo.send(
        new DeleteCommand({ TableName: this.table, Key: { pk: `LOCK#${lock.bucket}`, sk: lock.scope }, ConditionExpression: 'job_id = :j', ExpressionAttributeValues: { ':j': jobId } }),
      );
    } catch (err) {
      if (!isConditionalCheckFailed(err)) throw err;
    }
  }

  /** Job ids recorded for a project and period (`yyyy-mm`). */
  async jobsForPeriod(project: string, period: string): Promise<string[]> {
    const items = await queryAll<{ job_id: string }>(this.dynamo, { TableName: this.table, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': `PERIOD#${project}#${period}` } });
    return items.map((i) => i.job_id);
  }

  /** Set status and other top-level fields (updated_at is set too). */
  async update(jobId: string, fields: Record<string, unknown>): Promise<void> {
    const all = { ...fields, updated_at: new Date().toISOString() };
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const sets = Object.entries(all).map(([k, v], i) => {
      names[`#f${i}`] = k;
      values[`:f${i}`] = v;
      return `#f${i} = :f${i}`;
    });
    await this.dynamo.send(
      new UpdateCommand({ TableName: this.table, Key: { pk: jobPk(jobId), sk: 'JOB' }, UpdateExpression: `SET ${sets.join(', ')}`, ExpressionAttributeNames: names, ExpressionAttributeValues: values }),
    );
  }

  /** Add to numeric counters of the job item (`n_<name>`), atomically (UpdateItem ADD). */
  async addCounters(jobId: string, counters: Record<string, number>): Promise<void> {
    const entries = Object.entries(counters).filter(([, v]) => v !== 0);
    if (entries.length === 0) return;
    await this.dynamo.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: jobPk(jobId), sk: 'JOB' },
        UpdateExpression: `ADD ${entries.map((_, i) => `#c${i} :c${i}`).join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(entries.map(([k], i) => [`#c${i}`, `n_${k}`])),
        ExpressionAttributeValues: Object.fromEntries(entries.map(([, v], i) => [`:c${i}`, v])),
        ConditionExpression: 'attribute_exists(pk)',
      }),
    );
  }

  /** Write a shard item (overwrites). */
  async putShard(jobId: string, shard: ShardItem): Promise<void> {
    await this.dynamo.send(new PutCommand({ TableName: this.table, Item: { pk: jobPk(jobId), sk: shardSk(shard.shard), ...shard } }));
  }

  /** One shard item, or undefined. */
  async getShard(jobId: string, shard: number): Promise<ShardItem | undefined> {
    const res = await this.dynamo.send(new GetCommand({ TableName: this.table, Key: { pk: jobPk(jobId), sk: shardSk(shard) }, ConsistentRead: true }));
    return res.Item as ShardItem | undefined;
  }

  /** All shard items of a job in shard order (paginated internally; a job has at most thousands). */
  async shards(jobId: string): Promise<ShardItem[]> {
    return queryPrefix<ShardItem>(this.dynamo, this.table, jobPk(jobId), 'SHARD#');
  }
}
