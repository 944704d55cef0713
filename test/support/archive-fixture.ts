import { CreateBucketCommand, PutObjectCommand, RestoreObjectCommand, GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { ensureTables } from '../../src/adapters/dynamo/tables.js';
import type { CatalogMode } from '../../src/domain/catalog.js';
import { tableNames, type ColdpackConfig } from '../../src/domain/config.js';
import { composeArchive, type ArchiveComposition } from '../../src/entrypoints/archive-composition.js';
import { startMotoFixture, type MotoFixture } from './moto.js';

export { listRequest } from './archive-request.js';

/** A moto-backed archive environment: buckets, tables, the composed engine and service. */
export interface ArchiveFixture extends MotoFixture {
  readonly config: ColdpackConfig;
  readonly archive: ArchiveComposition;
  readonly tables: ReturnType<typeof tableNames>;
}

/** Start moto, create `src`, the archive and restore buckets and the tables, and compose the archive side (catalog `compact` unless given). */
export async function startArchiveFixture(prefix = 'cp-', catalog: CatalogMode = 'compact'): Promise<ArchiveFixture> {
  const fx = await startMotoFixture();
  const config: ColdpackConfig = Object.freeze({
    region: fx.region,
    endpoint: fx.moto.endpoint,
    archiveBucket: 'archive',
    restoreBucket: 'restore',
    tablePrefix: prefix,
    allowedTopicArns: [],
    concurrency: 16,
    catalog,
  });
  for (const b of ['src', 'archive', 'restore']) await fx.clients.s3.send(new CreateBucketCommand({ Bucket: b }));
  const tables = tableNames(prefix);
  await ensureTables(fx.clients.dynamo, tables, 'per_file');
  return { ...fx, config, tables, archive: composeArchive(config, fx.clients, { starter: { start: async () => undefined } }) };
}

/** Put objects into a bucket. @returns the contents by key */
export async function seed(s3: S3Client, bucket: string, objects: Record<string, Buffer | string>): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const [key, body] of Object.entries(objects)) {
    const b = Buffer.isBuffer(body) ? body : Buffer.from(body);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: b, ContentType: key.endsWith('.csv') ? 'text/csv' : 'application/octet-stream' }));
    out.set(key, b);
  }
  return out;
}

/** Bytes `offset..offset+length-1` of a bundle, restoring it first (moto completes restores at once). */
export async function rangeOf(s3: S3Client, bucket: string, key: string, offset: number, length: number): Promise<Buffer> {
  await s3
    .send(new RestoreObjectCommand({ Bucket: bucket, Key: key, RestoreRequest: { Days: 1, GlacierJobParameters: { Tier: 'Standard' } } }))
    .catch(() => undefined);
  const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=${offset}-${offset + length - 1}` }));
  return Buffer.from(await res.Body!.transformToByteArray());
}
