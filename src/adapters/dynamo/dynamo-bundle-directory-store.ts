/**
 * The {@link BundleDirectoryStore} port on DynamoDB. Directory entries are the COMMITTED items of
 * the bundles table, found through its sparse GSI `by_range` (pk `<source bucket>#<job_id>`, sk the
 * max key cut to 250 code points; projection ALL); scopes and the archived-bucket list are items of the
 * jobs table (keys in `directory-keys.ts`).
 *
 * Lookup of key k in a job: Query `by_range` with sk ≥ trunc(k). A sorted job's bundles are disjoint
 * and ordered, so the first entry whose max key is ≥ k is the only one that can hold k: the Query
 * reads 4 items a page and stops there (one request in the common case). An unsorted job's entries
 * are filtered (`min_key ≤ k ≤ max_key`) over every entry whose max key is ≥ k.
 *
 * Lookup of key k in a bucket (every job, no scopes): one Query of `by_bucket` with sk ≥ trunc(k)
 * and the filter `min_key ≤ k`, without a Limit: DynamoDB reads up to 1 MB of index items a request
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.Pagination.html), so
 * when the bucket's entries from k on fit one page, that one request answers with every generation.
 */
import { PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient, type QueryCommandInput, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { BundleDirectoryEntry, JobScope } from '../../domain/catalog.js';
import { compareKeys, rangeMayHoldPrefix } from '../../domain/keys.js';
import type { BundleDirectoryStore } from '../../domain/ports/bundle-directory-store.js';
import {
  ARCHIVED_BUCKETS_PK,
  BUNDLES_BY_BUCKET_INDEX,
  BUNDLES_BY_RANGE_INDEX,
  DIRECTORY_ENTRY_ATTRIBUTES,
  directoryAttributes,
  directoryPk,
  directorySk,
  scopePk,
} from './directory-keys.js';
import { queryAll } from './query-all.js';
import { updateExpression } from './update-expression.js';

/** Items a page when looking for the one bundle of a sorted job that can hold a key. */
const SORTED_PAGE = 4;
/** Items a page when walking a job's directory. */
const RANGE_PAGE = 100;

const ENTRY_FIELDS = ['bundle_key', 'source_bucket', ...DIRECTORY_ENTRY_ATTRIBUTES] as const;

/** The directory entry of a bundle item (attributes outside the entry dropped). */
function toEntry(item: Record<string, unknown>): BundleDirectoryEntry {
  const out: Record<string, unknown> = {};
  for (const f of ENTRY_FIELDS) if (item[f] !== undefined) out[f] = item[f];
  return out as unknown as BundleDirectoryEntry;
}

function toScope(item: Record<string, unknown>): JobScope {
  return {
    bucket: String(item.bucket),
    job_id: String(item.job_id),
    project: String(item.project),
    generation: String(item.generation),
    min_key: String(item.min_key),
    max_key: String(item.max_key),
    sorted: item.sorted === true,
    files: Number(item.files ?? 0),
    catalog: item.catalog === 'per_file' ? 'per_file' : 'compact',
  };
}

/** {@link BundleDirectoryStore} on the bundles table (GSI `by_range`) and the jobs table. */
export class DynamoBundleDirectoryStore implements BundleDirectoryStore {
  /** @param dynamo document client; @param tables the jobs and bundles table names */
  constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly tables: { readonly jobs: string; readonly bundles: string },
  ) {}

  /** Two PutItems: the scope, and the bucket in the archived-bucket list. @inheritdoc */
  async putScope(scope: JobScope): Promise<void> {
    await this.dynamo.send(new PutCommand({ TableName: this.tables.jobs, Item: { pk: scopePk(scope.bucket), sk: scope.job_id, ...scope } }));
    await this.dynamo.send(new PutCommand({ TableName: this.tables.jobs, Item: { pk: ARCHIVED_BUCKETS_PK, sk: scope.bucket, bucket: scope.bucket } }));
  }

  private partition(pk: string): Promise<Record<string, unknown>[]> {
    return queryAll<Record<string, unknown>>(this.dynamo, {
      TableName: this.tables.jobs,
      KeyConditionExpression: 'pk = :p',
      ExpressionAttributeValues: { ':p': pk },
      ConsistentRead: true,
    });
  }

  /** One Query of the bucket's scope partition (all pages); without a bucket, first the archived-bucket list. @inheritdoc */
  async scopes(bucket?: string): Promise<JobScope[]> {
    const buckets = bucket !== undefined ? [bucket] : (await this.partition(ARCHIVED_BUCKETS_PK)).map((i) => String(i.sk));
    const out: JobScope[] = [];
    for (const b of buckets) for (const item of await this.partition(scopePk(b))) out.push(toScope(item));
    return out;
  }

  /** A Query of the job's entries whose sort key is ≥ `from` (every entry for '': DynamoDB refuses an empty key value). */
  private query(scope: JobScope, from: string, extra: Partial<QueryCommandInput> = {}): QueryCommandInput {
    const all = from === '';
    return {
      TableName: this.tables.bundles,
      IndexName: BUNDLES_BY_RANGE_INDEX,
      KeyConditionExpression: all ? 'dir_pk = :pk' : 'dir_pk = :pk AND dir_sk >= :sk',
      ...extra,
      ExpressionAttributeValues: {
        ':pk': directoryPk(scope.bucket, scope.job_id),
        ...(all ? {} : { ':sk': directorySk(from) }),
        ...(extra.ExpressionAttributeValues ?? {}),
      },
    };
  }

  /** @inheritdoc */
  async containing(scope: JobScope, key: string): Promise<BundleDirectoryEntry[]> {
    if (!scope.sorted) {
      const items = await queryAll<Record<string, unknown>>(
        this.dynamo,
        this.query(scope, key, { FilterExpression: 'min_key <= :k AND max_key >= :k', ExpressionAttributeValues: { ':k': key } }),
      );
      // DynamoDB compares strings by UTF-8 bytes, as S3 orders keys; checked again here.
      return items.map(toEntry).filter((e) => compareKeys(e.min_key, key) <= 0 && compareKeys(key, e.max_key) <= 0);
    }
    // Sorted: the first entry with max ≥ key decides; entries whose cut sort key ties with it are read too.
    let threshold: string | undefined;
    const out: BundleDirectoryEntry[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.dynamo.send(new QueryCommand({ ...this.query(scope, key, { Limit: SORTED_PAGE }), ExclusiveStartKey: start }));
      for (const item of res.Items ?? []) {
        if (threshold !== undefined && String(item.dir_sk) !== threshold) return out;
        const e = toEntry(item);
        if (compareKeys(e.max_key, key) < 0) continue;
        threshold ??= String(item.dir_sk);
        if (compareKeys(e.min_key, key) <= 0) out.push(e);
      }
      start = res.LastEvaluatedKey;
    } while (start);
    return out;
  }

  /** One Query of `by_bucket`; `undefined` when it is not the last page. @inheritdoc */
  async holdingInBucket(bucket: string, keys: readonly string[]): Promise<BundleDirectoryEntry[] | undefined> {
    if (keys.length === 0) return [];
    const sorted = [...keys].sort(compareKeys);
    const res = await this.sendUnlessIndexUnavailable(
      new QueryCommand({
        TableName: this.tables.bundles,
        IndexName: BUNDLES_BY_BUCKET_INDEX,
        KeyConditionExpression: 'source_bucket = :b AND dir_sk >= :sk',
        FilterExpression: 'min_key <= :hi',
        ExpressionAttributeValues: { ':b': bucket, ':sk': directorySk(sorted[0]!), ':hi': sorted.at(-1)! },
      }),
    );
    if (res === undefined || res.LastEvaluatedKey) return undefined;
    // DynamoDB compares strings by UTF-8 bytes, as S3 orders keys; checked again here per key.
    return (res.Items ?? []).map(toEntry).filter((e) => sorted.some((k) => compareKeys(e.min_key, k) <= 0 && compareKeys(k, e.max_key) <= 0));
  }

  /**
   * Send a `by_bucket` Query, or answer `undefined` when the index cannot be read yet: a table made
   * before the index existed (`ValidationException: The table does not have the specified index`;
   * moto: `ResourceNotFoundException: Invalid index`) or
   * while DynamoDB builds it after a stack update (`Cannot read from backfilling global secondary
   * index`; https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.OnlineOps.html).
   * The caller then goes job by job, as it does for a large directory.
   */
  private async sendUnlessIndexUnavailable(command: QueryCommand): Promise<QueryCommandOutput | undefined> {
    try {
      return await this.dynamo.send(command);
    } catch (err) {
      const e = err as { name?: string; message?: string };
      const refused = e.name === 'ValidationException' || e.name === 'ResourceNotFoundException';
      if (refused && /specified index|backfilling|invalid index/i.test(e.message ?? '')) return undefined;
      throw err;
    }
  }

  /** @inheritdoc */
  async *overlapping(scope: JobScope, prefix: string): AsyncGenerator<BundleDirectoryEntry> {
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.dynamo.send(new QueryCommand({ ...this.query(scope, prefix, { Limit: RANGE_PAGE }), ExclusiveStartKey: start }));
      for (const item of res.Items ?? []) {
        const e = toEntry(item);
        if (rangeMayHoldPrefix(prefix, e.min_key, e.max_key)) yield e;
        // A sorted job's later bundles start after this one: past the prefix, nothing more can match.
        else if (scope.sorted && prefix !== '' && compareKeys(e.min_key, prefix) > 0) return;
      }
      start = res.LastEvaluatedKey;
    } while (start);
  }

  /** One UpdateItem: directory attributes and state COMMITTED set, other attributes (restore state) kept. @inheritdoc */
  async putEntry(entry: BundleDirectoryEntry): Promise<void> {
    const { bundle_key: bundleKey, ...rest } = entry;
    const set = { ...rest, state: 'COMMITTED', ...directoryAttributes({ ...entry, state: 'COMMITTED' }) };
    await this.dynamo.send(new UpdateCommand({ TableName: this.tables.bundles, Key: { bundle_key: bundleKey }, ...updateExpression({ set }) }));
  }
}
