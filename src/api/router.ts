/**
 * A small router over API Gateway REST proxy events: routes are `METHOD /literal/{param}` templates;
 * an unknown path is 404, a known path with another method is 405 with an `Allow` header.
 * Matching uses `event.path`, so it works behind per-route resources and behind a `{proxy+}`
 * resource alike. Every `{param}` must be an id of the form coldpack issues ({@link PATH_ID_PATTERN}),
 * else 400 naming it: no route sees an unbounded or non-ASCII id.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { ColdpackError, ValidationError } from '../domain/errors.js';
import { PATH_ID_PATTERN, quote } from './fields.js';

/** HTTP methods the API uses. */
export type HttpMethod = 'GET' | 'POST';

/** What a route handler receives. */
export interface RouteContext {
  readonly event: APIGatewayProxyEvent;
  /** Decoded path parameters, e.g. `{ job_id: '...' }`. */
  readonly params: Readonly<Record<string, string>>;
  /** Id of this request (API Gateway's, or generated locally), for logs and error bodies. */
  readonly requestId: string;
}

/** A route handler. Throws {@link ColdpackError}s for 4xx answers. */
export type RouteHandler = (ctx: RouteContext) => Promise<APIGatewayProxyResult>;

/** One route: method, path template (`/archive/{job_id}`), handler; `public` routes skip auth. */
export interface Route {
  readonly method: HttpMethod;
  readonly path: string;
  readonly handler: RouteHandler;
  /** True for routes that need no authentication (`/health`). Default false. */
  readonly public?: boolean;
}

/** Unknown path: HTTP 404. */
export class RouteNotFoundError extends ColdpackError {
  /** @param method request method; @param path request path */
  constructor(method: string, path: string, known: readonly string[]) {
    super('ROUTE_NOT_FOUND', `no route ${method.slice(0, 16)} ${quote(path)}; routes: ${known.join(', ')}`);
  }
}

/** Known path, wrong method: HTTP 405 (the response carries `Allow`). */
export class MethodNotAllowedError extends ColdpackError {
  /** Methods the path accepts. */
  readonly allow: readonly string[];
  /** @param method request method; @param path request path; @param allow accepted methods */
  constructor(method: string, path: string, allow: readonly string[]) {
    super('METHOD_NOT_ALLOWED', `${method.slice(0, 16)} is not allowed on ${quote(path)}; use ${allow.join(' or ')}`);
    this.allow = allow;
  }
}

/** A route and the path parameters it matched. */
export interface RouteMatch {
  readonly route: Route;
  readonly params: Record<string, string>;
}

function segments(path: string): string[] {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed === '' ? [] : trimmed.slice(1).split('/');
}

function matchTemplate(template: string, path: string): Record<string, string> | undefined {
  const t = segments(template);
  const p = segments(path);
  if (t.length !== p.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < t.length; i++) {
    const ts = t[i]!;
    const ps = p[i]!;
    if (ts.startsWith('{') && ts.endsWith('}')) {
      if (ps === '') return undefined;
      const name = ts.slice(1, -1);
      let value: string;
      try {
        value = decodeURIComponent(ps);
      } catch {
        throw new ValidationError(`path segment ${quote(ps)} is not valid percent-encoding`, name);
      }
      if (!PATH_ID_PATTERN.test(value)) {
        throw new ValidationError(`${name} ${quote(value)} is not an id coldpack issues: 1-255 printable ASCII characters without spaces`, name);
      }
      params[name] = value;
    } else if (ts !== ps) return undefined;
  }
  return params;
}

/**
 * Find the route for `method` and `path`.
 * @throws RouteNotFoundError (404) when no template matches the path
 * @throws MethodNotAllowedError (405) when templates match the path but none has this method
 */
export function matchRoute(routes: readonly Route[], method: string, path: string): RouteMatch {
  const allow: string[] = [];
  for (const route of routes) {
    const params = matchTemplate(route.path, path);
    if (!params) continue;
    if (route.method === method.toUpperCase()) return { route, params };
    allow.push(route.method);
  }
  if (allow.length > 0) throw new MethodNotAllowedError(method.toUpperCase(), path, [...new Set(allow)]);
  throw new RouteNotFoundError(
    method.toUpperCase(),
    path,
    routes.map((r) => `${r.method} ${r.path}`),
  );
}
