import { Aws } from 'aws-cdk-lib';
import * as glue from 'aws-cdk-lib/aws-glue';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { MANIFEST_COLUMNS } from '../../src/bundle/manifest.js';

/** Props of {@link ManifestTable}. */
export interface ManifestTableProps {
  /** The archive bucket (manifests under `manifests/`). */
  readonly archiveBucket: s3.IBucket;
  /** Glue database name (lower case, digits and `_`). */
  readonly database: string;
  /** Table name. @default 'manifests' */
  readonly table?: string;
}

/** Manifest columns Athena reads as numbers (bytes and the zip method); every other column is a string. */
const NUMERIC: Readonly<Record<string, string>> = Object.freeze({
  size: 'bigint',
  offset: 'bigint',
  length: 'bigint',
  compressed_size: 'bigint',
  method: 'int',
});

/** The Glue columns of the manifest CSV, from `MANIFEST_COLUMNS` (so a new manifest column is a new table column). */
export function manifestGlueColumns(): glue.CfnTable.ColumnProperty[] {
  return MANIFEST_COLUMNS.map((name) => ({ name, type: NUMERIC[name] ?? 'string' }));
}

/**
 * A Glue database and table over the bundle manifests (`s3://<archive>/manifests/**.csv.gz`, gzip CSV
 * with a header row), so the archive catalog can be queried with Athena: one row per archived file
 * with its bucket, key, size, checksums and bundle offsets. The Data Catalog costs nothing at this
 * size (the first million objects are free); Athena bills per query by bytes scanned. Readers need
 * `kms:Decrypt` on the stack key (the archive bucket is SSE-KMS). Open CSV SerDe: keys holding a line
 * break, or a backslash (its escape character), do not read back exactly.
 * https://docs.aws.amazon.com/athena/latest/ug/csv-serde.html
 */
export class ManifestTable extends Construct {
  /** Glue database name. */
  readonly databaseName: string;
  /** Glue table name. */
  readonly tableName: string;

  /** @param scope parent; @param id construct id; @param props see {@link ManifestTableProps} */
  constructor(scope: Construct, id: string, props: ManifestTableProps) {
    super(scope, id);
    this.databaseName = props.database;
    this.tableName = props.table ?? 'manifests';
    const database = new glue.CfnDatabase(this, 'Database', {
      catalogId: Aws.ACCOUNT_ID,
      databaseInput: { name: this.databaseName, description: 'coldpack archive catalog: the bundle manifests, one row per archived file' },
    });
    const table = new glue.CfnTable(this, 'Table', {
      catalogId: Aws.ACCOUNT_ID,
      databaseName: this.databaseName,
      tableInput: {
        name: this.tableName,
        description: 'One row per archived file (coldpack bundle manifests, gzip CSV)',
        tableType: 'EXTERNAL_TABLE',
        parameters: { classification: 'csv', compressionType: 'gzip', 'skip.header.line.count': '1', has_encrypted_data: 'true' },
        storageDescriptor: {
          columns: manifestGlueColumns(),
          location: `s3://${props.archiveBucket.bucketName}/manifests/`,
          inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          serdeInfo: { serializationLibrary: 'org.apache.hadoop.hive.serde2.OpenCSVSerde', parameters: { separatorChar: ',', quoteChar: '"' } },
        },
      },
    });
    table.addDependency(database);
  }
}
