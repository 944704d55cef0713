/**
 * The restore side of coldpack wired from configuration and clients (a composition root helper
 * used by the CLI, the Lambda handlers, `coldpack serve` and the local demo): DynamoDB, S3 and SNS
 * adapters plugged into {@link RestoreService}.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import { DynamoBundleDirectoryStore } from '../adapters/dynamo/dynamo-bundle-directory-store.js';
import { DynamoFileIndexStore } from '../adapters/dynamo/dynamo-file-index-store.js';
import type { CatalogMode } from '../domain/catalog.js';
import { DynamoBundleRestoreStore } from '../adapters/dynamo/dynamo-bundle-restore-store.js';
import { DynamoRestoreStore } from '../adapters/dynamo/dynamo-restore-store.js';
import { S3ObjectStore } from '../adapters/s3/s3-object-store.js';
import { SnsNotifier } from '../adapters/sns-notifier.js';
import { tableNames, type ColdpackConfig, type TableNames } from '../domain/config.js';
import type { Clock } from '../domain/ports/clock.js';
import type { Logger } from '../domain/ports/logger.js';
import type { RestoreNotifier } from '../domain/ports/restore-notifier.js';
import { RestoreService, type RestoreServiceOptions } from '../restore/restore-service.js';

/** Default part size of streamed (multipart) restores: 8 MiB. */
export const DEFAULT_RESTORE_PART_BYTES = 8 * 1024 * 1024;

/** Clients the restore side uses. */
export interface RestoreClients {
  readonly s3: S3Client;
  readonly dynamo: DynamoDBDocumentClient;
  readonly sns: SNSClient;
}

/** Everything {@link composeRestoreService} needs besides clients. */
export interface RestoreSettings extends RestoreServiceOptions {
  readonly tables: TableNames;
  /** Catalog mode of the deployment: with `per_file` the file index answers for the jobs archived with it. Default `compact`. */
  readonly catalog?: CatalogMode;
  /**
   * Part size in bytes of restored files larger than `bufferedMaxBytes` (≥ 5 MiB, the S3 minimum).
   * Default 8 MiB; one part is in flight per file, so memory ≈ 2 × part size × `fileConcurrency`.
   */
  readonly partSize?: number;
  /** Default SNS through `clients.sns`. */
  readonly notifier?: RestoreNotifier;
  readonly clock?: Clock;
  readonly logger?: Logger;
}

/** Build a {@link RestoreService} on DynamoDB, S3 and SNS. */
export function composeRestoreService(clients: RestoreClients, settings: RestoreSettings): RestoreService {
  const { tables, catalog, partSize, notifier, clock, logger, ...options } = settings;
  return new RestoreService(
    {
      objects: new S3ObjectStore(clients.s3, { streamPartSize: Math.max(5 * 1024 * 1024, partSize ?? DEFAULT_RESTORE_PART_BYTES), streamQueueSize: 1 }),
      restores: new DynamoRestoreStore(clients.dynamo, tables.jobs),
      bundles: new DynamoBundleRestoreStore(clients.dynamo, tables),
      directory: new DynamoBundleDirectoryStore(clients.dynamo, tables),
      ...(catalog === 'per_file' ? { index: new DynamoFileIndexStore(clients.dynamo, tables.files) } : {}),
      notifier: notifier ?? new SnsNotifier(clients.sns),
      ...(clock ? { clock } : {}),
      ...(logger ? { logger } : {}),
    },
    options,
  );
}

/** Restore settings that are not part of {@link ColdpackConfig}. */
export type RestoreExtraOptions = Partial<Omit<RestoreSettings, 'tables' | 'catalog' | 'archiveBucket' | 'restoreBucket' | 'topicArn' | 'allowedTopicArns'>>;

/**
 * @param config tables (prefix), archive and restore buckets, topic and allow-list
 * @param clients S3, DynamoDB, SNS clients
 * @param extra presign lifetime, thresholds, concurrency, logger (see {@link RestoreSettings})
 */
export function createRestoreService(config: ColdpackConfig, clients: RestoreClients, extra: RestoreExtraOptions = {}): RestoreService {
  return composeRestoreService(clients, {
    ...extra,
    tables: tableNames(config.tablePrefix),
    ...(config.catalog ? { catalog: config.catalog } : {}),
    archiveBucket: config.archiveBucket,
    restoreBucket: config.restoreBucket,
    ...(config.topicArn ? { topicArn: config.topicArn } : {}),
    allowedTopicArns: config.allowedTopicArns,
  });
}
