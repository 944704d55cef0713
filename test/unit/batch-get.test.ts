/**
 * BatchGetItem never returns part of an answer as complete: keys left unprocessed are retried, and
 * keys still unprocessed after the retries fail the read (`UNPROCESSED_ITEMS`) instead of being
 * skipped (a throttled read used to drop items silently).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ColdpackError } from '../../src/domain/errors.js';
import { batchGet } from '../../src/adapters/dynamo/batch-get.js';

type Keys = Record<string, { Keys: Record<string, unknown>[] }>;
const noSleep = { sleep: async () => undefined };

/** A double of the document client answering BatchGetItem; `unprocessed(call, keys)` picks the keys it leaves. */
function client(
  items: (key: Record<string, unknown>) => Record<string, unknown> | undefined,
  unprocessed: (call: number, keys: Record<string, unknown>[]) => Record<string, unknown>[],
) {
  let calls = 0;
  const c = {
    send: async (cmd: { input: { RequestItems: Keys } }) => {
      const [table, { Keys }] = Object.entries(cmd.input.RequestItems)[0]!;
      const left = unprocessed(calls++, Keys);
      const served = Keys.filter((k) => !left.includes(k)).flatMap((k) => items(k) ?? []);
      return { Responses: { [table]: served }, UnprocessedKeys: left.length ? { [table]: { Keys: left } } : {} };
    },
  } as unknown as DynamoDBDocumentClient;
  return { client: c, calls: () => calls };
}

test('keys left unprocessed once are retried and every item comes back', async () => {
  const keys = Array.from({ length: 150 }, (_, i) => ({ pk: `k${i}`, sk: 'x' }));
  const double = client(
    (k) => ({ ...k, n: 1 }),
    (call, ks) => (call < 2 ? ks.slice(0, 7) : []),
  );
  const got = await batchGet<{ pk: string }>(double.client, 'files', keys, noSleep);
  assert.deepEqual(got.map((i) => i.pk).sort(), keys.map((k) => k.pk).sort());
  assert.equal(double.calls(), 4, 'two chunks of at most 100 keys, each retried once');
});

test('keys still unprocessed after the retries fail the read with UNPROCESSED_ITEMS', async () => {
  const double = client(
    (k) => ({ ...k }),
    (_call, ks) => ks.slice(0, 1),
  );
  await assert.rejects(
    batchGet(double.client, 'files', [{ pk: 'a' }, { pk: 'b' }], { ...noSleep, maxRetries: 3 }),
    (err: unknown) =>
      err instanceof ColdpackError && err.code === 'UNPROCESSED_ITEMS' && /BatchGetItem files: 1 items stayed unprocessed after 3 retries/.test(err.message),
  );
});
