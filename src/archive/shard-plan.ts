import { pipeline } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import { parse } from 'csv-parse';
import { createGunzip, gzipSync } from 'node:zlib';
import type { SourceObject } from '../domain/model.js';
import type { ObjectStore } from '../domain/ports/object-store.js';
import { MultipartSink } from './multipart-sink.js';

/** Columns of a shard plan (gzip CSV, no header): the shard's slice of the listing, in order. */
export const SHARD_PLAN_COLUMNS = ['bucket', 'key', 'size', 'etag', 'last_modified', 'storage_class'] as const;

/**
 * Writes one shard plan object to S3 (STANDARD) as a stream of gzip members (one per ~1 MiB of
 * CSV; concatenated gzip members are one valid gzip stream, RFC 1952 §2.2), so memory stays bounded.
 */
export class ShardPlanWriter {
  private text = '';
  private readonly sink: MultipartSink;
  /** Objects written so far. */
  count = 0;

  /** @param objects the object store; @param bucket archive bucket; @param key plan key (`plans/<project>/<job>/<shard>.csv.gz`) */
  constructor(objects: ObjectStore, bucket: string, key: string) {
    this.sink = new MultipartSink(objects, { bucket, key, storageClass: 'STANDARD', contentType: 'application/gzip' });
  }

  /** Append one object. */
  async add(o: SourceObject): Promise<void> {
    this.text += stringify([[o.bucket, o.key, o.size, o.etag ?? '', o.last_modified ?? '', o.storage_class ?? '']]);
    this.count++;
    if (this.text.length >= 1 << 20) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.text.length === 0) return;
    const chunk = gzipSync(Buffer.from(this.text, 'utf8'));
    this.text = '';
    await this.sink.write(chunk);
  }

  /** Flush and complete the object. On error the upload is aborted and the error rethrown. */
  async close(): Promise<void> {
    try {
      await this.flush();
      if (this.sink.bytesWritten === 0) await this.sink.write(gzipSync(Buffer.alloc(0)));
      await this.sink.complete();
    } catch (err) {
      await this.sink.abort();
      throw err;
    }
  }
}

/** Stream a shard plan back, in order, one object at a time. */
export async function* readShardPlan(objects: ObjectStore, bucket: string, key: string): AsyncGenerator<SourceObject> {
  const res = await objects.getObject({ bucket, key });
  // pipeline, not .pipe(): an error of the source (a missing file, a broken body) reaches the reader.
  const rows = pipeline(res.body, createGunzip(), parse({ relax_column_count: true }), () => undefined);
  for await (const r of rows as AsyncIterable<string[]>) {
    const [b, k, size, etag, modified, storageClass] = r;
    yield {
      bucket: b!,
      key: k!,
      size: Number(size),
      ...(etag ? { etag } : {}),
      ...(modified ? { last_modified: modified } : {}),
      ...(storageClass ? { storage_class: storageClass } : {}),
    };
  }
}
