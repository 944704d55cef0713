/**
 * The {@link ObjectStore} port on AWS SDK v3 (S3 or the moto emulator). Every SDK error leaves this
 * file as an {@link ObjectStoreError} naming the operation and the resource.
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  RestoreObjectCommand,
  UploadPartCommand,
  paginateListObjectsV2,
  type S3Client,
  type StorageClass,
  type Tier,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { Readable } from 'node:stream';
import type { SourceObject } from '../../domain/model.js';
import type {
  CompleteMultipartUploadInput,
  CreatedUpload,
  DeleteResult,
  DeleteTarget,
  GetObjectInput,
  GotObject,
  ObjectHead,
  ObjectHeaders,
  ObjectStore,
  ObjectVersion,
  OpenUpload,
  PutObjectInput,
  PutObjectResult,
  RestoreStart,
  UploadedPart,
  UploadPartInput,
} from '../../domain/ports/object-store.js';
import { ObjectStoreError } from '../../domain/ports/object-store.js';
import { decodeS3UrlKey } from '../../domain/keys.js';
import { taggingHeader } from '../../domain/object-attributes.js';
import { xmlCarriesKey } from './xml-keys.js';
import { s3Call, translateS3Error } from './s3-errors.js';

/** Strip the double quotes S3 puts around ETags. */
export function stripEtag(etag: string | undefined): string | undefined {
  return etag === undefined ? undefined : etag.replace(/^"|"$/g, '');
}

interface HeadLike {
  ContentLength?: number;
  ETag?: string;
  VersionId?: string;
  LastModified?: Date;
  StorageClass?: string;
  Restore?: string;
  ServerSideEncryption?: string;
  SSEKMSKeyId?: string;
  ChecksumCRC32?: string;
  ChecksumType?: string;
  ContentType?: string;
  ContentEncoding?: string;
  ContentDisposition?: string;
  ContentLanguage?: string;
  CacheControl?: string;
  ExpiresString?: string;
  Expires?: Date;
  Metadata?: Record<string, string>;
}

function headersOf(res: HeadLike): ObjectHeaders {
  const expires = res.ExpiresString ?? (res.Expires ? res.Expires.toUTCString() : undefined);
  return {
    ...(res.ContentType ? { contentType: res.ContentType } : {}),
    ...(res.ContentEncoding ? { contentEncoding: res.ContentEncoding } : {}),
    ...(res.ContentDisposition ? { contentDisposition: res.ContentDisposition } : {}),
    ...(res.ContentLanguage ? { contentLanguage: res.ContentLanguage } : {}),
    ...(res.CacheControl ? { cacheControl: res.CacheControl } : {}),
    ...(expires ? { expires } : {}),
  };
}

/**
 * Whether a reported CRC-32 is of the whole object: S3 says so in `x-amz-checksum-type`; where that
 * header is missing (older answers, emulators) a composite checksum still shows as `<base64>-<parts>`.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
 */
function checksumTypeOf(res: HeadLike): 'FULL_OBJECT' | 'COMPOSITE' | undefined {
  if (res.ChecksumType === 'FULL_OBJECT' || res.ChecksumType === 'COMPOSITE') return res.ChecksumType;
  if (!res.ChecksumCRC32) return undefined;
  return /-\d+$/.test(res.ChecksumCRC32) ? 'COMPOSITE' : 'FULL_OBJECT';
}

function headOf(res: HeadLike): ObjectHead {
  return {
    size: res.ContentLength ?? 0,
    etag: stripEtag(res.ETag) ?? '',
    ...(res.VersionId && res.VersionId !== 'null' ? { versionId: res.VersionId } : {}),
    ...(res.LastModified ? { lastModified: res.LastModified.toISOString() } : {}),
    storageClass: res.StorageClass ?? 'STANDARD',
    ...(res.Restore ? { restore: res.Restore } : {}),
    ...(res.ServerSideEncryption ? { serverSideEncryption: res.ServerSideEncryption } : {}),
    ...(res.SSEKMSKeyId ? { sseKmsKeyId: res.SSEKMSKeyId } : {}),
    ...(res.ChecksumCRC32 ? { checksumCrc32: res.ChecksumCRC32 } : {}),
    ...(checksumTypeOf(res) ? { checksumType: checksumTypeOf(res) } : {}),
    headers: headersOf(res),
    metadata: { ...(res.Metadata ?? {}) },
  };
}

function putParams(input: PutObjectInput): Record<string, unknown> {
  const h = input.headers ?? {};
  return {
    Bucket: input.bucket,
    Key: input.key,
    ...(input.storageClass ? { StorageClass: input.storageClass as StorageClass } : {}),
    ...(h.contentType ? { ContentType: h.contentType } : {}),
    ...(h.contentEncoding ? { ContentEncoding: h.contentEncoding } : {}),
    ...(h.contentDisposition ? { ContentDisposition: h.contentDisposition } : {}),
    ...(h.contentLanguage ? { ContentLanguage: h.contentLanguage } : {}),
    ...(h.cacheControl ? { CacheControl: h.cacheControl } : {}),
    // The SDK takes Expires as a Date: a value S3 kept that is not a valid HTTP date cannot be written back.
    ...(h.expires && !Number.isNaN(Date.parse(h.expires)) ? { Expires: new Date(h.expires) } : {}),
    ...(input.metadata && Object.keys(input.metadata).length > 0 ? { Metadata: { ...input.metadata } } : {}),
    ...(input.tags && Object.keys(input.tags).length > 0 ? { Tagging: taggingHeader(input.tags) } : {}),
  };
}

/**
 * A key (or prefix, or marker) as listed: decoded once when the answer says `EncodingType: url`.
 * @throws ObjectStoreError UNKNOWN naming the raw value when it is not valid percent-encoding
 */
function listedKey(raw: string, encoding: string | undefined, operation: string, bucket: string): string {
  if (encoding !== 'url') return raw;
  try {
    return decodeS3UrlKey(raw);
  } catch (err) {
    throw new ObjectStoreError('UNKNOWN', { operation, bucket }, { message: `listed key ${JSON.stringify(raw)} is not valid URL encoding` }, err);
  }
}

/** Options of {@link S3ObjectStore}. */
export interface S3ObjectStoreOptions {
  /** Part size of {@link S3ObjectStore.uploadStream} in bytes. Default 16 MiB (S3 minimum 5 MiB). */
  readonly streamPartSize?: number;
  /** Parts of {@link S3ObjectStore.uploadStream} in flight. Default 4 (memory: 4 × part size). */
  readonly streamQueueSize?: number;
}

/** {@link ObjectStore} on an SDK v3 {@link S3Client} (passed in; this class never builds clients). */
export class S3ObjectStore implements ObjectStore {
  /** @param s3 the S3 client (its endpoint, retries and middleware are the caller's); @param options stream upload sizing */
  constructor(
    private readonly s3: S3Client,
    private readonly options: S3ObjectStoreOptions = {},
  ) {}

  /** @inheritdoc */
  async headBucket(bucket: string): Promise<void> {
    await s3Call('HeadBucket', bucket, undefined, () => this.s3.send(new HeadBucketCommand({ Bucket: bucket })));
  }

  /** @inheritdoc */
  async headObject(input: { bucket: string; key: string; versionId?: string; checksum?: boolean }): Promise<ObjectHead> {
    const res = await s3Call('HeadObject', input.bucket, input.key, () =>
      this.s3.send(
        new HeadObjectCommand({
          Bucket: input.bucket,
          Key: input.key,
          ...(input.versionId ? { VersionId: input.versionId } : {}),
          ...(input.checksum ? { ChecksumMode: 'ENABLED' } : {}),
        }),
      ),
    );
    return headOf(res);
  }

  /** @inheritdoc */
  async getObject(input: GetObjectInput): Promise<GotObject> {
    const res = await s3Call('GetObject', input.bucket, input.key, () =>
      this.s3.send(
        new GetObjectCommand({
          Bucket: input.bucket,
          Key: input.key,
          ...(input.versionId ? { VersionId: input.versionId } : {}),
          ...(input.ifMatch ? { IfMatch: `"${input.ifMatch}"` } : {}),
          ...(input.range ? { Range: `bytes=${input.range.start}-${input.range.end}` } : {}),
          ...(input.checksum ? { ChecksumMode: 'ENABLED' } : {}),
        }),
      ),
    );
    const head = headOf(res);
    const total = Number(/\/(\d+)$/.exec(res.ContentRange ?? '')?.[1] ?? head.size);
    return { ...head, totalSize: total, body: res.Body as Readable };
  }

  /** @inheritdoc */
  async getObjectTagging(input: { bucket: string; key: string; versionId?: string }): Promise<Record<string, string>> {
    const res = await s3Call('GetObjectTagging', input.bucket, input.key, () =>
      this.s3.send(new GetObjectTaggingCommand({ Bucket: input.bucket, Key: input.key, ...(input.versionId ? { VersionId: input.versionId } : {}) })),
    );
    return Object.fromEntries((res.TagSet ?? []).filter((t) => t.Key !== undefined).map((t) => [t.Key!, t.Value ?? '']));
  }

  /**
   * ListObjectsV2 with `EncodingType=url`: S3 then percent-encodes every key in the XML answer, so
   * keys holding characters XML 1.0 cannot carry (U+0000-U+001F except tab/LF) or that XML parsers
   * rewrite (a CR becomes LF) arrive intact; each key is decoded exactly once with
   * {@link decodeS3UrlKey} (`+` is a space, a literal `+` arrives as `%2B`). Decoded only when the
   * answer says `EncodingType: url` (an emulator that ignores the parameter sends raw keys).
   * https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html#API_ListObjectsV2_RequestSyntax
   * @inheritdoc
   */
  async *listObjects(bucket: string, prefix: string): AsyncIterable<SourceObject> {
    try {
      for await (const page of paginateListObjectsV2({ client: this.s3, pageSize: 1000 }, { Bucket: bucket, Prefix: prefix, EncodingType: 'url' })) {
        for (const o of page.Contents ?? []) {
          if (o.Key === undefined) continue;
          const etag = stripEtag(o.ETag);
          yield {
            bucket,
            key: listedKey(o.Key, page.EncodingType, 'ListObjectsV2', bucket),
            size: o.Size ?? 0,
            ...(etag ? { etag } : {}),
            ...(o.LastModified ? { last_modified: o.LastModified.toISOString() } : {}),
            ...(o.StorageClass ? { storage_class: o.StorageClass } : {}),
          };
        }
      }
    } catch (err) {
      throw translateS3Error(err, 'ListObjectsV2', bucket, prefix);
    }
  }

  /** ListObjectsV2 with `Delimiter: '/'` and `EncodingType=url` (prefixes decoded once, as keys). @inheritdoc */
  async *listCommonPrefixes(bucket: string, prefix: string): AsyncIterable<string> {
    try {
      for await (const page of paginateListObjectsV2(
        { client: this.s3, pageSize: 1000 },
        { Bucket: bucket, Prefix: prefix, Delimiter: '/', EncodingType: 'url' },
      )) {
        for (const p of page.CommonPrefixes ?? []) if (p.Prefix) yield listedKey(p.Prefix, page.EncodingType, 'ListObjectsV2', bucket);
      }
    } catch (err) {
      throw translateS3Error(err, 'ListObjectsV2', bucket, prefix);
    }
  }

  /** @inheritdoc */
  async putObject(input: PutObjectInput & { body: Uint8Array | string | readonly Uint8Array[] }): Promise<PutObjectResult> {
    const parts = Array.isArray(input.body) ? (input.body as readonly Uint8Array[]) : undefined;
    const one = parts ? undefined : typeof input.body === 'string' ? Buffer.from(input.body, 'utf8') : (input.body as Uint8Array);
    const length = parts ? parts.reduce((n, p) => n + p.byteLength, 0) : one!.length;
    const res = await s3Call('PutObject', input.bucket, input.key, () =>
      this.s3.send(
        new PutObjectCommand({
          ...putParams(input),
          // Several buffers go as a stream of known length: no copy into one buffer.
          Body: parts ? Readable.from(parts) : one,
          ContentLength: length,
          ...(input.checksumCrc32 ? { ChecksumAlgorithm: 'CRC32', ChecksumCRC32: input.checksumCrc32 } : {}),
          ...(input.checksumSha256 && !input.checksumCrc32 ? { ChecksumAlgorithm: 'SHA256', ChecksumSHA256: input.checksumSha256 } : {}),
        } as never),
      ),
    );
    return resultOf(res);
  }

  /** @inheritdoc */
  async uploadStream(input: PutObjectInput & { body: Readable }): Promise<PutObjectResult> {
    const upload = new Upload({
      client: this.s3,
      params: { ...putParams(input), Body: input.body } as never,
      partSize: this.options.streamPartSize ?? 16 * 1024 * 1024,
      queueSize: this.options.streamQueueSize ?? 4,
      leavePartsOnError: false,
    });
    const res = await s3Call('Upload', input.bucket, input.key, () => upload.done());
    return resultOf(res as { ETag?: string; VersionId?: string; ChecksumCRC32?: string });
  }

  /**
   * When the SDK had to retry the create (`$metadata.attempts` > 1), an earlier attempt may have
   * created an upload whose answer was lost: the key's other unfinished uploads are listed and
   * aborted (one writer per key), so none is left behind. No extra request otherwise.
   * @inheritdoc
   */
  async createMultipartUpload(input: PutObjectInput): Promise<CreatedUpload> {
    const res = await s3Call('CreateMultipartUpload', input.bucket, input.key, () =>
      this.s3.send(new CreateMultipartUploadCommand({ ...putParams(input), ChecksumAlgorithm: 'CRC32', ChecksumType: 'FULL_OBJECT' } as never)),
    );
    if (!res.UploadId) throw translateS3Error(new Error('no UploadId in the answer'), 'CreateMultipartUpload', input.bucket, input.key);
    let staleAborted = 0;
    if ((res.$metadata.attempts ?? 1) > 1) {
      for await (const u of this.listMultipartUploads(input.bucket, input.key)) {
        if (u.key !== input.key || u.uploadId === res.UploadId) continue;
        await this.abortMultipartUpload({ bucket: input.bucket, key: u.key, uploadId: u.uploadId });
        staleAborted++;
      }
    }
    return { uploadId: res.UploadId, staleAborted };
  }

  /** @inheritdoc */
  async uploadPart(input: UploadPartInput): Promise<UploadedPart> {
    const res = await s3Call(`UploadPart #${input.partNumber}`, input.bucket, input.key, () =>
      this.s3.send(
        new UploadPartCommand({
          Bucket: input.bucket,
          Key: input.key,
          UploadId: input.uploadId,
          PartNumber: input.partNumber,
          Body: input.body,
          ContentLength: input.body.length,
          ChecksumAlgorithm: 'CRC32',
          ChecksumCRC32: input.checksumCrc32,
        }),
      ),
    );
    return { partNumber: input.partNumber, etag: res.ETag ?? '', checksumCrc32: res.ChecksumCRC32 ?? input.checksumCrc32 };
  }

  /** @inheritdoc */
  async completeMultipartUpload(input: CompleteMultipartUploadInput): Promise<PutObjectResult> {
    const res = await s3Call('CompleteMultipartUpload', input.bucket, input.key, () =>
      this.s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: input.bucket,
          Key: input.key,
          UploadId: input.uploadId,
          ChecksumCRC32: input.checksumCrc32,
          ChecksumType: 'FULL_OBJECT',
          MultipartUpload: { Parts: input.parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag, ChecksumCRC32: p.checksumCrc32 })) },
        }),
      ),
    );
    return resultOf(res);
  }

  /** @inheritdoc */
  async abortMultipartUpload(input: { bucket: string; key: string; uploadId: string }): Promise<void> {
    try {
      await this.s3.send(new AbortMultipartUploadCommand({ Bucket: input.bucket, Key: input.key, UploadId: input.uploadId }));
    } catch (err) {
      const e = translateS3Error(err, 'AbortMultipartUpload', input.bucket, input.key);
      if (e.failure !== 'NOT_FOUND') throw e;
    }
  }

  /** ListMultipartUploads with `EncodingType=url` (keys decoded once), following KeyMarker / UploadIdMarker. @inheritdoc */
  async *listMultipartUploads(bucket: string, prefix: string): AsyncIterable<OpenUpload> {
    try {
      // ListMultipartUploads has no SDK paginator: follow KeyMarker / UploadIdMarker (returned encoded
      // like the keys; passed back decoded, as the request's query string encodes them itself).
      let marker: { KeyMarker?: string; UploadIdMarker?: string } = {};
      for (;;) {
        const page = await this.s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix, EncodingType: 'url', ...marker }));
        for (const u of page.Uploads ?? []) {
          if (u.Key && u.UploadId)
            yield {
              key: listedKey(u.Key, page.EncodingType, 'ListMultipartUploads', bucket),
              uploadId: u.UploadId,
              initiated: (u.Initiated ?? new Date(0)).toISOString(),
            };
        }
        if (!page.IsTruncated) return;
        marker = {
          ...(page.NextKeyMarker ? { KeyMarker: listedKey(page.NextKeyMarker, page.EncodingType, 'ListMultipartUploads', bucket) } : {}),
          ...(page.NextUploadIdMarker ? { UploadIdMarker: page.NextUploadIdMarker } : {}),
        };
      }
    } catch (err) {
      throw translateS3Error(err, 'ListMultipartUploads', bucket, prefix);
    }
  }

  /** ListObjectVersions with `EncodingType=url` (keys decoded once), following KeyMarker / VersionIdMarker. @inheritdoc */
  async *listObjectVersions(bucket: string, prefix: string): AsyncIterable<ObjectVersion> {
    try {
      let marker: { KeyMarker?: string; VersionIdMarker?: string } = {};
      for (;;) {
        const page = await this.s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: prefix, EncodingType: 'url', ...marker }));
        const key = (raw: string): string => listedKey(raw, page.EncodingType, 'ListObjectVersions', bucket);
        for (const v of page.Versions ?? [])
          if (v.Key && v.VersionId) yield { key: key(v.Key), versionId: v.VersionId, isLatest: v.IsLatest === true, deleteMarker: false };
        for (const m of page.DeleteMarkers ?? [])
          if (m.Key && m.VersionId) yield { key: key(m.Key), versionId: m.VersionId, isLatest: m.IsLatest === true, deleteMarker: true };
        if (!page.IsTruncated) return;
        marker = {
          ...(page.NextKeyMarker ? { KeyMarker: key(page.NextKeyMarker) } : {}),
          ...(page.NextVersionIdMarker ? { VersionIdMarker: page.NextVersionIdMarker } : {}),
        };
      }
    } catch (err) {
      throw translateS3Error(err, 'ListObjectVersions', bucket, prefix);
    }
  }

  /**
   * DeleteObjects (quiet) for the keys its XML body can carry; every other key (see
   * {@link xmlCarriesKey}) is deleted alone with DeleteObject, whose key travels in the URL path,
   * still conditional on its ETag. A batch S3 refuses as a whole with 400 MalformedXML (a key the
   * check did not foresee) is also retried key by key. Per-key refusals (PreconditionFailed,
   * NoSuchKey, AccessDenied, ...) are returned in `errors`; throttling and outages past the SDK's
   * retries are thrown.
   * https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html
   * @inheritdoc
   */
  async deleteObjects(bucket: string, targets: readonly DeleteTarget[]): Promise<DeleteResult> {
    if (targets.length === 0) return { deleted: [], errors: [] };
    if (targets.length > 1000) throw new RangeError(`DeleteObjects takes at most 1,000 keys, got ${targets.length}`);
    const inXml = targets.filter((t) => xmlCarriesKey(t.key));
    const alone = targets.filter((t) => !xmlCarriesKey(t.key));
    const results: DeleteResult[] = [];
    if (inXml.length > 0) {
      try {
        results.push(await this.deleteBatch(bucket, inXml));
      } catch (err) {
        if (!(err instanceof ObjectStoreError) || err.failure !== 'INVALID_REQUEST') throw err;
        alone.push(...inXml); // 400 MalformedXML (or another refusal of the body): one by one
      }
    }
    for (const t of alone) results.push(await this.deleteAlone(bucket, t));
    return { deleted: results.flatMap((r) => r.deleted), errors: results.flatMap((r) => r.errors) };
  }

  private async deleteBatch(bucket: string, targets: readonly DeleteTarget[]): Promise<DeleteResult> {
    const res = await s3Call('DeleteObjects', bucket, undefined, () =>
      this.s3.send(
        new DeleteObjectsCommand({
          Bucket: bucket,
          Delete: {
            Quiet: true,
            Objects: targets.map((t) => ({ Key: t.key, ...(t.etag ? { ETag: `"${t.etag}"` } : {}), ...(t.versionId ? { VersionId: t.versionId } : {}) })),
          },
        }),
      ),
    );
    const errors = (res.Errors ?? []).map((e) => ({ key: e.Key ?? '', code: e.Code ?? 'Unknown', message: e.Message ?? '' }));
    const failed = new Set(errors.map((e) => e.key));
    return { deleted: targets.map((t) => t.key).filter((k) => !failed.has(k)), errors };
  }

  /** One DeleteObject, its per-key refusal reported like a DeleteObjects error entry. */
  private async deleteAlone(bucket: string, t: DeleteTarget): Promise<DeleteResult> {
    try {
      await this.deleteObject(bucket, t);
      return { deleted: [t.key], errors: [] };
    } catch (err) {
      if (!(err instanceof ObjectStoreError) || err.failure === 'THROTTLED' || err.failure === 'UNAVAILABLE' || err.failure === 'NO_SUCH_BUCKET') throw err;
      const code = err.failure === 'NOT_FOUND' ? 'NoSuchKey' : err.failure === 'PRECONDITION_FAILED' ? 'PreconditionFailed' : (err.awsCode ?? err.failure);
      return { deleted: [], errors: [{ key: t.key, code, message: err.message }] };
    }
  }

  /** @inheritdoc */
  async deleteObject(bucket: string, target: DeleteTarget): Promise<void> {
    await s3Call('DeleteObject', bucket, target.key, () =>
      this.s3.send(
        new DeleteObjectCommand({
          Bucket: bucket,
          Key: target.key,
          ...(target.etag ? { IfMatch: `"${target.etag}"` } : {}),
          ...(target.versionId ? { VersionId: target.versionId } : {}),
        }),
      ),
    );
  }

  /** @inheritdoc */
  async restoreObject(input: { bucket: string; key: string; days: number; tier: string }): Promise<RestoreStart> {
    try {
      const res = await this.s3.send(
        new RestoreObjectCommand({
          Bucket: input.bucket,
          Key: input.key,
          RestoreRequest: { Days: input.days, GlacierJobParameters: { Tier: input.tier as Tier } },
        }),
      );
      return res.$metadata.httpStatusCode === 200 ? 'ALREADY_RESTORED' : 'STARTED';
    } catch (err) {
      const e = translateS3Error(err, 'RestoreObject', input.bucket, input.key);
      if (e.failure === 'RESTORE_IN_PROGRESS') return 'IN_PROGRESS';
      throw e;
    }
  }

  /** @inheritdoc */
  async presignGet(bucket: string, key: string, expiresSeconds: number): Promise<string> {
    return s3Call('PresignGetObject', bucket, key, () =>
      getSignedUrl(this.s3, new GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn: expiresSeconds }),
    );
  }
}

function resultOf(res: { ETag?: string; VersionId?: string; ChecksumCRC32?: string }): PutObjectResult {
  const etag = stripEtag(res.ETag);
  return {
    ...(etag ? { etag } : {}),
    ...(res.VersionId && res.VersionId !== 'null' ? { versionId: res.VersionId } : {}),
    ...(res.ChecksumCRC32 ? { checksumCrc32: res.ChecksumCRC32 } : {}),
  };
}
