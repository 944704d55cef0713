import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { uniqueRows, type DuplicateCount } from '../../../src/archive/unique-source.js';
import type { SourceObject } from '../../../src/domain/model.js';
import { MemoryObjectStore } from '../../support/memory-object-store.js';

async function* from(rows: SourceObject[]): AsyncGenerator<SourceObject> {
  yield* rows;
}

async function collect(
  rows: SourceObject[],
  options: { runMaxRows?: number; fanIn?: number },
  store = new MemoryObjectStore(),
): Promise<{ out: SourceObject[]; dropped: DuplicateCount; store: MemoryObjectStore }> {
  store.createBucket('archive');
  const dropped: DuplicateCount = { count: 0, bytes: 0, sample: [] };
  const out: SourceObject[] = [];
  for await (const o of uniqueRows(from(rows), { objects: store, bucket: 'archive', prefix: 'plans/p/j/sort/' }, dropped, options)) out.push(o);
  return { out, dropped, store };
}

/** A shuffled source of `n` distinct keys, `repeats` of which appear a second time later with another ETag. */
function source(n: number, repeats: number, seed = 7): SourceObject[] {
  let x = seed;
  const rand = (): number => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const rows = Array.from({ length: n }, (_, i) => ({ bucket: i % 3 === 0 ? 'b2' : 'b1', key: `k/${String(i).padStart(5, '0')}`, size: i, etag: 'first' }));
  for (let i = rows.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [rows[i], rows[j]] = [rows[j]!, rows[i]!];
  }
  const again = rows.slice(0, repeats).map((r) => ({ ...r, etag: 'second' }));
  return [...rows, ...again];
}

describe('unique rows of a manifest source (external sort)', () => {
  it('in memory when the source fits one run: sorted, each object once, the first row kept, repeats counted', async () => {
    const { out, dropped, store } = await collect(source(50, 5), { runMaxRows: 1000 });
    assert.equal(out.length, 50);
    assert.ok(
      out.every((o) => o.etag === 'first'),
      'the first row of a repeated object is kept',
    );
    assert.deepEqual(
      out.map((o) => `${o.bucket}/${o.key}`),
      out.map((o) => `${o.bucket}/${o.key}`).sort(),
    );
    assert.equal(dropped.count, 5);
    assert.equal(dropped.sample.length, 5);
    assert.equal(store.calls.filter((c) => c.op === 'PutObject' || c.op === 'CreateMultipartUpload').length, 0, 'nothing spilled');
  });

  it('spills sorted runs and merges them in passes (fan-in 3) when the source is larger than a run', async () => {
    const { out, dropped, store } = await collect(source(400, 60), { runMaxRows: 17, fanIn: 3 });
    assert.equal(out.length, 400);
    assert.equal(new Set(out.map((o) => `${o.bucket}/${o.key}`)).size, 400);
    assert.ok(
      out.every((o) => o.etag === 'first'),
      'ties keep source order across runs and merge passes',
    );
    assert.deepEqual(
      out.map((o) => `${o.bucket}\u0000${o.key}`),
      out.map((o) => `${o.bucket}\u0000${o.key}`).sort(),
    );
    assert.equal(dropped.count, 60);
    assert.equal(
      dropped.bytes,
      source(400, 60)
        .slice(400)
        .reduce((n, o) => n + o.size, 0),
    );
    const runs = [...store.buckets.get('archive')!.keys()].filter((k) => k.startsWith('plans/p/j/sort/'));
    assert.ok(runs.length > 27, `runs of the first pass and the merge passes were written (${runs.length})`);
  });

  it('keeps the same key in two buckets apart', async () => {
    const { out, dropped } = await collect(
      [
        { bucket: 'a', key: 'x', size: 1 },
        { bucket: 'b', key: 'x', size: 1 },
      ],
      {},
    );
    assert.equal(out.length, 2);
    assert.equal(dropped.count, 0);
  });
});

describe('code point order of the sort', () => {
  it('compareKeys is UTF-8 byte order (Buffer.compare of the encodings), also for characters past U+FFFF against U+E000-U+FFFF', async () => {
    const { compareKeys } = await import('../../../src/domain/keys.js');
    const utf8 = (x: string, y: string): number => Buffer.compare(Buffer.from(x, 'utf8'), Buffer.from(y, 'utf8'));
    const keys = ['a', 'ab', 'a\u{1F600}', 'a\uFFFD', 'a\uE000', 'a\u00E9', 'b', '', 'a\u{10000}x', 'a\uD7FF', 'a\uFF5E', 'a\u{1F600}b'];
    for (const x of keys)
      for (const y of keys) assert.equal(Math.sign(compareKeys(x, y)), Math.sign(utf8(x, y)), `${JSON.stringify(x)} vs ${JSON.stringify(y)}`);
  });
});
