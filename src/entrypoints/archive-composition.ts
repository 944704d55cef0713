import { createAwsClients, type AwsClients } from '../adapters/aws-clients.js';
import { DynamoBundleStore } from '../adapters/dynamo/dynamo-bundle-store.js';
import { DynamoBundleDirectoryStore } from '../adapters/dynamo/dynamo-bundle-directory-store.js';
import { DEFAULT_CATALOG_MODE } from '../domain/catalog.js';
import { DynamoFileIndexStore } from '../adapters/dynamo/dynamo-file-index-store.js';
import { DynamoJobStore } from '../adapters/dynamo/dynamo-job-store.js';
import { DynamoUsageStore } from '../adapters/dynamo/dynamo-usage-store.js';
import { RequestMeter } from '../adapters/request-meter.js';
import { S3ObjectStore } from '../adapters/s3/s3-object-store.js';
import { tableNames, type ColdpackConfig } from '../domain/config.js';
import { silentLogger, type Logger } from '../domain/ports/logger.js';
import { ArchiveEngine } from '../archive/archive-engine.js';
import { ArchiveService, type JobStarter } from '../archive/archive-service.js';
import type { JobReport } from '../archive/finalizer.js';
import { UsageLedger } from '../archive/usage-ledger.js';
import { jobCostReport } from '../cost/job-cost-report.js';
import { loadPriceTable, type PriceTable } from '../cost/price-table.js';
import type { TargetStorageClass } from '../cost/storage-class-prices.js';

/** The archive side of coldpack wired from configuration and clients (a composition root helper). */
export interface ArchiveComposition {
  /** Engine on the given clients, with a request meter attached (its counts go into job reports). */
  readonly engine: ArchiveEngine;
  readonly service: ArchiveService;
  /** Jobs started in this process (in-process starter), awaited by `drain()`. */
  drain(): Promise<void>;
}

/** Options of {@link composeArchive}. */
export interface ArchiveCompositionOptions {
  /** How created jobs start; default: in this process, in the background, each job on its own clients. */
  readonly starter?: JobStarter;
  /** Called with each finished job's report (e.g. SNS summary). */
  readonly onFinished?: (r: JobReport) => Promise<void>;
  /** Called when a background job fails (it is FAILED in the jobs table either way, and the failure is logged). */
  readonly onError?: (jobId: string, err: unknown) => void;
  /** Price table for the job reports' cost section; default the bundled us-east-1 table. */
  readonly prices?: PriceTable;
  /** Where the engine and the service log what they cannot fail on (e.g. a failed SNS summary). Default silent. */
  readonly logger?: Logger;
}

/**
 * Build an engine on adapters over `clients`, whose clients carry a request meter, so every job
 * report gets the requests it made (by operation and storage class), their cost, the
 * lifecycle-equivalent cost and the saving.
 */
export function meteredEngine(
  config: ColdpackConfig,
  clients: AwsClients,
  options: Pick<ArchiveCompositionOptions, 'onFinished' | 'prices' | 'logger'> = {},
): ArchiveEngine {
  const tables = tableNames(config.tablePrefix);
  const meter = new RequestMeter().attach(clients.s3).attach(clients.dynamo);
  const logger = options.logger ?? silentLogger;
  let prices = options.prices;
  return new ArchiveEngine({
    objects: new S3ObjectStore(clients.s3),
    jobs: new DynamoJobStore(clients.dynamo, tables.jobs),
    bundles: new DynamoBundleStore(clients.dynamo, tables.bundles),
    directory: new DynamoBundleDirectoryStore(clients.dynamo, tables),
    index: new DynamoFileIndexStore(clients.dynamo, tables.files),
    catalog: config.catalog ?? DEFAULT_CATALOG_MODE,
    logger,
    archiveBucket: config.archiveBucket,
    fetch: { concurrency: config.concurrency },
    bucketPolicy: { reserved: [config.archiveBucket, config.restoreBucket], allowed: config.sourceBuckets ?? [] },
    ledger: new UsageLedger({ meter, store: new DynamoUsageStore(clients.dynamo, tables.jobs), logger }),
    reportExtras: async (job, totals, usage) => {
      if (!usage) return {};
      prices ??= loadPriceTable();
      const cost = jobCostReport(
        {
          usage,
          files: totals.files,
          bytes: totals.bytes,
          bundles: totals.bundles,
          bundleBytes: totals.bundleBytes,
          storageClass: job.request.storage_class as TargetStorageClass,
          writeUnitsPerItem: { [tables.files]: 2 },
        },
        prices,
      );
      return { cost };
    },
    ...(options.onFinished ? { onFinished: options.onFinished } : {}),
  });
}

/**
 * Wire the archive engine and service. Without `starter`, jobs run in this process in the
 * background, each on its own clients so its request meter counts only its own requests
 * (CLI, `coldpack serve`, tests); pass the AWS Batch starter in AWS.
 */
export function composeArchive(config: ColdpackConfig, clients: AwsClients, options: ArchiveCompositionOptions = {}): ArchiveComposition {
  const engine = meteredEngine(config, clients, options);
  const running = new Set<Promise<unknown>>();
  const starter: JobStarter = options.starter ?? {
    async start(jobId) {
      // Same endpoint, region and limits as the given clients, so the job's meter sees only its own requests.
      const jobClients = createAwsClients(clients.options);
      const p = meteredEngine(config, jobClients, options)
        .run(jobId)
        .catch((err: unknown) => {
          (options.logger ?? silentLogger).error({ err, job_id: jobId }, 'background archive job failed; it is FAILED in the jobs table');
          options.onError?.(jobId, err);
        })
        .finally(() => jobClients.destroy());
      running.add(p);
      void p.finally(() => running.delete(p));
    },
  };
  const service = new ArchiveService({
    objects: new S3ObjectStore(clients.s3),
    jobs: new DynamoJobStore(clients.dynamo, tableNames(config.tablePrefix).jobs),
    starter,
    ...(options.logger ? { logger: options.logger } : {}),
    archiveBucket: config.archiveBucket,
    reservedBuckets: [config.archiveBucket, config.restoreBucket],
    ...(config.sourceBuckets ? { allowedSourceBuckets: config.sourceBuckets } : {}),
  });
  return {
    engine,
    service,
    async drain() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}
