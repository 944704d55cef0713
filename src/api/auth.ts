/**
 * Authorizers for {@link createApiHandler}: a bearer token for `coldpack serve`, and a guard for
 * Lambda that insists API Gateway verified an IAM (SigV4) caller.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ForbiddenError, UnauthorizedError, header } from './http.js';
import type { Authorizer } from './handler.js';

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/**
 * Require `Authorization: Bearer <token>`: missing or not a bearer header -> 401, wrong token -> 403.
 * Compared in constant time (SHA-256 digests).
 * @throws Error when `token` is shorter than 16 characters (too easy to guess)
 */
export function bearerAuthorizer(token: string): Authorizer {
  if (token.length < 16) throw new Error('the API token must be at least 16 characters');
  const expected = digest(token);
  return (event: APIGatewayProxyEvent) => {
    const h = header(event, 'authorization');
    if (h === undefined || h.trim() === '') {
      throw new UnauthorizedError('missing credentials: send "Authorization: Bearer <token>" (COLDPACK_API_TOKEN or .coldpack/api-token)');
    }
    const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
    if (!m) throw new UnauthorizedError('the Authorization header must be "Bearer <token>"');
    if (!timingSafeEqual(digest(m[1]!), expected)) throw new ForbiddenError('the bearer token is not valid for this server');
  };
}

/**
 * For Lambda behind an API Gateway method with `AWS_IAM` authorization: refuse an event without a
 * verified caller (`requestContext.identity.userArn`), i.e. a method deployed without IAM auth.
 */
export const iamAuthorizer: Authorizer = (event) => {
  if (!event.requestContext?.identity?.userArn) {
    throw new UnauthorizedError('this API requires IAM (SigV4-signed) requests');
  }
};

/** A new random API token: 32 bytes, base64url (43 characters). */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}
