/**
 * Lambda entry of the restore reconciler, invoked two ways:
 * - by its hourly schedule (`{source: 'coldpack.schedule', ...}`, no `restore_id`): one pass over open
 *   restore requests (resolution of RESOLVING ones, HeadObject `x-amz-restore` of pending bundles,
 *   extraction of ready ones, retried notifications);
 * - asynchronously by the API after `POST /restore` (`{"restore_id": "<id>"}`): a pass over that one
 *   request, as `coldpack worker restore` runs it (resolve its files, start its bundle restores,
 *   extract what is readable).
 * Restores left for a later pass after a transient failure are logged (pino) with the reason.
 * Environment: read once by `readProcessConfig` (`src/entrypoints/config.ts`).
 */
import { pino } from 'pino';
import { createAwsClients } from '../../adapters/aws-clients.js';
import { ValidationError } from '../../domain/errors.js';
import type { RestoreService } from '../../restore/restore-service.js';
import type { ReconcileSummary } from '../../restore/restore-worker.js';
import { readProcessConfig, restoreOptionsOf } from '../config.js';
import { createRestoreService } from '../restore-composition.js';

let service: RestoreService | undefined;

/** Restore ids coldpack generates: `rst-` and letters, digits, `-` (see `newRestoreId`). */
const RESTORE_ID = /^rst-[A-Za-z0-9-]{1,100}$/;

/**
 * The request an invocation is about.
 * @param event the Lambda event: `{restore_id: string}` from the API, anything else (the schedule's input) for a full pass
 * @returns the restore id, or undefined for a full pass
 * @throws ValidationError when the event has a `restore_id` that is not a restore id (the event then
 *   goes to the function's dead-letter queue after Lambda's retries)
 */
export function restoreIdOf(event: unknown): string | undefined {
  if (event === null || typeof event !== 'object' || !('restore_id' in event)) return undefined;
  const id = (event as { restore_id: unknown }).restore_id;
  if (typeof id !== 'string' || !RESTORE_ID.test(id)) {
    throw new ValidationError(`restore_id must be a restore id (rst-...), got ${JSON.stringify(id)?.slice(0, 120)}`, 'restore_id');
  }
  return id;
}

/** Lambda entry. @returns what the pass did (over every open request, or the one named by the event) */
export async function handler(event: unknown): Promise<ReconcileSummary> {
  const restoreId = restoreIdOf(event);
  if (!service) {
    const settings = readProcessConfig(process.env);
    const config = settings.coldpack;
    const clients = createAwsClients({ region: config.region, ...(config.endpoint ? { endpoint: config.endpoint } : {}) });
    service = createRestoreService(config, clients, { ...restoreOptionsOf(settings), logger: pino({ name: 'coldpack-reconcile' }) });
  }
  return service.reconcile(restoreId);
}
