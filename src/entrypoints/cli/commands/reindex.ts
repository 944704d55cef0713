/**
 * `coldpack reindex [--bucket B] [--prefix P] [--json]`: rebuild the catalog (bundle directory
 * entries, job scopes, and with COLDPACK_CATALOG=per_file the per-file index) from the manifests in
 * the archive bucket, falling back to each bundle's own manifest entry when its manifest object is
 * missing. Exit 0 when every bundle was read, 1 when some could not be (listed in the output), 2 when
 * `--bucket`/`--prefix` match no bundle (`SOURCE_NOT_FOUND` naming them, e.g. "0 bundles found for
 * bucket nosuch"; nothing written).
 */
import type { Command } from 'commander';
import { DynamoBundleDirectoryStore } from '../../../adapters/dynamo/dynamo-bundle-directory-store.js';
import { DynamoFileIndexStore } from '../../../adapters/dynamo/dynamo-file-index-store.js';
import { S3ObjectStore } from '../../../adapters/s3/s3-object-store.js';
import { Reindexer } from '../../../archive/reindex.js';
import { DEFAULT_CATALOG_MODE } from '../../../domain/catalog.js';
import { tableNames } from '../../../domain/config.js';
import type { RegisterCommand } from './index.js';

/** Registers `reindex`. */
export const registerReindex: RegisterCommand = (program: Command, ctx, setExit) => {
  program
    .command('reindex')
    .description('Rebuild the catalog (bundle directory, job scopes, per-file index in per_file mode) from the manifests in the archive bucket')
    .option('--bucket <bucket>', 'only bundles of this source bucket')
    .option('--prefix <prefix>', 'only bundles that may hold keys under this prefix')
    .option('--json', 'machine-readable JSON output')
    .action(async (o: { bucket?: string; prefix?: string; json?: boolean }) => {
      const c = ctx();
      const tables = tableNames(c.config.tablePrefix);
      const catalog = c.config.catalog ?? DEFAULT_CATALOG_MODE;
      const reindexer = new Reindexer({
        objects: new S3ObjectStore(c.clients.s3),
        directory: new DynamoBundleDirectoryStore(c.clients.dynamo, tables),
        index: new DynamoFileIndexStore(c.clients.dynamo, tables.files),
      });
      const report = await reindexer.run({
        archiveBucket: c.config.archiveBucket,
        catalog,
        ...(o.bucket ? { bucket: o.bucket } : {}),
        ...(o.prefix !== undefined ? { prefix: o.prefix } : {}),
      });
      const only = [o.bucket !== undefined ? `bucket ${o.bucket}` : '', o.prefix !== undefined ? `prefix ${JSON.stringify(o.prefix)}` : ''].filter(Boolean);
      const lines = [
        `reindexed ${report.bundles_indexed} of ${report.bundles_seen} bundles in s3://${c.config.archiveBucket}${only.length > 0 ? ` (only ${only.join(', ')})` : ''}: ` +
          `${report.files} files, ${report.scopes} job scopes, catalog ${catalog}`,
        ...(report.manifests_restored > 0 ? [`${report.manifests_restored} missing manifests rebuilt from their bundles`] : []),
        ...report.skipped.map((s) => `  skipped ${s.bundle_key}: ${s.reason}`),
      ];
      if (o.json || c.json) c.print(report);
      else c.print(report, lines.join('\n'));
      if (report.skipped.length > 0) setExit(1);
    });
};
