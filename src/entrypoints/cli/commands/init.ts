import { CreateBucketCommand, PutBucketVersioningCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Command } from 'commander';
import { ensureTables } from '../../../adapters/dynamo/tables.js';
import { tableNames } from '../../../domain/config.js';
import { DEFAULT_CATALOG_MODE } from '../../../domain/catalog.js';
import { awsErrorName } from '../../../domain/errors.js';
import type { RegisterCommand } from './index.js';

/** Create a bucket unless it exists (BucketAlreadyOwnedByYou is fine). */
export async function ensureBucket(s3: S3Client, bucket: string, region: string): Promise<void> {
  try {
    await s3.send(
      new CreateBucketCommand({ Bucket: bucket, ...(region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: region as never } }) }),
    );
  } catch (err) {
    const name = awsErrorName(err);
    if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') throw err;
  }
}

/** `coldpack init`: create the archive and restore buckets and the tables of the catalog mode (files only for per_file) on a dev/local endpoint. */
export const registerInit: RegisterCommand = (program: Command, ctx) => {
  program
    .command('init')
    .description('create the archive and restore buckets and the DynamoDB tables (dev/local endpoints; use the CDK stack in AWS)')
    .action(async () => {
      const c = ctx();
      const { s3, dynamo } = c.clients;
      await ensureBucket(s3, c.config.archiveBucket, c.config.region);
      await s3.send(new PutBucketVersioningCommand({ Bucket: c.config.archiveBucket, VersioningConfiguration: { Status: 'Enabled' } }));
      await ensureBucket(s3, c.config.restoreBucket, c.config.region);
      const names = tableNames(c.config.tablePrefix);
      const catalog = c.config.catalog ?? DEFAULT_CATALOG_MODE;
      await ensureTables(dynamo, names, catalog);
      c.print(
        { archive_bucket: c.config.archiveBucket, restore_bucket: c.config.restoreBucket, tables: names, catalog },
        `ready: s3://${c.config.archiveBucket}, s3://${c.config.restoreBucket}, tables ${[names.jobs, names.bundles, ...(catalog === 'per_file' ? [names.files] : [])].join(', ')} (catalog ${catalog})`,
      );
    });
};
