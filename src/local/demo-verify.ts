import { GetObjectCommand, RestoreObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { execFileSync } from 'node:child_process';
import { Readable } from 'node:stream';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BundleItem } from '../domain/model.js';
import { extractEntry } from '../bundle/zip-entry-reader.js';
import { readManifest, type ManifestEntry } from '../bundle/manifest.js';

/** Outcome of {@link verifyArchive}. */
export interface VerifyResult {
  /** Originals whose SHA-256 is in the catalog (a committed bundle's manifest) under their key. */
  indexed: number;
  /** Originals read back byte-exact from their bundle. */
  byteExact: number;
  bundles: number;
  /** `unzip -t` passes (Info-ZIP), or null when unzip is not installed. */
  unzipOk: number | null;
  problems: string[];
}

/**
 * Check an archive run end to end through the compact catalog: every original's SHA-256 is in the
 * manifest of a committed bundle (the bundle directory entries of the bundles table), and reading each
 * bundle back (after RestoreObject, which the emulator completes at once) gives every original
 * byte-exact through its manifest byte range. Also runs `unzip -t` on each bundle when available.
 * @param bundlesTable the bundles table (its COMMITTED items are the directory)
 * @param originals key -> SHA-256 hex of the uploaded bytes
 */
export async function verifyArchive(
  s3: S3Client,
  dynamo: DynamoDBDocumentClient,
  bundlesTable: string,
  bucket: string,
  originals: Map<string, string>,
): Promise<VerifyResult> {
  const byBundle = new Map<string, { archiveBucket: string; rows: ManifestEntry[] }>();
  const result: VerifyResult = { indexed: 0, byteExact: 0, bundles: 0, unzipOk: null, problems: [] };
  let start: Record<string, unknown> | undefined;
  do {
    const page = await dynamo.send(new ScanCommand({ TableName: bundlesTable, ExclusiveStartKey: start }));
    for (const b of (page.Items ?? []) as BundleItem[]) {
      if (b.state !== 'COMMITTED' || b.source_bucket !== bucket || !b.manifest_key) continue;
      const got = await s3.send(new GetObjectCommand({ Bucket: b.archive_bucket, Key: b.manifest_key }));
      const body = Buffer.from(await got.Body!.transformToByteArray());
      const rows: ManifestEntry[] = [];
      for await (const row of readManifest(Readable.from([body]))) {
        if (!originals.has(row.key)) continue;
        if (originals.get(row.key) === row.sha256) result.indexed++;
        else result.problems.push(`manifest SHA-256 differs for ${row.key}`);
        rows.push(row);
      }
      byBundle.set(b.bundle_key, { archiveBucket: b.archive_bucket, rows });
    }
    start = page.LastEvaluatedKey;
  } while (start);
  let hasUnzip = true;
  try {
    execFileSync('unzip', ['-v'], { stdio: 'ignore' });
  } catch {
    hasUnzip = false;
  }
  const dir = await mkdtemp(join(tmpdir(), 'coldpack-verify-'));
  try {
    for (const [bundleKey, { archiveBucket, rows: items }] of byBundle) {
      await s3
        .send(new RestoreObjectCommand({ Bucket: archiveBucket, Key: bundleKey, RestoreRequest: { Days: 1, GlacierJobParameters: { Tier: 'Bulk' } } }))
        .catch(() => undefined);
      const res = await s3.send(new GetObjectCommand({ Bucket: archiveBucket, Key: bundleKey }));
      const bundle = Buffer.from(await res.Body!.transformToByteArray());
      result.bundles++;
      for (const item of items) {
        try {
          extractEntry(bundle.subarray(item.offset, item.offset + item.length), item);
          result.byteExact++;
        } catch (err) {
          result.problems.push(`${item.key}: ${(err as Error).message}`);
        }
      }
      if (hasUnzip) {
        const path = join(dir, 'bundle.zip');
        await writeFile(path, bundle);
        try {
          execFileSync('unzip', ['-tq', path], { stdio: 'ignore' });
          result.unzipOk = (result.unzipOk ?? 0) + 1;
        } catch {
          result.problems.push(`unzip -t failed on ${bundleKey}`);
        }
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return result;
}
