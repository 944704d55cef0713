/**
 * Lambda entry of the scheduled restore reconciler: one pass over open restore requests
 * (HeadObject `x-amz-restore` of pending bundles, extraction of ready ones, retried notifications).
 * Restores left for a later pass after a transient failure are logged (pino) with the reason.
 * Environment: read once by `readProcessConfig` (`src/entrypoints/config.ts`).
 */
import { pino } from 'pino';
import { createAwsClients } from '../../adapters/aws-clients.js';
import type { RestoreService } from '../../restore/restore-service.js';
import type { ReconcileSummary } from '../../restore/restore-worker.js';
import { readProcessConfig, restoreOptionsOf } from '../config.js';
import { createRestoreService } from '../restore-composition.js';

let service: RestoreService | undefined;

/** Lambda entry (the scheduled input is ignored). @returns what the pass did */
export async function handler(_event: unknown): Promise<ReconcileSummary> {
  if (!service) {
    const settings = readProcessConfig(process.env);
    const config = settings.coldpack;
    const clients = createAwsClients({ region: config.region, ...(config.endpoint ? { endpoint: config.endpoint } : {}) });
    service = createRestoreService(config, clients, { ...restoreOptionsOf(settings), logger: pino({ name: 'coldpack-reconcile' }) });
  }
  return service.reconcile();
}
