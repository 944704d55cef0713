/**
 * Request helpers for route handlers: idempotency keys, query parameters, status URLs, callers,
 * and byte-bounded pagination so every response stays under Lambda's 6 MB cap.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { z } from 'zod';
import { ValidationError } from '../domain/errors.js';
import { badPageToken, decodePageToken, encodePageToken, isPlainObject, offsetOf } from '../domain/page-token.js';
import { RequestId } from './fields.js';
import { header, validate } from './http.js';

/**
 * The idempotency key of a POST: the `Idempotency-Key` header or the body's `request_id`.
 * @throws ValidationError when the header is malformed or both are given and differ
 */
export function idempotencyKey(event: APIGatewayProxyEvent, requestId: string | undefined): string | undefined {
  const h = header(event, 'idempotency-key');
  if (h !== undefined && !RequestId.safeParse(h).success) {
    throw new ValidationError('Idempotency-Key header must be 1-255 printable ASCII characters without spaces', 'Idempotency-Key');
  }
  if (h !== undefined && requestId !== undefined && h !== requestId) {
    throw new ValidationError(
      `Idempotency-Key header (${JSON.stringify(h)}) and request_id (${JSON.stringify(requestId)}) differ; give one, or the same value`,
      'request_id',
    );
  }
  return h ?? requestId;
}

/** Validated query parameters of a request (`schema` is a strict object of optional strings). */
export function queryParams<S extends z.ZodType>(event: APIGatewayProxyEvent, schema: S): z.output<S> {
  const q: Record<string, string> = {};
  for (const [k, v] of Object.entries(event.queryStringParameters ?? {})) if (v != null) q[k] = v;
  return validate(schema, q, 'query string');
}

/** A `limit` query parameter: decimal 1-1,000, default 1,000. */
export const LimitParam = z
  .string()
  .regex(/^\d{1,4}$/, { error: 'must be an integer 1-1000' })
  .transform(Number)
  .pipe(z.int().min(1, { error: 'must be at least 1' }).max(1000, { error: 'must be at most 1000' }))
  .optional();

/**
 * Absolute base URL of the API as the caller reached it: `https://host[/stage]`. The stage (or
 * custom-domain base path) is the part of `requestContext.path` before `event.path`.
 */
export function baseUrl(event: APIGatewayProxyEvent): string {
  const host = header(event, 'host') ?? event.requestContext?.domainName ?? 'localhost';
  const proto = header(event, 'x-forwarded-proto') ?? 'https';
  const full = event.requestContext?.path ?? event.path;
  const base = full && full.endsWith(event.path) ? full.slice(0, full.length - event.path.length) : '';
  return `${proto}://${host}${base}`;
}

/** Who is calling: the IAM ARN API Gateway verified, else `api`. */
export function caller(event: APIGatewayProxyEvent): string {
  return event.requestContext?.identity?.userArn ?? 'api';
}

/** Page budget: at most this many bytes of items per response (well under Lambda's 6 MB). */
export const PAGE_BYTE_BUDGET = 4 * 1024 * 1024;

const offsetPayload = (v: unknown): number | undefined => (isPlainObject(v) ? offsetOf(v.o) : undefined);

/**
 * One page of an in-memory list: at most `limit` items and at most {@link PAGE_BYTE_BUDGET} bytes
 * of JSON (at least one item), from the offset in `token` (the one page-token codec,
 * `src/domain/page-token.ts`).
 * @throws ValidationError (400 on `nextToken`) for a token that was not issued here
 */
export function pageOf<T>(items: readonly T[], limit: number, token: string | undefined): { items: T[]; nextToken?: string } {
  const start = decodePageToken(token, offsetPayload) ?? 0;
  if (start > items.length) throw badPageToken('past the end of the list');
  const out: T[] = [];
  let bytes = 0;
  let i = start;
  for (; i < items.length && out.length < limit; i++) {
    const size = Buffer.byteLength(JSON.stringify(items[i]));
    if (out.length > 0 && bytes + size > PAGE_BYTE_BUDGET) break;
    bytes += size;
    out.push(items[i]!);
  }
  return i < items.length ? { items: out, nextToken: encodePageToken({ o: i }) } : { items: out };
}
