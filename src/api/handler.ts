/**
 * The API, written once as an API Gateway REST proxy handler. `src/entrypoints/lambda/api.ts`
 * exports it to Lambda; `coldpack serve` (`local-server.ts`) adapts HTTP requests into the same
 * events and calls the same function.
 */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { ScheduleSettings } from '../schedule/schedule-config.js';
import { ColdpackError } from '../domain/errors.js';
import { DEFAULT_MAX_BODY_BYTES, LAMBDA_RESPONSE_LIMIT_BYTES, errorResponse } from './http.js';
import type { Deployment } from './mapping.js';
import type { ArchiveJobs } from '../domain/archive-jobs.js';
import type { FileLookup, RestoreRequests } from '../domain/ports/restore-requests.js';
import type { ApiLogger, CostEstimator } from './ports.js';
import { MethodNotAllowedError, matchRoute, type Route } from './router.js';
import { archiveRoutes } from './routes/archive.js';
import { filesEstimateScheduleRoutes } from './routes/files-estimate-schedule.js';
import { restoreRoutes } from './routes/restore.js';

/** Checks a request's credentials; throws UnauthorizedError (401) or ForbiddenError (403). */
export type Authorizer = (event: APIGatewayProxyEvent) => void | Promise<void>;

/** What {@link createApiHandler} needs. */
export interface ApiDeps {
  readonly archive: ArchiveJobs;
  readonly restore: RestoreRequests;
  readonly files: FileLookup;
  /** Cost model; when absent `POST /estimate` answers 501. */
  readonly estimator?: CostEstimator;
  /** Region and account requests must name (when they name one). */
  readonly deployment: Deployment;
  /** IANA zone of monthly periods (the schedule's zone). */
  readonly timeZone: string;
  /** The monthly schedule, shown by `GET /schedule`. */
  readonly schedule?: ScheduleSettings;
  /** Authentication of every non-public route; undefined = none (API Gateway IAM did it). */
  readonly authorize?: Authorizer;
  /** Request body limit in bytes. */
  readonly maxBodyBytes: number;
  /** Clock. */
  readonly now: () => Date;
  readonly log?: ApiLogger;
  /** Version shown by `/health`. */
  readonly version: string;
}

/** Options of {@link createApiHandler}: {@link ApiDeps} with defaults for the optional plumbing. */
export type ApiOptions = Omit<ApiDeps, 'timeZone' | 'maxBodyBytes' | 'now' | 'version'> &
  Partial<Pick<ApiDeps, 'timeZone' | 'maxBodyBytes' | 'now' | 'version'>>;

/** The Lambda context fields the handler reads (the ARN gives the deployment's account). */
export interface InvocationContext {
  readonly invokedFunctionArn?: string;
  readonly awsRequestId?: string;
}

/** An API Gateway REST proxy handler. */
export type ApiHandler = (event: APIGatewayProxyEvent, context?: InvocationContext) => Promise<APIGatewayProxyResult>;

/** Every route of the API, for documentation and tests. */
export function apiRoutes(deps: ApiDeps): Route[] {
  return [...archiveRoutes(deps), ...restoreRoutes(deps), ...filesEstimateScheduleRoutes(deps)];
}

/**
 * Build the API handler. Defaults: timeZone `UTC`, maxBodyBytes 1 MiB, now `new Date()`, version `0.0.0`.
 * The handler never throws: errors become `{code, message, field}` responses (5xx details hidden),
 * 401 answers carry `WWW-Authenticate: Bearer`, 405 answers carry `Allow`, and a response body over
 * Lambda's 6 MB cap is replaced by a 500 `RESPONSE_TOO_LARGE` rather than crashing the runtime.
 */
export function createApiHandler(options: ApiOptions): ApiHandler {
  let account = options.deployment.account;
  const deps: ApiDeps = {
    timeZone: 'UTC',
    maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
    now: () => new Date(),
    version: '0.0.0',
    ...options,
    get deployment(): Deployment {
      return { region: options.deployment.region, ...(account === undefined ? {} : { account }) };
    },
  };
  const routes = apiRoutes(deps);
  const publicRoutes = routes.filter((r) => r.public);
  return async (event, context) => {
    const requestId = event.requestContext?.requestId ?? context?.awsRequestId ?? randomUUID();
    account ??= context?.invokedFunctionArn?.split(':')[4] || undefined;
    try {
      const isPublic = publicRoutes.some((r) => {
        try {
          return matchRoute([r], event.httpMethod, event.path).route === r;
        } catch {
          return false;
        }
      });
      if (!isPublic && deps.authorize) await deps.authorize(event);
      const { route, params } = matchRoute(routes, event.httpMethod, event.path);
      const result = await route.handler({ event, params, requestId });
      if (Buffer.byteLength(result.body) > LAMBDA_RESPONSE_LIMIT_BYTES) {
        const size = Buffer.byteLength(result.body);
        throw new ColdpackError(
          'RESPONSE_TOO_LARGE',
          `${event.httpMethod} ${event.path}: response of ${size} bytes is over the ${LAMBDA_RESPONSE_LIMIT_BYTES}-byte Lambda limit`,
        );
      }
      return result;
    } catch (err) {
      const res = errorResponse(err, requestId, deps.log);
      if (err instanceof MethodNotAllowedError) res.headers = { ...res.headers, allow: err.allow.join(', ') };
      if (res.statusCode === 401) res.headers = { ...res.headers, 'www-authenticate': 'Bearer realm="coldpack"' };
      return res;
    }
  };
}
