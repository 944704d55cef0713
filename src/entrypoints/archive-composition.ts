import type { AwsClients } from '../adapters/aws-clients.js';
import { tableNames, type ColdpackConfig } from '../domain/config.js';
import { ArchiveEngine } from '../archive/archive-engine.js';
import { ArchiveService, type JobStarter } from '../archive/archive-service.js';
import type { JobReport } from '../archive/finalizer.js';

/** The archive side of coldpack wired from configuration and clients (a composition root helper). */
export interface ArchiveComposition {
  readonly engine: ArchiveEngine;
  readonly service: ArchiveService;
  /** Jobs started in this process (in-process starter), awaited by `drain()`. */
  drain(): Promise<void>;
}

/**
 * Wire the archive engine and service. Without `starter`, jobs run in this process in the
 * background (CLI, `coldpack serve`, tests); pass the AWS Batch starter in AWS.
 * @param onFinished optional hook with each finished job's report (e.g. SNS summary)
 */
export function composeArchive(
  config: ColdpackConfig,
  clients: AwsClients,
  options: { starter?: JobStarter; onFinished?: (r: JobReport) => Promise<void>; onError?: (jobId: string, err: unknown) => void } = {},
): ArchiveComposition {
  const engine = new ArchiveEngine({
    s3: clients.s3,
    dynamo: clients.dynamo,
    tables: tableNames(config.tablePrefix),
    archiveBucket: config.archiveBucket,
    fetch: { concurrency: config.concurrency },
    ...(options.onFinished ? { onFinished: options.onFinished } : {}),
  });
  const running = new Set<Promise<unknown>>();
  const starter: JobStarter = options.starter ?? {
    async start(jobId) {
      const p = engine.run(jobId).catch((err: unknown) => options.onError?.(jobId, err));
      running.add(p);
      void p.finally(() => running.delete(p));
    },
  };
  const service = new ArchiveService({ s3: clients.s3, jobs: engine.jobs, starter });
  return {
    engine,
    service,
    async drain() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}
