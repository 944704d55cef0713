/**
 * The DynamoDB catalog adapter never returns part of a BatchGetItem answer as complete: keys left
 * unprocessed are retried, and keys still unprocessed after the retries fail the read
 * (`UNPROCESSED_ITEMS`) instead of being skipped (a throttled prefix restore used to drop bundles).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ColdpackError } from '../../../src/domain/errors.js';
import { DynamoArchiveCatalogStore } from '../../../src/adapters/dynamo/dynamo-archive-catalog-store.js';

type Keys = Record<string, { Keys: Record<string, unknown>[] }>;
const tables = { jobs: 'jobs', bundles: 'bundles', files: 'files' };
const noSleep = { sleep: async () => undefined };

/** A double of the document client answering BatchGetItem; `unprocessed(call, keys)` picks the keys it leaves. */
function client(items: (key: Record<string, unknown>) => Record<string, unknown> | undefined, unprocessed: (call: number, keys: Record<string, unknown>[]) => Record<string, unknown>[]) {
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

test('bundles: keys left unprocessed once are retried and every item comes back', async () => {
  const keys = Array.from({ length: 150 }, (_, i) => `bundles/b${i}.zip`);
  const double = client((k) => ({ bundle_key: k.bundle_key, state: 'COMMITTED' }), (call, ks) => (call < 2 ? ks.slice(0, 7) : []));
  const got = await new DynamoArchiveCatalogStore(double.client, tables, noSleep).bundles(keys);
  assert.deepEqual(got.map((b) => b.bundle_key).sort(), [...keys].sort());
  assert.equal(double.calls(), 4, 'two chunks of at most 100 keys, each retried once');
});

test('bundles: keys still unprocessed after the retries fail the read with UNPROCESSED_ITEMS', async () => {
  const double = client((k) => ({ bundle_key: k.bundle_key }), (_call, ks) => ks.slice(0, 1));
  await assert.rejects(
    new DynamoArchiveCatalogStore(double.client, tables, { ...noSleep, maxRetries: 3 }).bundles(['bundles/a.zip', 'bundles/b.zip']),
    (err: unknown) => err instanceof ColdpackError && err.code === 'UNPROCESSED_ITEMS' && /BatchGetItem bundles: 1 items stayed unprocessed after 3 retries/.test(err.message),
  );
});

test('job source buckets: from the stored request, or the flat attribute of older items; unknown jobs are absent', async () => {
  const double = client(
    (k) => (k.pk === 'ARCHIVE#j1' ? { pk: k.pk, sk: 'JOB', request: { source: { bucket: 'src-1' } } } : k.pk === 'ARCHIVE#j2' ? { pk: k.pk, sk: 'JOB', source_bucket: 'src-2' } : undefined),
    () => [],
  );
  const got = await new DynamoArchiveCatalogStore(double.client, tables, noSleep).jobSourceBuckets(['j1', 'j2', 'j3', 'j1']);
  assert.deepEqual([...got].sort(), [['j1', 'src-1'], ['j2', 'src-2']]);
});
