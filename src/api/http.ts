/**
 * HTTP plumbing shared by every route: JSON responses, reading and parsing request bodies with a
 * size limit, Zod issues -> {@link ValidationError}, and the ONE place that maps errors to responses.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { z } from 'zod';
import { ERROR_CODES } from '../domain/error-codes.js';
import { ColdpackError, ConflictError, JobStartError, ValidationError } from '../domain/errors.js';
import { asColdpackError } from '../domain/unexpected-errors.js';
import { LONE_SURROGATE_MESSAGE, quote } from './fields.js';
import { MAX_JSON_DEPTH, describeValue, jsonNestingDepth, loneSurrogatePath } from './input-guards.js';
import type { ApiLogger } from './ports.js';

/** The JSON input guards, re-exported for the routes and tests that import them from here. */
export { MAX_JSON_DEPTH, describeValue, jsonNestingDepth };

/** Most validation issues listed in a 400 body (the rest are counted): 20. */
export const MAX_REPORTED_ISSUES = 20;

/**
 * Default request body limit: 1 MiB (1,048,576 bytes). Well under the hard caps of the platform:
 * API Gateway REST payload 10 MB (https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html)
 * and Lambda synchronous invocation payload 6 MB each way
 * (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html).
 */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** Lambda's synchronous response payload cap: 6 MB. Every response body stays under it. */
export const LAMBDA_RESPONSE_LIMIT_BYTES = 6 * 1024 * 1024;

/** Error body of every non-2xx answer. `field` names the offending request field when known. */
export interface ErrorBody {
  readonly code: string;
  readonly message: string;
  readonly field?: string;
  readonly [extra: string]: unknown;
}

/** Body too large: HTTP 413. */
export class PayloadTooLargeError extends ColdpackError {
  /** @param message says the limit, the size that arrived, and the bulk path to use instead */
  constructor(message: string) {
    super('PAYLOAD_TOO_LARGE', message);
  }
}

/** Missing credentials: HTTP 401. */
export class UnauthorizedError extends ColdpackError {
  /** @param message what was expected (e.g. an `Authorization: Bearer` header) */
  constructor(message: string) {
    super('UNAUTHORIZED', message);
  }
}

/** Credentials present but not accepted: HTTP 403. */
export class ForbiddenError extends ColdpackError {
  /** @param message why access is refused */
  constructor(message: string) {
    super('FORBIDDEN', message);
  }
}

/** A collaborator is not wired in this process (e.g. estimate without a price table): HTTP 501. */
export class NotImplementedError extends ColdpackError {
  /** @param message what is missing */
  constructor(message: string) {
    super('NOT_IMPLEMENTED', message, { expose: true });
  }
}

/** A JSON response with `no-store` caching. `headers` are added to the defaults. */
export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

/** Value of a header, case-insensitively (API Gateway keeps the client's casing). */
export function header(event: APIGatewayProxyEvent, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(event.headers ?? {})) if (k.toLowerCase() === lower && v != null) return v;
  return undefined;
}

/** Line and column (1-based) of a character position in `text`. */
export function lineAndColumn(text: string, position: number): { line: number; column: number } {
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  return { line, column: position - before.lastIndexOf('\n') };
}

/**
 * Decode and parse a JSON request body.
 * @param maxBytes body size limit in bytes (default {@link DEFAULT_MAX_BODY_BYTES})
 * @param bulkHint appended to the 413 message: where large inputs go instead
 * @throws PayloadTooLargeError (413) over the limit
 * @throws ValidationError (400, code `MALFORMED_JSON`) with the parser's message, position, line and column
 */
export function parseJsonBody(event: APIGatewayProxyEvent, maxBytes = DEFAULT_MAX_BODY_BYTES, bulkHint = ''): unknown {
  const raw = event.body ?? '';
  const buf = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (buf.length > maxBytes) {
    throw new PayloadTooLargeError(`request body is ${buf.length} bytes; the limit is ${maxBytes} bytes.${bulkHint ? ' ' + bulkHint : ''}`);
  }
  const text = buf.toString('utf8');
  if (text.trim() === '') throw new ValidationError('request body is empty; expected a JSON object', undefined, 'MALFORMED_JSON');
  const depth = jsonNestingDepth(text, MAX_JSON_DEPTH);
  if (depth > MAX_JSON_DEPTH) {
    throw new ValidationError(`request body nests arrays or objects more than ${MAX_JSON_DEPTH} levels deep; no request needs more than 3`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    const pos = /position (\d+)/.exec(msg);
    let where = '';
    if (pos?.[1] !== undefined) {
      const p = Number(pos[1]);
      const { line, column } = lineAndColumn(text, p);
      const lines = text.split('\n');
      const prev = line >= 2 ? `${line - 1}: ${lines[line - 2]?.trim() ?? ''} | ` : '';
      where = ` (line ${line}, column ${column}; near: ${prev}${line}: ${(lines[line - 1] ?? '').trim().slice(0, 80)})`;
    }
    throw new ValidationError(
      `malformed JSON body: ${msg.replace(/\s*\(line \d+ column \d+\)/, '')}${where}. Check for a missing comma or quote.`,
      undefined,
      'MALFORMED_JSON',
    );
  }
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = input;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[p];
  }
  return cur;
}

/**
 * Validate `input` with a Zod schema.
 * @returns the parsed value
 * @throws ValidationError (400): `field` = the first issue's path (dotted), message = what was
 *   expected and what arrived; `issues` lists every problem as `{field, message}`
 */
export function validate<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new ValidationError(`${what} must be a JSON object, got ${Array.isArray(input) ? 'an array' : describeValue(input)}`);
  }
  const bad = loneSurrogatePath(input);
  if (bad !== undefined) throw new ValidationError(`${bad}: ${LONE_SURROGATE_MESSAGE}`, bad);
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const allowed = Object.keys((schema as unknown as { shape?: object }).shape ?? {});
  const issues = r.error.issues.slice(0, MAX_REPORTED_ISSUES).map((iss) => {
    if (iss.code === 'unrecognized_keys') {
      const keys = iss.keys;
      return {
        field: [...iss.path, keys[0] ?? ''].join('.'),
        message: `unknown field${keys.length > 1 ? 's' : ''} ${keys
          .slice(0, 5)
          .map((k) => quote(k, 64))
          .join(', ')}${keys.length > 5 ? ` and ${keys.length - 5} more` : ''}${allowed.length ? `; allowed: ${allowed.join(', ')}` : ''}`,
      };
    }
    const field = iss.path.map(String).join('.');
    const got =
      iss.code === 'custom' && iss.path.length === 1 && !(iss.path[0]! in (input as object)) ? '' : ` (got ${describeValue(valueAt(input, iss.path))})`;
    return { field, message: `${field}: ${iss.message}${got}` };
  });
  const first = issues[0]!;
  const more = r.error.issues.length - 1;
  const err = new ValidationError(more === 0 ? first.message : `${first.message}; and ${more} more problem(s)`, first.field || undefined);
  Object.assign(err, { details: { issues } });
  throw err;
}

/**
 * The one place errors become responses. Any error is first a {@link ColdpackError} (raw SDK or
 * Node errors become `AWS_UNREACHABLE`, `AWS_ERROR` or `INTERNAL`, see `asColdpackError`); it
 * answers the HTTP status of its code in `src/domain/error-codes.ts`.
 * - 4xx: `{code, message, field}` (+ ConflictError details such as `job_id`, + validation `issues`);
 * - 5xx (and any error with `expose: false`): `{code, message}` where the message is the code's
 *   one-line meaning and the request id, never the details, which are logged with the request id.
 */
export function errorResponse(err: unknown, requestId: string, log?: ApiLogger): APIGatewayProxyResult {
  const e = asColdpackError(err);
  if (e instanceof JobStartError) {
    log?.error({ err, code: e.code, requestId }, 'job recorded but not started');
    return json(e.status, { code: e.code, message: e.message, ...e.details });
  }
  if (e.status >= 500 || !e.expose) {
    log?.error({ err, code: e.code, requestId }, 'request failed');
    return json(e.status, { code: e.code, message: `${ERROR_CODES[e.code].meaning}; quote request id ${requestId} when reporting it` });
  }
  const details = e instanceof ConflictError ? e.details : ((e as { details?: Record<string, unknown> }).details ?? {});
  const { code: _c, message: _m, field: _f, ...extra } = details;
  const body: ErrorBody = { code: e.code, message: e.message, ...(e.field ? { field: e.field } : {}), ...extra };
  return json(e.status, body);
}
