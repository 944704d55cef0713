import { test } from 'node:test';
import assert from 'node:assert/strict';
import { removeUncommitted, noted } from '../../../src/archive/uncommitted-cleanup.js';
import { tablesOf } from '../../../src/adapters/dynamo/dynamo-errors.js';
import { silentLogger } from '../../../src/domain/ports/logger.js';
import { MemoryObjectStore } from '../../support/memory-object-store.js';

test('an uncommitted bundle is deleted by its version; a refused version delete falls back to a delete marker; the outcome is said', async () => {
  const store = new MemoryObjectStore();
  store.seed('archive', 'bundles/b.zip', 'zip');
  store.seed('archive', 'manifests/b.csv.gz', 'csv');
  store.failNext('DeleteObject', 'ACCESS_DENIED');
  const said = await removeUncommitted(
    store,
    'archive',
    [
      ['bundles/b.zip', { versionId: 'v1' }],
      ['manifests/b.csv.gz', {}],
    ],
    silentLogger,
  );
  assert.match(said, /bundles\/b\.zip uploaded but not committed: hidden by a delete marker/);
  assert.match(said, /manifests\/b\.csv\.gz uploaded but not committed: deleted/);
  assert.equal(store.object('archive', 'bundles/b.zip'), undefined);
  assert.deepEqual(store.calls.filter((c) => c.op === 'DeleteObject').length, 3);
});

test('a delete that fails for another reason is said, never thrown', async () => {
  const store = new MemoryObjectStore();
  store.seed('archive', 'bundles/c.zip', 'zip');
  store.failNext('DeleteObject', 'UNAVAILABLE');
  const said = await removeUncommitted(store, 'archive', [['bundles/c.zip', {}]], silentLogger);
  assert.match(said, /could not be deleted/);
  const err = noted(new TypeError('boom'), said) as Error;
  assert.ok(err instanceof TypeError && err.message.startsWith('boom (s3://archive/bundles/c.zip'));
});

test('DynamoDB errors name every table a call touches', () => {
  assert.deepEqual(tablesOf({ TableName: 't1' }), ['t1']);
  assert.deepEqual(tablesOf({ RequestItems: { a: [], b: [] } }), ['a', 'b']);
  assert.deepEqual(tablesOf({ TransactItems: [{ Put: { TableName: 'x' } }, { Update: { TableName: 'y' } }, { Put: { TableName: 'x' } }] }), ['x', 'y']);
});

test('superseded versions are deleted; a refused version delete is counted as left to the noncurrent-version rule', async () => {
  const { deleteSuperseded } = await import('../../../src/archive/superseded-versions.js');
  const store = new MemoryObjectStore();
  store.seed('archive', 'bundles/b.zip', 'zip', { versionId: 'v3' });
  store.listObjectVersions = async function* (_bucket: string, prefix: string) {
    for (const versionId of ['v1', 'v2', 'v3']) yield { key: prefix, versionId, isLatest: versionId === 'v3', deleteMarker: false };
    yield { key: `${prefix}.other`, versionId: 'x', isLatest: true, deleteMarker: false };
  };
  store.failNext('DeleteObject', 'ACCESS_DENIED');
  const out = await deleteSuperseded(store, 'archive', [['bundles/b.zip', 'v3']], silentLogger);
  assert.deepEqual(out, { deleted: 1, left: 1 });
  assert.ok(store.object('archive', 'bundles/b.zip'), 'the committed version is kept');
});
