/**
 * Lambda entry for S3 "Object Restore Completed" events routed by EventBridge from the archive
 * bucket (also accepts S3 event notifications and their SNS/SQS envelopes). Marks each restored
 * bundle READY and extracts the files of the requests waiting for it. Throws on failure so the
 * event is retried (and dead-lettered); every step is idempotent. Records it cannot read or use
 * are logged (pino, JSON to CloudWatch) with the reason.
 * Environment: read once by `readProcessConfig` (`src/entrypoints/config.ts`).
 */
import { pino } from 'pino';
import { createAwsClients } from '../../adapters/aws-clients.js';
import type { RestoreService } from '../../restore/restore-service.js';
import { readProcessConfig, restoreOptionsOf } from '../config.js';
import { createRestoreService } from '../restore-composition.js';

let service: RestoreService | undefined;

function build(): RestoreService {
  const settings = readProcessConfig(process.env);
  const config = settings.coldpack;
  const clients = createAwsClients({ region: config.region, ...(config.endpoint ? { endpoint: config.endpoint } : {}) });
  return createRestoreService(config, clients, { ...restoreOptionsOf(settings), logger: pino({ name: 'coldpack-restore-event' }) });
}

/** Lambda entry. @returns the bundle keys handled */
export async function handler(event: unknown): Promise<{ bundles: string[] }> {
  service ??= build();
  return { bundles: await service.handleEvent(event) };
}
