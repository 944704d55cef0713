/**
 * `coldpack serve`'s HTTP server: adapts each Node HTTP request into an API Gateway REST proxy
 * event, calls the same {@link ApiHandler} Lambda runs, and writes its result back. No second
 * implementation of any route. Also runs periodic background hooks (the reconciler).
 */
import { randomUUID } from 'node:crypto';
import { STATUS_CODES, createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { ColdpackError, ValidationError } from '../domain/errors.js';
import type { ApiHandler } from './handler.js';
import { PayloadTooLargeError, errorResponse } from './http.js';
import type { ApiLogger } from './ports.js';

/**
 * Hard cap on request bodies read by the local server: 10 MiB, API Gateway REST's payload limit
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html). The handler's own,
 * lower limit (1 MiB) answers first for anything smaller.
 */
export const LOCAL_MAX_REQUEST_BYTES = 10 * 1024 * 1024;

/** Options of {@link startLocalServer}. */
export interface LocalServerOptions {
  readonly handler: ApiHandler;
  /** TCP port; 0 = any free port. Default 8080. */
  readonly port?: number;
  /** Bind address. Default 127.0.0.1 (loopback only). */
  readonly host?: string;
  /** Periodic hook (e.g. the restore reconciler), called every `reconcileIntervalMs`, never overlapping. */
  readonly reconcile?: () => Promise<unknown>;
  /** Interval of `reconcile` in ms. Default 60,000. */
  readonly reconcileIntervalMs?: number;
  readonly log?: ApiLogger;
}

/** A running local server. */
export interface LocalServer {
  /** Base URL, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  readonly port: number;
  /** Stop accepting connections, stop the hooks, and wait for the server to close. */
  close(): Promise<void>;
}

class TooLarge extends Error {}
/** The client went away before its body arrived: nobody to answer. */
class ClientGone extends Error {}

/**
 * Time a client has to send its whole request (headers and body), in ms: a body shorter than its
 * Content-Length is answered 408 after this, never left hanging (API Gateway's own limit is 29 s).
 */
export const LOCAL_REQUEST_TIMEOUT_MS = 30_000;

/** Read the whole body; past `max` bytes keep draining (so the 413 can be read) and reject. */
function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= max) chunks.push(chunk);
    });
    req.once('end', () => (size > max ? reject(new TooLarge()) : resolve(Buffer.concat(chunks))));
    req.once('error', () => reject(new ClientGone()));
    req.once('aborted', () => reject(new ClientGone()));
  });
}

/**
 * The URL of a request. The target is taken as a path even when it looks like a scheme-relative
 * URL (`//x`), so no target makes `new URL` throw.
 * @throws ValidationError (400, `MALFORMED_REQUEST`) for a target that is neither a path nor an absolute URL
 */
function requestUrl(req: IncomingMessage, port: number): URL {
  const target = req.url ?? '/';
  try {
    if (target.startsWith('/')) return new URL(`http://127.0.0.1:${port}${target}`);
    return new URL(target);
  } catch {
    throw new ValidationError(`request target ${JSON.stringify(target.slice(0, 80))} is not a path`, 'path', 'MALFORMED_REQUEST');
  }
}

/**
 * Build the API Gateway REST proxy event of a local request (the shape Lambda receives).
 * @throws ValidationError (400, `MALFORMED_REQUEST`) for a request target that is not a path
 */
export function toProxyEvent(req: IncomingMessage, body: Buffer, port: number): APIGatewayProxyEvent {
  const url = requestUrl(req, port);
  const host = req.headers.host ?? `127.0.0.1:${port}`;
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    const values = Array.isArray(v) ? v : [v];
    headers[k] = values.join(', ');
    multiValueHeaders[k] = values;
  }
  headers['x-forwarded-proto'] ??= 'http';
  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
  for (const [k, v] of url.searchParams) {
    query[k] = v;
    (multiQuery[k] ??= []).push(v);
  }
  const hasQuery = Object.keys(query).length > 0;
  const method = (req.method ?? 'GET').toUpperCase();
  return {
    resource: '/{proxy+}',
    path: url.pathname,
    httpMethod: method,
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? query : null,
    multiValueQueryStringParameters: hasQuery ? multiQuery : null,
    pathParameters: { proxy: url.pathname.slice(1) },
    stageVariables: null,
    body: body.length > 0 ? body.toString('utf8') : null,
    isBase64Encoded: false,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      authorizer: null,
      protocol: `HTTP/${req.httpVersion}`,
      httpMethod: method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        user: null,
        userAgent: req.headers['user-agent'] ?? null,
        userArn: null,
      },
      path: url.pathname,
      stage: 'local',
      requestId: randomUUID(),
      requestTimeEpoch: Date.now(),
      resourceId: 'local',
      resourcePath: '/{proxy+}',
      domainName: host,
    },
  };
}

function send(res: ServerResponse, result: APIGatewayProxyResult): void {
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(result.headers ?? {})) headers[k] = String(v);
  for (const [k, v] of Object.entries(result.multiValueHeaders ?? {})) headers[k] = v.map(String);
  const body = Buffer.from(result.body ?? '', result.isBase64Encoded ? 'base64' : 'utf8');
  res.writeHead(result.statusCode, { ...headers, 'content-length': String(body.length) });
  res.end(body);
}

/**
 * Start the local HTTP server.
 * @returns once listening; `close()` stops it
 */
export async function startLocalServer(opts: LocalServerOptions): Promise<LocalServer> {
  const { handler, log } = opts;
  let port = opts.port ?? 8080;
  const server: Server = createServer((req, res) => {
    void (async () => {
      let result: APIGatewayProxyResult;
      try {
        const body = await readBody(req, LOCAL_MAX_REQUEST_BYTES);
        result = await handler(toProxyEvent(req, body, port));
      } catch (err) {
        if (err instanceof ClientGone) {
          log?.info({ method: req.method, url: req.url }, 'client closed the connection before sending its whole request');
          res.destroy();
          return;
        }
        const e =
          err instanceof TooLarge
            ? new PayloadTooLargeError(
                `request body over ${LOCAL_MAX_REQUEST_BYTES} bytes (the API Gateway limit). Upload large inputs to S3 and send "keys_manifest": "s3://bucket/key".`,
              )
            : err;
        result = errorResponse(e, 'local', log);
      }
      send(res, result);
    })();
  });
  // Requests Node's HTTP parser refuses (an unknown method, a bad header, headers over 16 KiB) never
  // reach the handler: answer them with the same JSON error body instead of Node's bare 400.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT' && socket.writable) {
      const body = JSON.stringify({
        code: 'REQUEST_TIMEOUT',
        message: `the request was not complete within ${LOCAL_REQUEST_TIMEOUT_MS} ms (body shorter than its Content-Length?)`,
      });
      socket.end(
        `HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
      );
      return;
    }
    if (!socket.writable || err.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const e =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? new ColdpackError('HEADERS_TOO_LARGE', "the request line and headers are over the server's 16 KiB limit")
        : new ValidationError(
            `malformed HTTP request (${err.code ?? 'parse error'}): check the method, the target and the headers`,
            undefined,
            'MALFORMED_REQUEST',
          );
    const result = errorResponse(e, 'local', log);
    const body = Buffer.from(result.body);
    socket.end(
      `HTTP/1.1 ${result.statusCode} ${STATUS_CODES[result.statusCode] ?? 'Error'}\r\ncontent-type: application/json; charset=utf-8\r\n` +
        `content-length: ${body.length}\r\nconnection: close\r\n\r\n${body.toString()}`,
    );
  });
  server.requestTimeout = LOCAL_REQUEST_TIMEOUT_MS;
  server.headersTimeout = Math.min(server.headersTimeout, LOCAL_REQUEST_TIMEOUT_MS);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, opts.host ?? '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  let timer: NodeJS.Timeout | undefined;
  if (opts.reconcile) {
    const hook = opts.reconcile;
    let running = false;
    timer = setInterval(() => {
      if (running) return;
      running = true;
      hook()
        .catch((err: unknown) => log?.error({ err }, 'reconcile failed'))
        .finally(() => {
          running = false;
        });
    }, opts.reconcileIntervalMs ?? 60_000);
    timer.unref();
  }
  const host = opts.host ?? '127.0.0.1';
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    async close() {
      if (timer) clearInterval(timer);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
