import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buffer } from 'node:stream/consumers';
import { fetchInOrder, type Fetched } from '../../../src/archive/object-fetcher.js';
import type { SourceObject } from '../../../src/domain/model.js';
import { ObjectStoreError, type GetObjectInput, type GotObject, type ObjectHead, type ObjectStoreFailure } from '../../../src/domain/ports/object-store.js';
import { MemoryObjectStore } from '../../support/memory-object-store.js';

/** Answers GETs after a per-key delay and fails chosen keys with chosen failures; HEAD can report SSE-KMS. */
class ScriptedStore extends MemoryObjectStore {
  readonly delays = new Map<string, number>();
  readonly failures = new Map<string, ObjectStoreFailure | Error>();
  readonly kms = new Set<string>();
  headFails = false;

  override async getObject(input: GetObjectInput): Promise<GotObject> {
    await new Promise((r) => setTimeout(r, this.delays.get(input.key) ?? 0));
    const f = this.failures.get(input.key);
    if (f instanceof Error) throw f;
    if (f) throw new ObjectStoreError(f, { operation: 'GetObject', bucket: input.bucket, key: input.key }, { message: 'scripted' });
    return super.getObject(input);
  }

  override async headObject(input: { bucket: string; key: string }): Promise<ObjectHead> {
    if (this.headFails) throw new ObjectStoreError('ACCESS_DENIED', { operation: 'HeadObject', bucket: input.bucket, key: input.key }, { message: 'scripted' });
    const head = await super.headObject(input);
    return this.kms.has(input.key) ? { ...head, serverSideEncryption: 'aws:kms', sseKmsKeyId: 'key-1' } : head;
  }
}

function seeded(n: number): { store: ScriptedStore; objects: SourceObject[] } {
  const store = new ScriptedStore();
  const objects: SourceObject[] = [];
  for (let i = 0; i < n; i++) {
    const key = `k/${String(i).padStart(3, '0')}`;
    const o = store.seed('src', key, `body of ${key}`);
    objects.push({ bucket: 'src', key, size: o.body.length, etag: o.etag });
  }
  return { store, objects };
}

async function drain(it: AsyncIterable<Fetched>): Promise<Fetched[]> {
  const out: Fetched[] = [];
  for await (const f of it) {
    if (f.kind === 'stream') await buffer(f.body);
    out.push(f);
  }
  return out;
}

describe('object fetcher', () => {
  it('yields objects in listing order whatever order the GETs finish in', async () => {
    const { store, objects } = seeded(20);
    objects.forEach((o, i) => store.delays.set(o.key, (20 - i) * 2)); // later keys answer first
    const got = await drain(fetchInOrder(store, objects, { concurrency: 8 }));
    assert.deepEqual(got.map((g) => g.obj.key), objects.map((o) => o.key));
    assert.ok(got.every((g) => g.kind === 'buffer' && g.data.toString() === `body of ${g.obj.key}`));
  });

  it('streams objects at or above the stream threshold, buffers the others', async () => {
    const { store, objects } = seeded(3);
    const kinds = (await drain(fetchInOrder(store, objects, { streamThreshold: 'body of k/000'.length }))).map((g) => g.kind);
    assert.deepEqual(kinds, ['stream', 'stream', 'stream']);
    const small = (await drain(fetchInOrder(store, objects, { streamThreshold: 1000 }))).map((g) => g.kind);
    assert.deepEqual(small, ['buffer', 'buffer', 'buffer']);
  });

  it('skips an object deleted after listing (GONE) and one changed after listing (CHANGED)', async () => {
    const { store, objects } = seeded(3);
    store.buckets.get('src')!.delete('k/000');
    store.seed('src', 'k/001', 'rewritten');
    const got = await drain(fetchInOrder(store, objects));
    assert.deepEqual(got.map((g) => (g.kind === 'skipped' ? g.reason : g.kind)), ['GONE', 'CHANGED', 'buffer']);
  });

  it('skips archive-class and access-denied objects, naming SSE-KMS when HeadObject tells', async () => {
    const { store, objects } = seeded(4);
    store.failures.set('k/000', 'INVALID_OBJECT_STATE');
    store.failures.set('k/001', 'ACCESS_DENIED');
    store.kms.add('k/001');
    store.failures.set('k/002', 'ACCESS_DENIED');
    const got = await drain(fetchInOrder(store, objects));
    const skips = got.filter((g) => g.kind === 'skipped');
    assert.deepEqual(skips.map((s) => s.reason), ['ARCHIVED_CLASS', 'ACCESS_DENIED', 'ACCESS_DENIED']);
    assert.match(skips[1]!.detail, /SSE-KMS \(key key-1\).*kms:Decrypt/);
    assert.equal(skips[2]!.detail, 'access denied on GetObject');
    assert.equal(got[3]!.kind, 'buffer');
  });

  it('says when HeadObject is denied too', async () => {
    const { store, objects } = seeded(1);
    store.failures.set('k/000', 'ACCESS_DENIED');
    store.headFails = true;
    const [only] = await drain(fetchInOrder(store, objects));
    assert.equal(only?.kind === 'skipped' && only.detail, 'access denied on GetObject (HeadObject failed too: ACCESS_DENIED)');
  });

  it('throws a transient failure (throttling past the retries) instead of skipping the object', async () => {
    const { store, objects } = seeded(3);
    store.failures.set('k/001', 'THROTTLED');
    await assert.rejects(drain(fetchInOrder(store, objects)), (err: unknown) => err instanceof ObjectStoreError && err.failure === 'THROTTLED' && err.key === 'k/001');
  });

  it('throws an error that is not an object store failure', async () => {
    const { store, objects } = seeded(2);
    store.failures.set('k/000', new TypeError('bug'));
    await assert.rejects(drain(fetchInOrder(store, objects)), TypeError);
  });
});
