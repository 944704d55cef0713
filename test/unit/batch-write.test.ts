import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchDelete, batchPut } from '../../src/adapters/dynamo/batch-write.js';

// A recording double of the DynamoDB document client: BatchWriteItem answers with the first
// item of each call unprocessed once, as DynamoDB does under throttling.
function flakyClient(): { client: DynamoDBDocumentClient; written: string[]; calls: number } {
  const state = { written: [] as string[], calls: 0, client: undefined as unknown as DynamoDBDocumentClient };
  const seen = new Set<string>();
  state.client = {
    send: async (cmd: { input: { RequestItems: Record<string, Array<{ PutRequest: { Item: { id: string } } }>> } }) => {
      state.calls++;
      const [table, reqs] = Object.entries(cmd.input.RequestItems)[0]!;
      assert.ok(reqs.length <= 25, 'at most 25 requests per call');
      const first = reqs[0]!.PutRequest.Item.id;
      const unprocessed = seen.has(first) ? [] : [reqs[0]!];
      seen.add(first);
      for (const r of reqs) if (!unprocessed.includes(r)) state.written.push(r.PutRequest.Item.id);
      return { UnprocessedItems: unprocessed.length ? { [table]: unprocessed } : {} };
    },
  } as unknown as DynamoDBDocumentClient;
  return state;
}

test('batchPut writes every item once, 25 per call, retrying UnprocessedItems', async () => {
  const items = Array.from({ length: 103 }, (_, i) => ({ id: `i${i}` }));
  const double = flakyClient();
  const { calls } = await batchPut(double.client, 't', items, { sleep: async () => undefined });
  assert.equal(double.written.length, 103);
  assert.equal(new Set(double.written).size, 103);
  assert.equal(calls, 10, '5 chunks, each retried once');
});

test('batchPut gives up with UNPROCESSED_ITEMS after maxRetries', async () => {
  const client = {
    send: async (cmd: { input: { RequestItems: Record<string, unknown[]> } }) => ({ UnprocessedItems: cmd.input.RequestItems }),
  } as unknown as DynamoDBDocumentClient;
  await assert.rejects(batchPut(client, 't', [{ id: 'x' }], { maxRetries: 2, sleep: async () => undefined }), /stayed unprocessed after 2 retries/);
});

test('batchDelete sends DeleteRequests of the keys, 25 per call, retrying UnprocessedItems', async () => {
  const deleted: string[] = [];
  let calls = 0;
  const client = {
    send: async (cmd: { input: { RequestItems: Record<string, Array<{ DeleteRequest: { Key: { pk: string } } }>> } }) => {
      calls++;
      const [table, reqs] = Object.entries(cmd.input.RequestItems)[0]!;
      assert.ok(reqs.length <= 25);
      // The last request of a full first call is left unprocessed once.
      const unprocessed = calls === 1 ? reqs.slice(-1) : [];
      for (const r of reqs.slice(0, reqs.length - unprocessed.length)) deleted.push(r.DeleteRequest.Key.pk);
      return { UnprocessedItems: unprocessed.length ? { [table]: unprocessed } : {} };
    },
  } as unknown as DynamoDBDocumentClient;
  const keys = Array.from({ length: 30 }, (_, i) => ({ pk: `k${i}`, sk: 's' }));
  const res = await batchDelete(client, 't', keys, { sleep: async () => undefined, concurrency: 1 });
  assert.deepEqual([...deleted].sort(), keys.map((k) => k.pk).sort());
  assert.equal(res.calls, 3);
});
