import { paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import type { SourceObject } from '../../domain/model.js';

/** Strip the double quotes S3 puts around ETags. */
export function stripEtag(etag: string | undefined): string | undefined {
  return etag === undefined ? undefined : etag.replace(/^"|"$/g, '');
}

/**
 * Stream `s3://bucket/prefix` with ListObjectsV2 (1,000 keys per page, UTF-8 key order), one page in
 * memory at a time. Only current object versions are listed, so delete markers never appear.
 * @param prefix raw S3 prefix, used as is ('' for the whole bucket)
 */
export async function* listObjects(s3: S3Client, bucket: string, prefix: string): AsyncGenerator<SourceObject> {
  for await (const page of paginateListObjectsV2({ client: s3, pageSize: 1000 }, { Bucket: bucket, Prefix: prefix })) {
    for (const o of page.Contents ?? []) {
      if (o.Key === undefined) continue;
      const etag = stripEtag(o.ETag);
      yield {
        bucket,
        key: o.Key,
        size: o.Size ?? 0,
        ...(etag ? { etag } : {}),
        ...(o.LastModified ? { last_modified: o.LastModified.toISOString() } : {}),
        ...(o.StorageClass ? { storage_class: o.StorageClass } : {}),
      };
    }
  }
}
