/**
 * What the compact catalog holds, read the way a lookup reads it, for integration tests: the
 * COMMITTED bundle items of the bundles table (the directory entries) and the rows of their manifests.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Readable } from 'node:stream';
import { readManifest } from '../../src/bundle/manifest.js';
import { archivedFile, type ArchivedFile, type BundleDirectoryEntry } from '../../src/domain/catalog.js';
import type { BundleItem } from '../../src/domain/model.js';

/** Every committed bundle with entries (its directory entry), all pages of a Scan. */
export async function directoryEntries(dynamo: DynamoDBDocumentClient, bundlesTable: string): Promise<BundleItem[]> {
  const out: BundleItem[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await dynamo.send(new ScanCommand({ TableName: bundlesTable, ExclusiveStartKey: start }));
    out.push(...((page.Items ?? []) as BundleItem[]).filter((b) => b.state === 'COMMITTED' && (b.entry_count ?? 0) > 0));
    start = page.LastEvaluatedKey;
  } while (start);
  return out;
}

/** Every archived file under `prefix` (of `bucket`, when given): the manifest rows of the committed bundles. */
export async function catalogFiles(
  clients: { s3: S3Client; dynamo: DynamoDBDocumentClient },
  bundlesTable: string,
  prefix = '',
  bucket?: string,
): Promise<ArchivedFile[]> {
  const out: ArchivedFile[] = [];
  for (const b of await directoryEntries(clients.dynamo, bundlesTable)) {
    if (bucket !== undefined && b.source_bucket !== bucket) continue;
    const got = await clients.s3.send(new GetObjectCommand({ Bucket: b.archive_bucket, Key: b.manifest_key! }));
    const body = Buffer.from(await got.Body!.transformToByteArray());
    for await (const row of readManifest(Readable.from([body]))) {
      if (row.key.startsWith(prefix) && (bucket === undefined || row.bucket === bucket)) out.push(archivedFile(b as unknown as BundleDirectoryEntry, row));
    }
  }
  return out;
}
