/**
 * Build a {@link RestoreService} from coldpack's configuration and clients (used by the CLI, the
 * Lambda handlers and `coldpack serve`). Reads no env: the caller passes what it read.
 */
import type { AwsClients } from '../adapters/aws-clients.js';
import { tableNames, type ColdpackConfig } from '../domain/config.js';
import { RestoreService, type RestoreServiceOptions } from './restore-service.js';

/** Restore settings that are not part of {@link ColdpackConfig}. */
export type RestoreExtraOptions = Partial<Omit<RestoreServiceOptions, 'tables' | 'archiveBucket' | 'restoreBucket' | 'topicArn' | 'allowedTopicArns'>>;

/**
 * @param config tables (prefix), archive and restore buckets, topic and allow-list
 * @param clients S3, DynamoDB, SNS clients
 * @param extra presign lifetime, thresholds, concurrency (see {@link RestoreServiceOptions})
 */
export function createRestoreService(config: ColdpackConfig, clients: Pick<AwsClients, 's3' | 'dynamo' | 'sns'>, extra: RestoreExtraOptions = {}): RestoreService {
  return new RestoreService(clients, {
    ...extra,
    tables: tableNames(config.tablePrefix),
    archiveBucket: config.archiveBucket,
    restoreBucket: config.restoreBucket,
    ...(config.topicArn ? { topicArn: config.topicArn } : {}),
    allowedTopicArns: config.allowedTopicArns,
  });
}

/**
 * Start a periodic reconcile loop (local server): one pass every `intervalMs`, never two at once;
 * errors go to `onError`. @returns a function that stops the loop
 */
export function startReconcileLoop(service: Pick<RestoreService, 'reconcile'>, intervalMs: number, onError: (err: unknown) => void = () => undefined): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    service
      .reconcile()
      .catch(onError)
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
