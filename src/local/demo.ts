import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createAwsClients, type AwsClients } from '../adapters/aws-clients.js';
import { ensureTables } from '../adapters/dynamo/tables.js';
import { tableNames, type ColdpackConfig } from '../domain/config.js';
import type { ArchiveRequest } from '../domain/archive-request.js';
import { composeArchive } from '../entrypoints/archive-composition.js';
import type { JobReport } from '../archive/finalizer.js';
import { startMoto, type MotoServer } from './moto-server.js';
import { nodeModulesSlice, seedCsvs, type DemoFile } from './demo-data.js';
import { verifyArchive, type VerifyResult } from './demo-verify.js';

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** Project root whose node_modules provides the real input. */
  readonly root: string;
  /** Write a line of progress. */
  readonly log: (line: string) => void;
  /** Bundle cap in MB (default 16: several bundles, each well under the emulator's comfort zone). */
  readonly archiveSizeMb?: number;
  /** Extra steps after archiving (the restore demo), given the live environment. */
  readonly after?: (env: DemoEnv) => Promise<Record<string, unknown>>;
}

/** The live demo environment handed to {@link DemoOptions.after}. */
export interface DemoEnv {
  readonly config: ColdpackConfig;
  readonly clients: AwsClients;
  readonly sourceBucket: string;
  readonly prefix: string;
  readonly files: readonly DemoFile[];
  readonly report: JobReport;
}

/** What the demo measured. */
export interface DemoResult {
  readonly report: JobReport;
  readonly verify: VerifyResult;
  readonly upload_s: number;
  readonly archive_s: number;
  readonly objects_per_s: number;
  readonly mb_per_s: number;
  readonly extra: Record<string, unknown>;
}

async function uploadAll(s3: S3Client, bucket: string, prefix: string, files: readonly DemoFile[], concurrency = 32): Promise<Map<string, string>> {
  const hashes = new Map<string, string>();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < files.length) {
        const f = files[next++]!;
        const body = typeof f.source === 'string' ? await readFile(f.source) : f.source;
        const key = prefix + f.key;
        await s3.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: body,
            ContentType: key.endsWith('.csv')
              ? 'text/csv'
              : key.endsWith('.json')
                ? 'application/json'
                : key.endsWith('.js')
                  ? 'text/javascript'
                  : 'application/octet-stream',
          }),
        );
        hashes.set(key, createHash('sha256').update(body).digest('hex'));
      }
    }),
  );
  return hashes;
}

/**
 * The main job on the local default: start the moto emulator, upload real varied input (a slice of
 * node_modules plus a month of seed-style CSVs) to `s3://coldpack-demo-src/20240410/`, archive it
 * with delete_source into DEEP_ARCHIVE bundles, verify everything, run `after` (restore demo), stop.
 */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const { log } = options;
  log('starting the moto AWS emulator on a free loopback port ...');
  const moto: MotoServer = await startMoto();
  process.env.AWS_ACCESS_KEY_ID ??= 'demo';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'demo';
  const config: ColdpackConfig = Object.freeze({
    region: 'us-east-1',
    endpoint: moto.endpoint,
    archiveBucket: 'coldpack-archive',
    restoreBucket: 'coldpack-restore',
    tablePrefix: 'coldpack-',
    allowedTopicArns: [],
    concurrency: 32,
  });
  const clients = createAwsClients({ region: config.region, endpoint: moto.endpoint, maxSockets: 32 });
  try {
    const sourceBucket = 'coldpack-demo-src';
    const prefix = '20240410/';
    for (const b of [sourceBucket, config.archiveBucket, config.restoreBucket]) await clients.s3.send(new CreateBucketCommand({ Bucket: b }));
    await ensureTables(clients.dynamo, tableNames(config.tablePrefix));
    const files = [...(await nodeModulesSlice(options.root)), ...seedCsvs('2024-04')];
    const bytes = files.reduce((n, f) => n + f.size, 0);
    log(`uploading ${files.length} files (${(bytes / 1e6).toFixed(1)} MB) to s3://${sourceBucket}/${prefix} ...`);
    let t = performance.now();
    const originals = await uploadAll(clients.s3, sourceBucket, prefix, files);
    const uploadS = (performance.now() - t) / 1000;
    const { engine, service } = composeArchive(config, clients, { starter: { start: async () => undefined } });
    const request: ArchiveRequest = {
      project: 'demo',
      source: { kind: 'list', bucket: sourceBucket, prefix },
      max_bundle_bytes: (options.archiveSizeMb ?? 16) * 1e6,
      max_files_per_bundle: 100_000,
      storage_class: 'DEEP_ARCHIVE',
      expected_file_count: files.length,
      expected_total_bytes: bytes,
      allow_mismatch: false,
      delete_source: true,
      dry_run: false,
      requested_by: 'demo',
      shard_max_files: 1_000_000,
      shard_max_bytes: 100 * 1024 ** 3,
    };
    log(`archiving (file_count ${files.length}, archive_size ${options.archiveSizeMb ?? 16} MB, DEEP_ARCHIVE, delete_source) ...`);
    t = performance.now();
    const view = await service.submit(request, {});
    let lastLog = 0;
    const report = await engine.run(view.job_id, (p) => {
      if (performance.now() - lastLog > 2000) {
        lastLog = performance.now();
        log(`  ... ${p.files} files in ${p.bundles} bundles`);
      }
    });
    const archiveS = (performance.now() - t) / 1000;
    log('verifying: manifest SHA-256 of every original, and every original read back from its restored bundle ...');
    const verify = await verifyArchive(clients.s3, clients.dynamo, tableNames(config.tablePrefix).bundles, sourceBucket, originals);
    const extra = options.after ? await options.after({ config, clients, sourceBucket, prefix, files, report }) : {};
    return {
      report,
      verify,
      upload_s: uploadS,
      archive_s: archiveS,
      objects_per_s: report.files_archived / archiveS,
      mb_per_s: report.bytes_archived / 1e6 / archiveS,
      extra,
    };
  } finally {
    clients.destroy();
    await moto.stop();
  }
}
