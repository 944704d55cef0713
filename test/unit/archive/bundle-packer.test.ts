import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import { BundlePacker, type BundleContext } from '../../../src/archive/bundle-packer.js';
import { crc32Base64 } from '../../../src/archive/multipart-sink.js';
import { readManifest } from '../../../src/bundle/manifest.js';
import { crc32Hex, extractEntry, parseLocalHeader } from '../../../src/bundle/zip-entry-reader.js';
import { IntegrityError } from '../../../src/domain/errors.js';
import { bundleKeys, MANIFEST_ENTRY_NAME } from '../../../src/domain/keys.js';
import type { SourceObject } from '../../../src/domain/model.js';
import type { ObjectHead } from '../../../src/domain/ports/object-store.js';
import { MemoryObjectStore } from '../../support/memory-object-store.js';
import { MemoryBundleStore, MemoryFileIndexStore } from '../../support/memory-stores.js';
import { listRequest } from '../../support/archive-request.js';
import { memoryArchive, seedSource, textFiles } from '../../support/memory-archive.js';

const ctx: BundleContext = {
  archiveBucket: 'archive',
  project: 'p',
  jobId: 'job-1',
  generation: '2024-04-10T03:00:00.000Z',
  storageClass: 'DEEP_ARCHIVE',
  shard: 0,
};
const keys = bundleKeys('p', 'job-1', 0, 0);

async function listed(store: MemoryObjectStore, prefix: string): Promise<SourceObject[]> {
  const out: SourceObject[] = [];
  for await (const o of store.listObjects('src', prefix)) out.push(o);
  return out;
}

function setup(store = new MemoryObjectStore()): { store: MemoryObjectStore; bundles: MemoryBundleStore; index: MemoryFileIndexStore; packer: BundlePacker } {
  store.createBucket('src');
  store.createBucket('archive');
  const bundles = new MemoryBundleStore();
  const index = new MemoryFileIndexStore();
  return { store, bundles, index, packer: new BundlePacker({ objects: store, bundles, index }) };
}

/** Reports a wrong full-object CRC-32 for bundles (what a corrupted upload would look like). */
class CorruptingStore extends MemoryObjectStore {
  override async headObject(input: { bucket: string; key: string }): Promise<ObjectHead> {
    const head = await super.headObject(input);
    return input.key.endsWith('.zip') ? { ...head, checksumCrc32: 'AAAAAA==' } : head;
  }
}

describe('bundle packer', () => {
  it('writes every object as an entry with its CRC-32, the manifest as the last entry, then indexes (per_file) and commits', async () => {
    const { store, bundles, index, packer } = setup();
    const contents = { 'd/a.csv': 'a,b,c\n'.repeat(200), 'd/b.jpg': randomBytes(3000), 'd/c.txt': 'hello' };
    seedSource(store, contents);
    const packed = await packer.pack({ ...ctx, catalog: 'per_file' }, 0, await listed(store, 'd/'));
    assert.equal(packed.entries, 3);
    const bundle = store.object('archive', keys.bundle)!;
    assert.equal(bundle.storageClass, 'DEEP_ARCHIVE');
    const items = index.all();
    assert.deepEqual(
      items.map((i) => i.key),
      ['d/a.csv', 'd/b.jpg', 'd/c.txt'],
    );
    for (const item of items) {
      const original = Buffer.from(contents[item.key as keyof typeof contents]);
      assert.equal(item.crc32, crc32Hex(crc32(original)), `CRC-32 of ${item.key}`);
      assert.deepEqual(extractEntry(bundle.body.subarray(item.offset, item.offset + item.length), item), original);
    }
    const last = Math.max(...items.map((i) => i.offset + i.length));
    assert.equal(parseLocalHeader(bundle.body.subarray(last)).name, MANIFEST_ENTRY_NAME, 'the manifest entry follows the last object');
    const record = bundles.items.get(keys.bundle)!;
    assert.equal(record.state, 'COMMITTED');
    assert.equal(record.checksum_crc32, crc32Base64(crc32(bundle.body)));
    assert.equal(record.bytes, bundle.body.length);
    assert.deepEqual(bundles.history, [`WRITING ${keys.bundle}`, `COMMITTED ${keys.bundle}`]);
    const rows = [];
    for await (const r of readManifest(Readable.from([store.object('archive', keys.manifest)!.body]))) rows.push(r.key);
    assert.deepEqual(rows, ['d/a.csv', 'd/b.jpg', 'd/c.txt']);
  });

  it('does not commit, index or manifest a bundle whose upload does not verify', async () => {
    const { store, bundles, index, packer } = setup(new CorruptingStore());
    seedSource(store, textFiles('v/', 3));
    await assert.rejects(packer.pack(ctx, 0, await listed(store, 'v/')), (err: unknown) => err instanceof IntegrityError && /CRC-32/.test(err.message));
    assert.equal(bundles.items.get(keys.bundle)?.state, 'WRITING');
    assert.deepEqual(index.all(), []);
    assert.equal(store.object('archive', keys.manifest), undefined);
  });

  it('does not commit when the verifying HEAD fails', async () => {
    const { store, bundles, index, packer } = setup();
    seedSource(store, textFiles('h/', 2));
    store.failNext('HeadObject', 'UNAVAILABLE');
    await assert.rejects(packer.pack(ctx, 0, await listed(store, 'h/')), /injected fault/);
    assert.equal(bundles.items.get(keys.bundle)?.state, 'WRITING');
    assert.deepEqual(index.all(), []);
  });

  it('commits an empty record and writes no object when every object was skipped', async () => {
    const { store, bundles, packer } = setup();
    const gone: SourceObject[] = [{ bucket: 'src', key: 'x/gone.txt', size: 3, etag: 'e' }];
    const packed = await packer.pack(ctx, 0, gone);
    assert.deepEqual([packed.entries, packed.skipped[0]?.reason], [0, 'GONE']);
    assert.equal(store.object('archive', keys.bundle), undefined);
    assert.equal(bundles.items.get(keys.bundle)?.state, 'COMMITTED');
  });
});

describe('bundle cut', () => {
  it('closes a bundle before the next object would pass the size cap; an oversized object gets its own', async () => {
    const a = memoryArchive();
    seedSource(a.objects, { ...textFiles('cut/', 10, 1000), 'cut/zz-big.csv': 'x'.repeat(5000) });
    const job = await a.submit(listRequest('cut/', { max_bundle_bytes: 3000 }));
    const report = await a.engine.run(job);
    assert.equal(report.status, 'SUCCEEDED');
    const committed = [...a.bundles.items.values()].sort((x, y) => x.seq - y.seq);
    assert.deepEqual(
      committed.map((b) => b.entry_count),
      [3, 3, 3, 1, 1],
    );
    assert.deepEqual(
      committed.map((b) => b.source_bytes),
      [3000, 3000, 3000, 1000, 5000],
    );
    assert.ok(
      committed.every((b, i) => i === 0 || committed[i - 1]!.max_key! < b.min_key!),
      'bundles hold contiguous, ordered key ranges',
    );
  });

  it('closes a bundle at max_files_per_bundle', async () => {
    const a = memoryArchive();
    seedSource(a.objects, textFiles('n/', 7, 10));
    await a.engine.run(await a.submit(listRequest('n/', { max_files_per_bundle: 3 })));
    assert.deepEqual([...a.bundles.items.values()].map((b) => b.entry_count).sort(), [1, 3, 3]);
  });
});
