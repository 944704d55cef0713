/**
 * The one codec of page tokens (`nextToken`), used by every paginated list: the API's in-memory
 * pages (`src/api/request.ts`), the file lookups across buckets (`src/restore/file-lookup.ts`) and
 * the DynamoDB query pages (`src/adapters/dynamo/`). A token is the base64url of a small JSON
 * payload; a token that is not one this codec issued, or whose payload the caller's check refuses,
 * is a 400 `VALIDATION_ERROR` on `nextToken` — never an exception from deeper down (a crafted token
 * reaching DynamoDB as an `ExclusiveStartKey` would be a 500).
 *
 * Tokens are not signed (no secret is shared by every API instance), so every reader checks the
 * payload's shape and bounds with its `check` before using it.
 */
import { ValidationError } from './errors.js';

/**
 * Longest token accepted, in characters: 8,192. The largest token issued, a `by_name` DynamoDB key
 * (`pk` and `name_key` each up to 1,088 bytes, as bucket + 1,024-byte key) wrapped in the cross-bucket
 * position, is about 4,300 characters.
 */
export const MAX_PAGE_TOKEN_CHARS = 8192;

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** The 400 of a bad token. */
export function badPageToken(why: string): ValidationError {
  return new ValidationError(`nextToken is not a token this API issued (${why}); start again without nextToken`, 'nextToken');
}

/**
 * Encode a payload as a page token.
 * @param payload any JSON value (the caller's own position: an offset, a DynamoDB key, ...)
 * @returns base64url text
 */
export function encodePageToken(payload: unknown): string {
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

/**
 * Decode a page token and check its payload.
 * @param token the `nextToken` received (undefined: first page)
 * @param check returns the typed payload, or undefined when the payload is not one the caller issues
 * @returns undefined for no token, else the checked payload
 * @throws ValidationError (400, field `nextToken`) for anything else: not base64url, over
 *   {@link MAX_PAGE_TOKEN_CHARS}, not JSON, or refused by `check`
 */
export function decodePageToken<T>(token: string | undefined, check: (payload: unknown) => T | undefined): T | undefined {
  if (token === undefined) return undefined;
  if (token.length === 0 || token.length > MAX_PAGE_TOKEN_CHARS || !BASE64URL.test(token)) {
    throw badPageToken(`expected 1-${MAX_PAGE_TOKEN_CHARS} base64url characters`);
  }
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw badPageToken('not a JSON payload');
  }
  const checked = check(payload);
  if (checked === undefined) throw badPageToken('unexpected content');
  return checked;
}

/** A check for {@link decodePageToken}: a safe integer ≥ 0 (an offset), else undefined. */
export function offsetOf(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : undefined;
}

/** Whether `v` is a plain JSON object (not null, not an array). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
