import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import type { CreateTableCommandInput, KeySchemaElement } from '@aws-sdk/client-dynamodb';
import { tableDefinitions } from '../../src/adapters/dynamo/tables.js';
import type { CatalogMode } from '../../src/domain/catalog.js';
import { tableNames, type TableNames } from '../../src/domain/config.js';
import { DATA_REMOVAL_POLICY } from './defaults.js';

/** Props of {@link State}. */
export interface StateProps {
  /**
   * Prefix of the table names; the code finds the tables as `<prefix>jobs`, `<prefix>files`,
   * `<prefix>bundles` (env COLDPACK_TABLE_PREFIX, see `src/domain/config.ts`).
   */
  readonly tablePrefix: string;
  /** The stack's KMS key (SSE-KMS with a customer-managed key). */
  readonly key: kms.IKey;
  /** Catalog mode: `per_file` adds the files table. @default 'compact' */
  readonly catalog?: CatalogMode;
}

type TableKind = keyof TableNames;

function attributeType(def: CreateTableCommandInput, name: string): dynamodb.AttributeType {
  const type = def.AttributeDefinitions?.find((a) => a.AttributeName === name)?.AttributeType;
  if (type === 'S') return dynamodb.AttributeType.STRING;
  if (type === 'N') return dynamodb.AttributeType.NUMBER;
  if (type === 'B') return dynamodb.AttributeType.BINARY;
  throw new Error(`table ${String(def.TableName)}: attribute ${name} has no definition of type S, N or B (got ${String(type)})`);
}

function keys(def: CreateTableCommandInput, schema: KeySchemaElement[] | undefined) {
  const attr = (keyType: 'HASH' | 'RANGE') => {
    const name = schema?.find((k) => k.KeyType === keyType)?.AttributeName;
    return name === undefined ? undefined : { name, type: attributeType(def, name) };
  };
  const partitionKey = attr('HASH');
  if (partitionKey === undefined) throw new Error(`table ${String(def.TableName)}: no HASH key`);
  const sortKey = attr('RANGE');
  return { partitionKey, ...(sortKey === undefined ? {} : { sortKey }) };
}

/**
 * The DynamoDB tables of the catalog mode, declared from the same definitions the code uses locally
 * (`tableDefinitions` in `src/adapters/dynamo/tables.ts`: keys, GSIs, projections, table class), so
 * the two cannot drift: jobs and bundles (with the sparse directory GSI `by_range`) always, the files
 * table only with `catalog: per_file`. Every table: on-demand capacity, SSE with the stack's
 * customer-managed key, deletion protection, RETAIN on stack deletion; point-in-time recovery on jobs
 * and bundles, off on the files table (Standard-IA; rebuilt from the manifests by `coldpack reindex`).
 * @throws Error at synth time when a definition has a key without an attribute definition
 */
export class State extends Construct {
  /** Tables by role: jobs, bundles (GSI `by_range`), and files (keys-only GSI `by_name`) with `catalog: per_file`. */
  readonly tables: Readonly<Partial<Record<TableKind, dynamodb.Table>>> & { readonly jobs: dynamodb.Table; readonly bundles: dynamodb.Table };
  /** ARNs of the GSIs, by table role (empty for tables without one). */
  readonly indexArns: Readonly<Record<TableKind, readonly string[]>>;

  /** @param scope parent; @param id construct id; @param props see {@link StateProps} */
  constructor(scope: Construct, id: string, props: StateProps) {
    super(scope, id);
    const names = tableNames(props.tablePrefix);
    const defs = tableDefinitions(names, props.catalog ?? 'compact');
    const tables = {} as Record<TableKind, dynamodb.Table>;
    const indexArns = {} as Record<TableKind, string[]>;
    for (const kind of Object.keys(names) as TableKind[]) {
      const def = defs.find((d) => d.TableName === names[kind]);
      if (def === undefined) continue; // the files table exists only with catalog per_file
      const rebuildable = def.TableClass === 'STANDARD_INFREQUENT_ACCESS';
      const table = new dynamodb.Table(this, kind[0]!.toUpperCase() + kind.slice(1), {
        tableName: names[kind],
        ...keys(def, def.KeySchema),
        billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: !rebuildable },
        ...(rebuildable ? { tableClass: dynamodb.TableClass.STANDARD_INFREQUENT_ACCESS } : {}),
        encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
        encryptionKey: props.key,
        deletionProtection: true,
        removalPolicy: DATA_REMOVAL_POLICY,
      });
      indexArns[kind] = [];
      for (const gsi of def.GlobalSecondaryIndexes ?? []) {
        const projection = gsi.Projection?.ProjectionType;
        table.addGlobalSecondaryIndex({
          indexName: gsi.IndexName!,
          ...keys(def, gsi.KeySchema),
          projectionType:
            projection === 'KEYS_ONLY'
              ? dynamodb.ProjectionType.KEYS_ONLY
              : projection === 'INCLUDE'
                ? dynamodb.ProjectionType.INCLUDE
                : dynamodb.ProjectionType.ALL,
          ...(projection === 'INCLUDE' ? { nonKeyAttributes: gsi.Projection?.NonKeyAttributes ?? [] } : {}),
        });
        indexArns[kind].push(`${table.tableArn}/index/${gsi.IndexName!}`);
      }
      tables[kind] = table;
    }
    this.tables = tables;
    this.indexArns = indexArns;
  }
}
