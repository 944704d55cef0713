/**
 * A connection that goes silent for good (no reset, no close) must fail its request instead of
 * hanging it: found by fault injection (issue 12), where an archive hung for minutes while its
 * heartbeat kept it looking alive. A loopback server that accepts and never answers stands in for
 * the lost flow; the S3 adapter must give up with UNAVAILABLE after the idle-socket limit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createAwsClients } from '../../src/adapters/aws-clients.js';
import { S3ObjectStore } from '../../src/adapters/s3/s3-object-store.js';
import { ObjectStoreError } from '../../src/domain/ports/object-store.js';

test('a silent connection fails the request after the idle-socket limit (no hang)', { timeout: 20_000 }, async () => {
  const sockets: Socket[] = [];
  const server = createServer((s) => void sockets.push(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  process.env.AWS_ACCESS_KEY_ID ??= 'test';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
  const clients = createAwsClients({ region: 'us-east-1', endpoint: `http://127.0.0.1:${port}`, maxAttempts: 1, socketTimeoutMs: 300 });
  try {
    const started = Date.now();
    const err = await new S3ObjectStore(clients.s3).getObject({ bucket: 'silent', key: 'k' }).catch((e: unknown) => e);
    assert.ok(err instanceof ObjectStoreError, String(err));
    assert.equal(err.failure, 'UNAVAILABLE', err.message);
    assert.ok(Date.now() - started < 10_000, 'gave up in bounded time');
  } finally {
    clients.destroy();
    for (const s of sockets) s.destroy();
    await new Promise((r) => server.close(r));
  }
});
