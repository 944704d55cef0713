import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import type { Command } from 'commander';
import { DynamoBundleStore } from '../../../adapters/dynamo/dynamo-bundle-store.js';
import { tableNames } from '../../../domain/config.js';
import { NotFoundError, ValidationError } from '../../../domain/errors.js';
import { readManifest } from '../../../bundle/manifest.js';
import type { RegisterCommand } from './index.js';

/** `coldpack ls <bundle key>`: a bundle's entries with their byte ranges, streamed from its manifest. */
export const registerLs: RegisterCommand = (program: Command, ctx) => {
  program
    .command('ls <bundle_key>')
    .description("list a bundle's entries with byte ranges (offset, length), sizes, method and checksums")
    .action(async (bundleKey: string) => {
      const c = ctx();
      if (bundleKey.trim() === '') throw new ValidationError('<bundle_key> must not be empty (e.g. bundles/<project>/<job>/00000/000000.zip)', 'bundle_key');
      const bundle = await new DynamoBundleStore(c.clients.dynamo, tableNames(c.config.tablePrefix).bundles).get(bundleKey);
      if (!bundle?.manifest_key) throw new NotFoundError(`bundle ${bundleKey} is not known or not committed`, 'bundle_key');
      const res = await c.clients.s3.send(new GetObjectCommand({ Bucket: bundle.archive_bucket, Key: bundle.manifest_key }));
      if (!c.json)
        process.stdout.write(
          `# ${bundleKey}: ${bundle.entry_count} entries, ${bundle.bytes} bytes, ${bundle.storage_class}\n# offset length compressed size method crc32 key\n`,
        );
      else process.stdout.write('[\n');
      let first = true;
      for await (const e of readManifest(res.Body as Readable)) {
        if (c.json) {
          process.stdout.write(`${first ? '' : ',\n'}  ${JSON.stringify(e)}`);
          first = false;
        } else process.stdout.write(`${e.offset} ${e.length} ${e.compressed_size} ${e.size} ${e.method} ${e.crc32} ${e.key}\n`);
      }
      if (c.json) process.stdout.write('\n]\n');
    });
};
