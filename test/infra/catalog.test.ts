/**
 * The catalog in the stack: the bundles table's sparse directory GSI, no per-file table in the
 * default compact catalog, COLDPACK_CATALOG set on every function and task, and the Glue table over
 * the manifests whose columns are the manifest's.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DIRECTORY_ENTRY_ATTRIBUTES } from '../../src/adapters/dynamo/directory-keys.js';
import { MANIFEST_COLUMNS } from '../../src/bundle/manifest.js';
import { resourcesOf, synth } from './support.js';

describe('catalog resources', () => {
  const t = synth().template;

  it('bundles carry the directory GSIs by_range (dir_pk, dir_sk, ALL) and by_bucket (source_bucket, dir_sk, the entry attributes); no files table by default', () => {
    const tables = Object.values(resourcesOf(t, 'AWS::DynamoDB::Table')).map((r) => r.Properties!);
    assert.equal(tables.length, 2);
    const bundles = tables.find((p) => (p.KeySchema as Array<{ AttributeName: string }>)[0]!.AttributeName === 'bundle_key')!;
    assert.deepEqual(bundles.GlobalSecondaryIndexes, [
      {
        IndexName: 'by_range',
        KeySchema: [
          { AttributeName: 'dir_pk', KeyType: 'HASH' },
          { AttributeName: 'dir_sk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
      {
        IndexName: 'by_bucket',
        KeySchema: [
          { AttributeName: 'source_bucket', KeyType: 'HASH' },
          { AttributeName: 'dir_sk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...DIRECTORY_ENTRY_ATTRIBUTES] },
      },
    ]);
    assert.deepEqual(bundles.PointInTimeRecoverySpecification, { PointInTimeRecoveryEnabled: true });
  });

  it('every function and Batch job gets COLDPACK_CATALOG of the context', () => {
    const envOf = (x: ReturnType<typeof synth>) =>
      [
        ...Object.values(resourcesOf(x.template, 'AWS::Lambda::Function')).map(
          (f) => (f.Properties!.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {},
        ),
        ...Object.values(resourcesOf(x.template, 'AWS::Batch::JobDefinition')).map((d) =>
          Object.fromEntries(
            (d.Properties!.ContainerProperties as { Environment: Array<{ Name: string; Value: unknown }> }).Environment.map((e) => [e.Name, e.Value]),
          ),
        ),
      ].filter((v) => 'COLDPACK_TABLE_PREFIX' in v);
    const compact = envOf(synth());
    assert.ok(compact.length >= 5);
    assert.ok(compact.every((v) => v.COLDPACK_CATALOG === 'compact'));
    assert.ok(envOf(synth({ catalog: 'per_file' })).every((v) => v.COLDPACK_CATALOG === 'per_file'));
    assert.throws(() => synth({ catalog: 'everything' }), /context catalog must be one of compact, per_file/);
  });

  it('a Glue table over s3://<archive>/manifests/ with the manifest columns (gzip CSV, header skipped)', () => {
    const [table] = Object.values(resourcesOf(t, 'AWS::Glue::Table')).map((r) => r.Properties!.TableInput as Record<string, unknown>);
    const sd = table!.StorageDescriptor as { Columns: Array<{ Name: string; Type: string }>; Location: unknown; SerdeInfo: { SerializationLibrary: string } };
    assert.deepEqual(
      sd.Columns.map((c) => c.Name),
      [...MANIFEST_COLUMNS],
    );
    assert.equal(sd.Columns.find((c) => c.Name === 'size')?.Type, 'bigint');
    assert.equal(sd.SerdeInfo.SerializationLibrary, 'org.apache.hadoop.hive.serde2.OpenCSVSerde');
    assert.match(JSON.stringify(sd.Location), /manifests\//);
    assert.equal((table!.Parameters as Record<string, string>)['skip.header.line.count'], '1');
    assert.equal(Object.keys(resourcesOf(t, 'AWS::Glue::Database')).length, 1);
  });
});
