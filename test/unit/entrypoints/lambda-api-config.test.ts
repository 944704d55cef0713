import { test } from 'node:test';
import assert from 'node:assert/strict';
import { proxyEvent } from '../api/event.js';

test('the API Lambda answers a misconfigured environment with 500 CONFIG_ERROR, details hidden', async () => {
  // This file runs in its own process: the handler reads process.env on its first call.
  process.env.COLDPACK_CONCURRENCY = 'secret-value';
  const { handler } = await import('../../../src/entrypoints/lambda/api.js');
  const r = await handler(proxyEvent('GET', '/health'));
  assert.equal(r.statusCode, 500);
  const body = JSON.parse(r.body) as { code: string; message: string };
  assert.equal(body.code, 'CONFIG_ERROR');
  assert.match(body.message, /configuration \(environment\) is invalid; quote request id req-1/);
  assert.doesNotMatch(r.body, /secret-value/);
});
