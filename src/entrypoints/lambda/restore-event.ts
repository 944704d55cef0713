/**
 * Lambda entry for S3 "Object Restore Completed" events routed by EventBridge from the archive
 * bucket (also accepts S3 event notifications and their SNS/SQS envelopes). Marks each restored
 * bundle READY and extracts the files of the requests waiting for it. Throws on failure so the
 * event is retried (and dead-lettered); every step is idempotent. Records it cannot read or use
 * are logged (pino, JSON to CloudWatch) with the reason.
 * Environment: the COLDPACK_* variables of `loadConfig`, COLDPACK_PRESIGN_EXPIRES_SECONDS.
 */
import { pino } from 'pino';
import { createAwsClients } from '../../adapters/aws-clients.js';
import type { RestoreService } from '../../restore/restore-service.js';
import { loadConfig } from '../config.js';
import { restoreOptionsFromEnv } from '../restore-env.js';
import { createRestoreService } from '../restore-composition.js';

let service: RestoreService | undefined;

function build(): RestoreService {
  const config = loadConfig(process.env);
  const clients = createAwsClients({ region: config.region, ...(config.endpoint ? { endpoint: config.endpoint } : {}) });
  return createRestoreService(config, clients, { ...restoreOptionsFromEnv(process.env), logger: pino({ name: 'coldpack-restore-event' }) });
}

/** Lambda entry. @returns the bundle keys handled */
export async function handler(event: unknown): Promise<{ bundles: string[] }> {
  service ??= build();
  return { bundles: await service.handleEvent(event) };
}
