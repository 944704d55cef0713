/**
 * Upload a stream of unknown length as one S3 object with a multipart upload, holding one part in
 * memory (memory bound = `partSize`). Parts are uploaded one after another; on any failure of the
 * source or of S3 the upload is aborted, so nothing is left behind.
 * Limits: parts 5 MiB-5 GiB except the last, at most 10,000 parts
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html).
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';

/** Smallest part S3 accepts (except the last): 5 MiB. */
export const MIN_PART_BYTES = 5 * 1024 * 1024;
/** Most parts per upload. */
export const MAX_PARTS = 10_000;

/** Target object of {@link uploadStream}. */
export interface UploadTarget {
  readonly bucket: string;
  readonly key: string;
  readonly contentType?: string;
  readonly metadata?: Record<string, string>;
}

/**
 * @param partSize bytes per part, ≥ 5 MiB (default 8 MiB)
 * @returns bytes uploaded and parts used
 * @throws whatever the source or S3 throws, after aborting the upload
 */
export async function uploadStream(s3: S3Client, target: UploadTarget, source: AsyncIterable<Buffer>, partSize = 8 * 1024 * 1024): Promise<{ bytes: number; parts: number }> {
  const size = Math.max(MIN_PART_BYTES, partSize);
  const created = await s3.send(
    new CreateMultipartUploadCommand({
      Bucket: target.bucket,
      Key: target.key,
      ...(target.contentType ? { ContentType: target.contentType } : {}),
      ...(target.metadata ? { Metadata: target.metadata } : {}),
    }),
  );
  const uploadId = created.UploadId!;
  const parts: { ETag: string; PartNumber: number }[] = [];
  let bytes = 0;
  const send = async (body: Buffer): Promise<void> => {
    const PartNumber = parts.length + 1;
    if (PartNumber > MAX_PARTS) throw new Error(`object needs more than ${MAX_PARTS} parts of ${size} bytes`);
    const res = await s3.send(new UploadPartCommand({ Bucket: target.bucket, Key: target.key, UploadId: uploadId, PartNumber, Body: body, ContentLength: body.length }));
    parts.push({ ETag: res.ETag!, PartNumber });
    bytes += body.length;
  };
  try {
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    for await (const chunk of source) {
      let rest = chunk;
      while (pendingBytes + rest.length >= size) {
        const take = size - pendingBytes;
        pending.push(rest.subarray(0, take));
        rest = rest.subarray(take);
        await send(Buffer.concat(pending));
        pending = [];
        pendingBytes = 0;
      }
      if (rest.length > 0) {
        pending.push(Buffer.from(rest));
        pendingBytes += rest.length;
      }
    }
    if (pendingBytes > 0 || parts.length === 0) await send(Buffer.concat(pending));
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: target.bucket, Key: target.key, UploadId: uploadId, MultipartUpload: { Parts: parts } }));
    return { bytes, parts: parts.length };
  } catch (err) {
    await s3.send(new AbortMultipartUploadCommand({ Bucket: target.bucket, Key: target.key, UploadId: uploadId })).catch(() => undefined);
    throw err;
  }
}
