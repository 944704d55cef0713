import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  type CreateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TableNames } from '../../domain/config.js';

/** Name of the files-table GSI keyed on `name_key` (`<bucket>#<base name>`) and `sk`. */
export const FILES_BY_NAME_INDEX = 'by_name';

/**
 * Table definitions (on-demand billing). The CDK stack in `infra/` declares the same keys.
 * - jobs: pk + sk (archive jobs `ARCHIVE#<id>`/`JOB`, shards `SHARD#<n>`, restores `RESTORE#<id>`, idempotency keys)
 * - files: pk `<bucket>/<key>` + sk `<archived_at>#<job_id>`, GSI `by_name` (name_key, sk)
 * - bundles: pk `bundle_key`
 */
export function tableDefinitions(names: TableNames): CreateTableCommandInput[] {
  return [
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
      TableName: names.files,
      BillingMode: 'PAY_PER_REQUEST',
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
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    },
    {
      TableName: names.bundles,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'bundle_key', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'bundle_key', KeyType: 'HASH' }],
    },
  ];
}

/**
 * Create the three tables if they do not exist (dev/local endpoints; production uses the CDK stack).
 * Idempotent: an existing table is left as it is.
 */
export async function ensureTables(dynamo: DynamoDBDocumentClient, names: TableNames): Promise<void> {
  for (const def of tableDefinitions(names)) {
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
