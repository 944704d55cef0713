import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { BuildHandler, BuildHandlerArguments, HandlerExecutionContext, MetadataBearer, Pluggable } from '@smithy/types';
import { nameDynamoErrors } from './dynamo/dynamo-errors.js';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { recordAwsCallSite } from '../domain/unexpected-errors.js';

/**
 * How to reach AWS (or the local emulator). Read once at the edge (see `src/entrypoints/config.ts`).
 * Endpoints are NOT set here when undefined: the SDK then honours `AWS_ENDPOINT_URL`,
 * `AWS_ENDPOINT_URL_S3`, ... and the standard credential chain by itself.
 */
export interface AwsClientOptions {
  /** AWS region, e.g. `us-east-1`. */
  readonly region: string;
  /** Explicit endpoint for every service (e.g. `http://127.0.0.1:5000` for moto); default: SDK resolution. */
  readonly endpoint?: string;
  /** Maximum concurrent sockets per client (keep-alive). Default 64, matching the default fetch concurrency. */
  readonly maxSockets?: number;
  /** SDK retry attempts including the first (standard mode, exponential backoff with jitter). Default 5. */
  readonly maxAttempts?: number;
  /** Path-style S3 addressing; default true when an endpoint is given (emulators), else false. */
  readonly forcePathStyle?: boolean;
  /**
   * A socket silent this long (ms: no byte in either direction, e.g. a flow lost in the network) fails
   * its request with a TimeoutError, which the SDK retries. Default {@link DEFAULT_SOCKET_TIMEOUT_MS}.
   */
  readonly socketTimeoutMs?: number;
}

/**
 * Default idle-socket limit: 2 minutes. Without it a connection that goes silent for good (no reset,
 * no close) hangs its request forever while the job's heartbeat keeps it looking alive (found by
 * fault injection, issue 12). A healthy S3 or DynamoDB call is never silent this long: bodies stream
 * continuously and S3 sends keep-alive whitespace during a long CompleteMultipartUpload.
 */
export const DEFAULT_SOCKET_TIMEOUT_MS = 120_000;

/** The AWS clients coldpack uses, built once per process and passed to services through constructors. */
export interface AwsClients {
  readonly s3: S3Client;
  readonly dynamo: DynamoDBDocumentClient;
  readonly sns: SNSClient;
  readonly sqs: SQSClient;
  /** The options these clients were built with (to build an independent set to the same endpoint). */
  readonly options: AwsClientOptions;
  /** Destroys every client's sockets. */
  destroy(): void;
}

function handler(maxSockets: number, socketTimeoutMs: number): NodeHttpHandler {
  return new NodeHttpHandler({
    httpAgent: new HttpAgent({ keepAlive: true, maxSockets }),
    httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets }),
    connectionTimeout: 10_000,
    // The idle limit, not a total time: a large GET may stream for longer than any fixed total.
    socketTimeout: socketTimeoutMs,
  });
}

/** Name of the middleware that records where a failed call went. */
export const CALL_SITE_MIDDLEWARE = 'coldpackCallSite';

function endpointOf(request: unknown): string | undefined {
  const r = request as { protocol?: unknown; hostname?: unknown; port?: unknown } | undefined;
  if (typeof r?.hostname !== 'string') return undefined;
  const protocol = typeof r.protocol === 'string' ? r.protocol.replace(/:?$/, ':') : 'https:';
  return `${protocol}//${r.hostname}${typeof r.port === 'number' ? `:${r.port}` : ''}`;
}

/**
 * A plugin recording on every failed call's error its client, command and endpoint (see
 * `awsCallSiteOf` in `src/domain/unexpected-errors.ts`), so the CLI and the API can say which AWS
 * operation failed against which endpoint. Runs in the `build` step: outside the retries, after
 * the endpoint is resolved. The error itself is rethrown unchanged.
 */
export const recordCallSites: Pluggable<object, MetadataBearer> = {
  applyToStack(stack) {
    stack.add(
      (next: BuildHandler<object, MetadataBearer>, context: HandlerExecutionContext) => async (args: BuildHandlerArguments<object>) => {
        try {
          return await next(args);
        } catch (err) {
          const endpoint = endpointOf(args.request);
          recordAwsCallSite(err, {
            ...(context.clientName ? { client: context.clientName } : {}),
            ...(context.commandName ? { command: context.commandName } : {}),
            ...(endpoint ? { endpoint } : {}),
          });
          throw err;
        }
      },
      { step: 'build', name: CALL_SITE_MIDDLEWARE, override: true },
    );
  },
};

/**
 * Build the SDK v3 clients with keep-alive agents and the `adaptive` retry mode (client-side rate
 * limiting on throttling such as S3 503 SlowDown, exponential backoff with jitter).
 * See https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html
 *
 * @param options region, optional endpoint, socket and retry limits
 * @returns clients ready to use; call `destroy()` when done
 */
export function createAwsClients(options: AwsClientOptions): AwsClients {
  const maxSockets = options.maxSockets ?? 64;
  const common = {
    region: options.region,
    maxAttempts: options.maxAttempts ?? 5,
    retryMode: 'adaptive' as const,
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
  };
  const s3 = new S3Client({
    ...common,
    requestHandler: handler(maxSockets, options.socketTimeoutMs ?? DEFAULT_SOCKET_TIMEOUT_MS),
    forcePathStyle: options.forcePathStyle ?? options.endpoint !== undefined,
    // Only send/validate checksums where an operation requires them; coldpack sets its own CRC32.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const ddb = new DynamoDBClient({ ...common, requestHandler: handler(Math.min(maxSockets, 32), options.socketTimeoutMs ?? DEFAULT_SOCKET_TIMEOUT_MS) });
  const dynamo = DynamoDBDocumentClient.from(ddb, {
    marshallOptions: { removeUndefinedValues: true },
  });
  nameDynamoErrors(dynamo); // every DynamoDB error names its operation and table
  const sns = new SNSClient(common);
  const sqs = new SQSClient(common);
  // The document client shares the DynamoDB client's middleware stack.
  for (const client of [s3, ddb, sns, sqs]) client.middlewareStack.use(recordCallSites);
  return {
    s3,
    dynamo,
    sns,
    sqs,
    options: Object.freeze({ ...options }),
    destroy() {
      s3.destroy();
      ddb.destroy();
      sns.destroy();
      sqs.destroy();
    },
  };
}
