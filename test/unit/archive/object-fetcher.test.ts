import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
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
    assert.deepEqual(
      got.map((g) => g.obj.key),
      objects.map((o) => o.key),
    );
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
    assert.deepEqual(
      got.map((g) => (g.kind === 'skipped' ? g.reason : g.kind)),
      ['GONE', 'CHANGED', 'buffer'],
    );
  });

  it('skips archive-class and access-denied objects, naming SSE-KMS when HeadObject tells', async () => {
    const { store, objects } = seeded(4);
    store.failures.set('k/000', 'INVALID_OBJECT_STATE');
    store.failures.set('k/001', 'ACCESS_DENIED');
    store.kms.add('k/001');
    store.failures.set('k/002', 'ACCESS_DENIED');
    const got = await drain(fetchInOrder(store, objects));
    const skips = got.filter((g) => g.kind === 'skipped');
    assert.deepEqual(
      skips.map((s) => s.reason),
      ['ARCHIVED_CLASS', 'ACCESS_DENIED', 'ACCESS_DENIED'],
    );
    assert.match(skips[1]!.detail, /SSE-KMS \(key key-1\).*kms:Decrypt/);
    assert.equal(skips[2]!.detail, 'access denied on GetObject');
    assert.equal(got[3]!.kind, 'buffer');
  });

  it('says when HeadObject is denied too', async () => {
    const { store, objects } = seeded(1);
    store.failures.set('k/000', 'ACCESS_DENIED');
    store.headFails = true;
    const [only] = await drain(fetchInOrder(store, objects));
    assert.match(
      only?.kind === 'skipped' ? only.detail : '',
      /^access denied on GetObject \(HeadObject failed too: ACCESS_DENIED; if the bucket is Requester Pays/,
    );
  });

  it('skips every per-object refusal S3 can answer a GET with, each with its own reason; the rest is read', async () => {
    const { store, objects } = seeded(7);
    const refuse = (key: string, failure: ObjectStoreFailure, awsCode: string, httpStatus: number, message: string): void => {
      store.failures.set(key, new ObjectStoreError(failure, { operation: 'GetObject', bucket: 'src', key }, { awsCode, httpStatus, message }));
    };
    refuse('k/000', 'KMS_KEY_UNUSABLE', 'KMS.DisabledException', 400, 'The request was rejected because the specified KMS key is not enabled');
    refuse('k/001', 'KMS_KEY_UNUSABLE', 'KMS.KMSInvalidStateException', 400, 'pending deletion');
    refuse('k/002', 'ENCRYPTION_KEY_REQUIRED', 'InvalidRequest', 400, 'The object was stored using a form of Server Side Encryption.');
    refuse('k/003', 'INVALID_REQUEST', 'InvalidRange', 416, 'The requested range is not satisfiable');
    refuse('k/004', 'INVALID_REQUEST', 'MethodNotAllowed', 405, 'The specified method is not allowed against this resource.');
    refuse('k/005', 'NOT_FOUND', 'NoSuchVersion', 404, 'The specified version does not exist.');
    const got = await drain(fetchInOrder(store, objects, { backoffMs: 0 }));
    assert.deepEqual(
      got.map((g) => (g.kind === 'skipped' ? g.reason : g.kind)),
      ['KMS_KEY_UNUSABLE', 'KMS_KEY_UNUSABLE', 'SSE_C_KEY_REQUIRED', 'UNREADABLE', 'UNREADABLE', 'GONE', 'buffer'],
    );
    const details = got.map((g) => (g.kind === 'skipped' ? g.detail : ''));
    assert.match(details[0]!, /KMS\.DisabledException \(400\)/);
    assert.match(details[3]!, /InvalidRange \(416\)/);
  });

  it('skips an object whose size is not the listed one (a wrong CSV row), buffered or streamed', async () => {
    const { store, objects } = seeded(2);
    const wrong = objects.map((o) => ({ ...o, size: o.size + 1 }));
    for (const threshold of [1000, 1]) {
      const got = await drain(fetchInOrder(store, wrong, { streamThreshold: threshold }));
      assert.deepEqual(
        got.map((g) => (g.kind === 'skipped' ? g.reason : g.kind)),
        ['SIZE_CHANGED', 'SIZE_CHANGED'],
      );
    }
  });

  it('retries a transient failure (and a body cut off mid-way) and reads the object', async () => {
    const { store, objects } = seeded(3);
    let throttled = 2;
    let cut = 1;
    const base = store.getObject.bind(store);
    store.getObject = async (input) => {
      if (input.key === 'k/000' && throttled-- > 0)
        throw new ObjectStoreError(
          'THROTTLED',
          { operation: 'GetObject', bucket: 'src', key: input.key },
          { awsCode: 'SlowDown', httpStatus: 503, message: 'slow down' },
        );
      if (input.key === 'k/001' && cut-- > 0) {
        const got = await base(input);
        const body = new Readable({
          read() {
            this.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
          },
        });
        return { ...got, body };
      }
      return base(input);
    };
    const got = await drain(fetchInOrder(store, objects, { backoffMs: 1 }));
    assert.deepEqual(
      got.map((g) => g.kind),
      ['buffer', 'buffer', 'buffer'],
    );
  });

  it('throws, never skips, what concerns every object: a missing bucket, refused credentials, a wrong region', async () => {
    for (const failure of ['NO_SUCH_BUCKET', 'CREDENTIALS', 'WRONG_REGION'] as const) {
      const { store, objects } = seeded(2);
      store.failures.set('k/001', failure);
      await assert.rejects(drain(fetchInOrder(store, objects, { backoffMs: 0 })), (err: unknown) => err instanceof ObjectStoreError && err.failure === failure);
    }
  });

  it('records content headers and user metadata from the GET, and tags only when asked', async () => {
    const store = new ScriptedStore();
    const o = store.seed('src', 'h/page.html.gz', 'gzipped', {
      headers: {
        contentType: 'text/html',
        contentEncoding: 'gzip',
        cacheControl: 'max-age=60',
        contentDisposition: 'attachment',
        contentLanguage: 'de',
        expires: 'Wed, 21 Oct 2099 07:28:00 GMT',
      },
      metadata: { owner: 'team-a' },
      tags: { tier: 'gold' },
    });
    const objs = [{ bucket: 'src', key: 'h/page.html.gz', size: o.body.length, etag: o.etag }];
    const [plain] = await drain(fetchInOrder(store, objs));
    assert.deepEqual(plain?.kind === 'buffer' && plain.meta.attributes, {
      content_type: 'text/html',
      content_encoding: 'gzip',
      cache_control: 'max-age=60',
      content_disposition: 'attachment',
      content_language: 'de',
      expires: 'Wed, 21 Oct 2099 07:28:00 GMT',
      user_metadata: { owner: 'team-a' },
    });
    assert.equal(store.calls.filter((c) => c.op === 'GetObjectTagging').length, 0, 'no tagging request unless asked');
    const [tagged] = await drain(fetchInOrder(store, objs, { tags: true }));
    assert.deepEqual(tagged?.kind === 'buffer' && tagged.meta.attributes.tags, { tier: 'gold' });
  });

  it('throws a transient failure (throttling past the retries) instead of skipping the object', async () => {
    const { store, objects } = seeded(3);
    store.failures.set('k/001', 'THROTTLED');
    await assert.rejects(
      drain(fetchInOrder(store, objects, { backoffMs: 0 })),
      (err: unknown) => err instanceof ObjectStoreError && err.failure === 'THROTTLED' && err.key === 'k/001',
    );
  });

  it('throws an error that is not an object store failure', async () => {
    const { store, objects } = seeded(2);
    store.failures.set('k/000', new TypeError('bug'));
    await assert.rejects(drain(fetchInOrder(store, objects)), TypeError);
  });
});
