/**
 * Lambda composition root of the HTTP API (API Gateway REST proxy integration, IAM auth).
 * Reads configuration once (first invocation), wires the ports, and delegates to the handler
 * written once in `src/api/handler.ts` (the same one `coldpack serve` runs).
 *
 * Environment: read once by `readProcessConfig` (`src/entrypoints/config.ts`): the COLDPACK_*
 * variables, COLDPACK_SCHEDULE_TIMEZONE (zone of monthly periods, default UTC) and the other
 * COLDPACK_SCHEDULE_* variables (`GET /schedule`). A bad variable answers 500 `CONFIG_ERROR`
 * (details logged, not shown) on every request until it is fixed.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { pino } from 'pino';
import { iamAuthorizer } from '../../api/auth.js';
import { costEstimator } from '../../api/cost-estimator.js';
import { createApiHandler, type ApiHandler } from '../../api/handler.js';
import { errorResponse } from '../../api/http.js';
import { createAwsClients } from '../../adapters/aws-clients.js';
import { createRestoreService } from '../restore-composition.js';
import { readProcessConfig, restoreOptionsOf } from '../config.js';
import { archiveServiceForLambda } from '../lambda-archive.js';

const log = pino({ name: 'coldpack-api' });
let api: ApiHandler | undefined;

function build(): ApiHandler {
  const settings = readProcessConfig(process.env);
  const config = settings.coldpack;
  const schedule = settings.schedule;
  const clients = createAwsClients({ region: config.region, ...(config.endpoint ? { endpoint: config.endpoint } : {}) });
  // The API only records a restore request (RESOLVING): looking its files up, recording them and starting the bundle
  // restores is the restore worker's (the reconciler), so a call's requests do not grow with the selection and it
  // answers within API Gateway's 29 s whatever was asked.
  const restore = createRestoreService(config, clients, { ...restoreOptionsOf(settings), resolution: 'deferred', extractOnSubmit: false, logger: log });
  return createApiHandler({
    archive: archiveServiceForLambda(settings, clients),
    restore,
    files: restore,
    estimator: costEstimator(),
    deployment: { region: config.region, ...(config.account === undefined ? {} : { account: config.account }) },
    timeZone: settings.scheduleTimeZone,
    ...(schedule ? { schedule } : {}),
    authorize: iamAuthorizer,
    log,
  });
}

/** Lambda entry: API Gateway REST proxy event in, proxy result out. Never throws. */
export async function handler(event: APIGatewayProxyEvent, context?: Context): Promise<APIGatewayProxyResult> {
  try {
    api ??= build();
  } catch (err) {
    // Misconfiguration (CONFIG_ERROR) or a wiring failure: answer it like any other error.
    return errorResponse(err, event.requestContext?.requestId ?? context?.awsRequestId ?? 'unknown', log);
  }
  return api(event, context);
}
