import { GetObjectCommand, RestoreObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FileIndexItem } from '../domain/model.js';
import { extractEntry } from '../bundle/zip-entry-reader.js';

/** Outcome of {@link verifyArchive}. */
export interface VerifyResult {
  /** Originals whose SHA-256 is in the index under their key. */
  indexed: number;
  /** Originals read back byte-exact from their bundle. */
  byteExact: number;
  bundles: number;
  /** `unzip -t` passes (Info-ZIP), or null when unzip is not installed. */
  unzipOk: number | null;
  problems: string[];
}

/**
 * Check an archive run end to end: every original's SHA-256 is in the file index, and reading each
 * bundle back (after RestoreObject, which the emulator completes at once) gives every original
 * byte-exact through its indexed byte range. Also runs `unzip -t` on each bundle when available.
 * @param originals key -> SHA-256 hex of the uploaded bytes
 */
export async function verifyArchive(s3: S3Client, dynamo: DynamoDBDocumentClient, filesTable: string, bucket: string, originals: Map<string, string>): Promise<VerifyResult> {
  const byBundle = new Map<string, FileIndexItem[]>();
  const result: VerifyResult = { indexed: 0, byteExact: 0, bundles: 0, unzipOk: null, problems: [] };
  let start: Record<string, unknown> | undefined;
  do {
    const page = await dynamo.send(new ScanCommand({ TableName: filesTable, ExclusiveStartKey: start }));
    for (const item of (page.Items ?? []) as FileIndexItem[]) {
      if (item.bucket !== bucket || !originals.has(item.key)) continue;
      if (originals.get(item.key) === item.sha256) result.indexed++;
      else result.problems.push(`index SHA-256 differs for ${item.key}`);
      const list = byBundle.get(item.bundle_key) ?? [];
      list.push(item);
      byBundle.set(item.bundle_key, list);
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
    for (const [bundleKey, items] of byBundle) {
      const archiveBucket = items[0]!.archive_bucket;
      await s3.send(new RestoreObjectCommand({ Bucket: archiveBucket, Key: bundleKey, RestoreRequest: { Days: 1, GlacierJobParameters: { Tier: 'Bulk' } } })).catch(() => undefined);
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
