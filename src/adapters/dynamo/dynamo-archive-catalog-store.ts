/**
 * {@link ArchiveCatalogStore} on DynamoDB: archive job items of the `jobs` table (pk
 * `ARCHIVE#<job_id>`, sk `JOB`), bundle items of the `bundles` table, and the file index (through
 * {@link DynamoFileIndexStore}). Many-item reads use {@link batchGet}, which retries UnprocessedKeys and
 * throws `UNPROCESSED_ITEMS` instead of returning part of the answer.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TableNames } from '../../domain/config.js';
import type { BundleItem, FileIndexItem } from '../../domain/model.js';
import type { Page, PageRequest } from '../../domain/page.js';
import type { ArchiveCatalogStore } from '../../domain/ports/archive-catalog-store.js';
import { batchGet } from './batch-get.js';
import { DynamoFileIndexStore } from './dynamo-file-index-store.js';
import type { RetryOptions } from './retry-unprocessed.js';

/** Source bucket recorded on an archive job item (the stored ArchiveRequest, or a flat attribute of older items). */
function jobBucket(item: Record<string, unknown>): string | undefined {
  const req = item.request as { source?: { bucket?: unknown } } | undefined;
  const b = req?.source?.bucket ?? item.source_bucket ?? item.bucket;
  return typeof b === 'string' ? b : undefined;
}

/** Archive catalog reads on the jobs, bundles and files tables. */
export class DynamoArchiveCatalogStore implements ArchiveCatalogStore {
  private readonly index: DynamoFileIndexStore;

  /** @param dynamo document client; @param tables table names; @param retry UnprocessedKeys retry budget (tests) */
  constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly tables: Pick<TableNames, 'jobs' | 'bundles' | 'files'>,
    private readonly retry: RetryOptions = {},
  ) {
    this.index = new DynamoFileIndexStore(dynamo, tables.files);
  }

  /** @inheritdoc */
  async jobSourceBuckets(jobIds: readonly string[]): Promise<ReadonlyMap<string, string>> {
    const items = await batchGet<Record<string, unknown>>(this.dynamo, this.tables.jobs, [...new Set(jobIds)].map((id) => ({ pk: `ARCHIVE#${id}`, sk: 'JOB' })), this.retry);
    const out = new Map<string, string>();
    for (const it of items) {
      const bucket = jobBucket(it);
      if (bucket !== undefined) out.set(String(it.pk).slice('ARCHIVE#'.length), bucket);
    }
    return out;
  }

  /** @inheritdoc */
  async bundles(bundleKeys: readonly string[]): Promise<BundleItem[]> {
    return batchGet<BundleItem>(this.dynamo, this.tables.bundles, [...new Set(bundleKeys)].map((bundle_key) => ({ bundle_key })), this.retry);
  }

  /** @inheritdoc */
  fileGenerations(bucket: string, key: string): Promise<FileIndexItem[]> {
    return this.index.generations(bucket, key);
  }

  /** @inheritdoc */
  filesByName(bucket: string, name: string, page: PageRequest): Promise<Page<FileIndexItem>> {
    return this.index.byName(bucket, name, { limit: page.limit, ...(page.nextToken ? { nextToken: page.nextToken } : {}) });
  }
}
