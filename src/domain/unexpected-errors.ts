/**
 * What to say about an error nobody translated: the process edges (CLI, API) turn any thrown value
 * into a {@link ColdpackError} naming what failed, and print its cause chain on request.
 *
 * - a connection failure (Node system error such as `ECONNREFUSED`, anywhere in the cause chain)
 *   -> `AWS_UNREACHABLE`, naming the endpoint;
 * - an AWS SDK v3 error (it carries `$metadata`) -> `AWS_ERROR`, naming the operation;
 * - anything else -> `INTERNAL`.
 *
 * The AWS clients record the service, operation and endpoint of a failed call on the error
 * ({@link recordAwsCallSite}, done by `src/adapters/aws-clients.ts`); this module reads it back
 * without importing the SDK.
 */
import { ColdpackError } from './errors.js';

/** Where a failed AWS call went. */
export interface AwsCallSite {
  /** SDK client, e.g. `S3Client`, `DynamoDBClient`. */
  readonly client?: string;
  /** SDK command, e.g. `GetItemCommand`. */
  readonly command?: string;
  /** Endpoint of the request, e.g. `http://127.0.0.1:9` or `https://dynamodb.us-east-1.amazonaws.com`. */
  readonly endpoint?: string;
}

const CALL_SITE = Symbol.for('coldpack.awsCallSite');

/** Remember on `err` (an object) where the failed call went; the first record wins. */
export function recordAwsCallSite(err: unknown, site: AwsCallSite): void {
  if (err === null || typeof err !== 'object' || CALL_SITE in err || !Object.isExtensible(err)) return;
  Object.defineProperty(err, CALL_SITE, { value: Object.freeze({ ...site }), enumerable: false });
}

/** Where the failed AWS call of `err` went, when the clients recorded it. */
export function awsCallSiteOf(err: unknown): AwsCallSite | undefined {
  if (err === null || typeof err !== 'object') return undefined;
  return (err as { [CALL_SITE]?: AwsCallSite })[CALL_SITE];
}

/** `DynamoDBClient` + `GetItemCommand` -> `DynamoDB GetItem`. */
export function operationName(site: AwsCallSite | undefined): string | undefined {
  if (site?.command === undefined) return undefined;
  const op = site.command.replace(/Command$/, '');
  const service = site.client?.replace(/Client$/, '');
  return service ? `${service} ${op}` : op;
}

/** Node's error codes of a connection that could not be made or was lost. */
export const CONNECTION_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);

type Loose = { name?: unknown; message?: unknown; code?: unknown; cause?: unknown; errors?: unknown; address?: unknown; port?: unknown; $metadata?: unknown };

/** `err` and its causes (and the members of an AggregateError), outermost first, at most `limit`. */
export function errorChain(err: unknown, limit = 10): unknown[] {
  const out: unknown[] = [];
  const queue: unknown[] = [err];
  while (queue.length > 0 && out.length < limit) {
    const e = queue.shift();
    if (e === undefined || e === null || out.includes(e)) continue;
    out.push(e);
    if (typeof e !== 'object') continue;
    const l = e as Loose;
    if (l.cause !== undefined) queue.push(l.cause);
    if (Array.isArray(l.errors)) queue.push(...(l.errors as unknown[]));
  }
  return out;
}

function connectionFailure(err: unknown): Loose | undefined {
  return errorChain(err).find((e): e is Loose => {
    if (e === null || typeof e !== 'object') return false;
    const l = e as Loose;
    return (typeof l.code === 'string' && CONNECTION_ERROR_CODES.has(l.code)) || l.name === 'TimeoutError';
  });
}

function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}

/**
 * `err` as a {@link ColdpackError}: itself when it is one; else `AWS_UNREACHABLE`, `AWS_ERROR` or
 * `INTERNAL` (see the module comment) with the original as `cause`.
 * @param fallbackEndpoint the configured endpoint, named when the error does not tell which one failed
 */
export function asColdpackError(err: unknown, fallbackEndpoint?: string): ColdpackError {
  if (err instanceof ColdpackError) return err;
  const site = errorChain(err)
    .map(awsCallSiteOf)
    .find((s) => s !== undefined);
  const operation = operationName(site);
  const lost = connectionFailure(err);
  if (lost) {
    const address = typeof lost.address === 'string' ? `${lost.address}${typeof lost.port === 'number' ? `:${lost.port}` : ''}` : undefined;
    const endpoint = site?.endpoint ?? fallbackEndpoint ?? address ?? 'the AWS endpoint';
    return new ColdpackError('AWS_UNREACHABLE', `${operation ? `${operation}: ` : ''}cannot reach ${endpoint}: ${messageOf(lost)}`, { cause: err });
  }
  const sdk = errorChain(err).find((e) => e !== null && typeof e === 'object' && '$metadata' in e);
  if (sdk !== undefined) {
    const name = (sdk as Loose).name;
    const what = operation ?? 'an AWS call';
    return new ColdpackError('AWS_ERROR', `${what} failed: ${typeof name === 'string' && name !== 'Error' ? `${name}: ` : ''}${messageOf(sdk)}`, {
      cause: err,
    });
  }
  return new ColdpackError('INTERNAL', `unexpected error: ${err instanceof Error ? `${err.name}: ` : ''}${messageOf(err)}`, { cause: err });
}

/** One link of a cause chain as `--debug` prints it. */
export interface CauseLink {
  readonly name: string;
  readonly message: string;
  /** Coldpack code or Node error code (e.g. `ECONNREFUSED`). */
  readonly code?: string;
  /** HTTP status AWS answered (SDK `$metadata.httpStatusCode`). */
  readonly httpStatus?: number;
  /** AWS request id (SDK `$metadata.requestId`). */
  readonly requestId?: string;
  /** SDK attempts made (`$metadata.attempts`). */
  readonly attempts?: number;
  /** The AWS operation, when the clients recorded it. */
  readonly operation?: string;
}

/** The chain of `err` and its causes, outermost first, each with what it tells. */
export function causeChain(err: unknown): CauseLink[] {
  return errorChain(err).map((e) => {
    const l = (e !== null && typeof e === 'object' ? e : {}) as Loose;
    const meta = (l.$metadata ?? {}) as { httpStatusCode?: unknown; requestId?: unknown; attempts?: unknown };
    const operation = operationName(awsCallSiteOf(e));
    return {
      name: typeof l.name === 'string' ? l.name : typeof e,
      message: messageOf(e),
      ...(typeof l.code === 'string' ? { code: l.code } : {}),
      ...(typeof meta.httpStatusCode === 'number' ? { httpStatus: meta.httpStatusCode } : {}),
      ...(typeof meta.requestId === 'string' ? { requestId: meta.requestId } : {}),
      ...(typeof meta.attempts === 'number' ? { attempts: meta.attempts } : {}),
      ...(operation ? { operation } : {}),
    };
  });
}

/** {@link causeChain} as text lines: `caused by: <name>: <message> (code X, HTTP 503, request id R, ...)`. */
export function formatCauseChain(err: unknown): string[] {
  return causeChain(err).map((link, i) => {
    const facts = [
      link.operation,
      link.code === undefined ? undefined : `code ${link.code}`,
      link.httpStatus === undefined ? undefined : `HTTP ${link.httpStatus}`,
      link.requestId === undefined ? undefined : `request id ${link.requestId}`,
      link.attempts === undefined ? undefined : `${link.attempts} attempt${link.attempts === 1 ? '' : 's'}`,
    ].filter((f): f is string => f !== undefined);
    return `${i === 0 ? 'error' : 'caused by'}: ${link.name}: ${link.message}${facts.length ? ` (${facts.join(', ')})` : ''}`;
  });
}
