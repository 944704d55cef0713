import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MethodNotAllowedError, RouteNotFoundError, matchRoute, type Route } from '../../../src/api/router.js';
import { ValidationError } from '../../../src/domain/errors.js';

const noop = async () => ({ statusCode: 200, body: '' });
const routes: Route[] = [
  { method: 'POST', path: '/archive', handler: noop },
  { method: 'GET', path: '/archive/{job_id}', handler: noop },
  { method: 'GET', path: '/health', handler: noop, public: true },
];

describe('router', () => {
  it('matches literal and parameter segments, decoding parameters', () => {
    assert.equal(matchRoute(routes, 'POST', '/archive').route, routes[0]);
    assert.deepEqual(matchRoute(routes, 'GET', '/archive/a%2Fb%2Bc').params, { job_id: 'a/b+c' });
    assert.equal(matchRoute(routes, 'get', '/health/').route, routes[2]);
  });
  it('refuses a path id coldpack never issues with a 400 naming it (spaces, non-ASCII, over 255 characters)', () => {
    for (const seg of ['a%20b', '%C3%A9', 'x'.repeat(256), '%00', '%E0%A4%A']) {
      assert.throws(
        () => matchRoute(routes, 'GET', `/archive/${seg}`),
        (e: unknown) => e instanceof ValidationError && e.status === 400 && e.field === 'job_id' && e.message.length < 300,
        seg,
      );
    }
  });
  it('answers 404 for unknown paths and 405 with the allowed methods for known ones', () => {
    assert.throws(
      () => matchRoute(routes, 'GET', '/nope'),
      (e: unknown) => e instanceof RouteNotFoundError && e.status === 404,
    );
    assert.throws(() => matchRoute(routes, 'GET', '/archive/x/y'), RouteNotFoundError);
    assert.throws(
      () => matchRoute(routes, 'DELETE', '/archive'),
      (e: unknown) => e instanceof MethodNotAllowedError && e.status === 405 && e.allow.join() === 'POST',
    );
    assert.throws(() => matchRoute(routes, 'GET', '/archive'), MethodNotAllowedError);
  });
  it('refuses a parameter with broken percent-encoding', () => {
    assert.throws(() => matchRoute(routes, 'GET', '/archive/%E0%A4%A'), ValidationError);
  });
});
