import { CreateTableCommand, DescribeTableCommand, ResourceInUseException, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CatalogMode } from '../../domain/catalog.js';
import type { TableNames } from '../../domain/config.js';
import { BUNDLES_BY_BUCKET_INDEX, BUNDLES_BY_RANGE_INDEX, DIRECTORY_ENTRY_ATTRIBUTES } from './directory-keys.js';

/** Name of the files-table GSI keyed on `name_key` (`<bucket>#<base name>`) and `sk` (keys only). */
export const FILES_BY_NAME_INDEX = 'by_name';

/**
 * Table definitions (on-demand billing). The CDK stack in `infra/` declares the same keys.
 * - jobs: pk + sk (archive jobs `ARCHIVE#<id>`/`JOB`, shards `SHARD#<n>`, restores `RESTORE#<id>`,
 *   idempotency keys, job scopes `SCOPE#<bucket>`/`<job_id>`, `ARCHIVED_BUCKETS`/`<bucket>`)
 * - bundles: pk `bundle_key`; sparse GSI `by_range` (dir_pk `<bucket>#<job_id>`, dir_sk max key), projection ALL:
 *   the bundle directory, one entry per committed bundle; sparse GSI `by_bucket` (source_bucket, dir_sk),
 *   projection INCLUDE of the entry attributes: every job's entries of a source bucket in key order
 * - files (only with `catalog: per_file`): pk `<bucket>/<key>` + sk `<archived_at>#<job_id>`, keys-only GSI
 *   `by_name` (name_key, sk), table class Standard-IA (rarely read, rebuildable with `coldpack reindex`)
 * @param catalog catalog mode; default `compact` (no files table)
 */
export function tableDefinitions(names: TableNames, catalog: CatalogMode = 'compact'): CreateTableCommandInput[] {
  const defs: CreateTableCommandInput[] = [
    {
      TableName: names.jobs,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    },
    {
      TableName: names.bundles,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'bundle_key', AttributeType: 'S' },
        { AttributeName: 'dir_pk', AttributeType: 'S' },
        { AttributeName: 'dir_sk', AttributeType: 'S' },
        { AttributeName: 'source_bucket', AttributeType: 'S' },
      ],
      KeySchema: [{ AttributeName: 'bundle_key', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        {
          IndexName: BUNDLES_BY_RANGE_INDEX,
          KeySchema: [
            { AttributeName: 'dir_pk', KeyType: 'HASH' },
            { AttributeName: 'dir_sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
        {
          IndexName: BUNDLES_BY_BUCKET_INDEX,
          KeySchema: [
            { AttributeName: 'source_bucket', KeyType: 'HASH' },
            { AttributeName: 'dir_sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...DIRECTORY_ENTRY_ATTRIBUTES] },
        },
      ],
    },
  ];
  if (catalog === 'per_file') defs.push(filesTable(names.files));
  return defs;
}

/** The per-file index table (`catalog: per_file`). */
function filesTable(name: string): CreateTableCommandInput {
  return {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    TableClass: 'STANDARD_INFREQUENT_ACCESS',
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
      { AttributeName: 'name_key', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: FILES_BY_NAME_INDEX,
        KeySchema: [
          { AttributeName: 'name_key', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
    ],
  };
}

/**
 * Create the tables of `catalog` mode if they do not exist (dev/local endpoints; production uses the
 * CDK stack). Idempotent: an existing table is left as it is.
 */
export async function ensureTables(dynamo: DynamoDBDocumentClient, names: TableNames, catalog: CatalogMode = 'compact'): Promise<void> {
  for (const def of tableDefinitions(names, catalog)) {
    try {
      await dynamo.send(new CreateTableCommand(def));
    } catch (err) {
      if (!(err instanceof ResourceInUseException)) throw err;
    }
    for (let i = 0; i < 100; i++) {
      const d = await dynamo.send(new DescribeTableCommand({ TableName: def.TableName }));
      if (d.Table?.TableStatus === 'ACTIVE') break;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
