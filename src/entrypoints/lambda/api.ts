/**
 * Lambda composition root of the HTTP API (API Gateway REST proxy integration, IAM auth).
 * Reads configuration once (first invocation), wires the ports, and delegates to the handler
 * written once in `src/api/handler.ts` (the same one `coldpack serve` runs).
 *
 * Environment: the COLDPACK_* variables of `loadConfig`, plus COLDPACK_SCHEDULE_TIMEZONE (zone of
 * monthly periods, default UTC) and the other COLDPACK_SCHEDULE_* variables (`GET /schedule`).
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { pino } from 'pino';
import { iamAuthorizer } from '../../api/auth.js';
import { costEstimator } from '../../api/cost-estimator.js';
import { createApiHandler, type ApiHandler } from '../../api/handler.js';
import { createAwsClients } from '../../adapters/aws-clients.js';
import { createRestoreService } from '../restore-composition.js';
import { scheduleFromEnv } from '../schedule-env.js';
import { loadConfig } from '../config.js';
import { restoreOptionsFromEnv } from '../restore-env.js';
import { archiveServiceForLambda } from '../lambda-archive.js';

let api: ApiHandler | undefined;

function build(): ApiHandler {
  const config = loadConfig(process.env);
  const schedule = scheduleFromEnv(process.env);
  const clients = createAwsClients({ region: config.region, ...(config.endpoint ? { endpoint: config.endpoint } : {}) });
  // The API only records a restore request (RESOLVING): looking its files up, recording them and starting the bundle
  // restores is the restore worker's (the reconciler), so a call's requests do not grow with the selection and it
  // answers within API Gateway's 29 s whatever was asked.
  const log = pino({ name: 'coldpack-api' });
  const restore = createRestoreService(config, clients, { ...restoreOptionsFromEnv(process.env), resolution: 'deferred', extractOnSubmit: false, logger: log });
  return createApiHandler({
    archive: archiveServiceForLambda(config, clients),
    restore,
    files: restore,
    estimator: costEstimator(),
    deployment: { region: config.region, ...(config.account === undefined ? {} : { account: config.account }) },
    timeZone: schedule?.time_zone ?? process.env.COLDPACK_SCHEDULE_TIMEZONE ?? 'UTC',
    ...(schedule ? { schedule } : {}),
    authorize: iamAuthorizer,
    log,
  });
}

/** Lambda entry: API Gateway REST proxy event in, proxy result out. Never throws. */
export async function handler(event: APIGatewayProxyEvent, context?: Context): Promise<APIGatewayProxyResult> {
  api ??= build();
  return api(event, context);
}
