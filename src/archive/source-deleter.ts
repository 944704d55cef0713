import type { ObjectStore } from '../domain/ports/object-store.js';

/** DeleteObjects takes at most 1,000 keys per request (https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html). */
export const DELETE_BATCH = 1000;

/** An archived source object to delete if it is unchanged. */
export interface DeleteTarget {
  readonly bucket: string;
  readonly key: string;
  /** ETag recorded when archived (no quotes). */
  readonly etag: string;
}

/** Outcome of deleting a set of objects. */
export interface DeleteOutcome {
  deleted: number;
  /** Objects kept because they changed (PreconditionFailed) or another per-key error. */
  kept: Array<{ key: string; code: string; message: string }>;
  keptCount: number;
  requests: number;
}

/**
 * Deletes archived sources in DeleteObjects batches of 1,000, each object conditional on its
 * archived ETag (conditional deletes, https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-deletes.html):
 * an object rewritten since it was archived answers PreconditionFailed for that key and is kept.
 * A key already gone (S3 code NoSuchKey, e.g. deleted by an earlier run of this job) counts as deleted.
 */
export class SourceDeleter {
  private batch: DeleteTarget[] = [];
  /** Running outcome (at most 100 kept objects are listed; `keptCount` has them all). */
  readonly outcome: DeleteOutcome = { deleted: 0, kept: [], keptCount: 0, requests: 0 };

  /** @param objects the object store holding the sources */
  constructor(private readonly objects: ObjectStore) {}

  /** Queue one object; a full batch (or a change of bucket) is sent at once. */
  async add(t: DeleteTarget): Promise<void> {
    if (this.batch.length > 0 && (this.batch.length >= DELETE_BATCH || this.batch[0]!.bucket !== t.bucket)) await this.flush();
    this.batch.push(t);
  }

  /** Send what is queued. */
  async flush(): Promise<void> {
    if (this.batch.length === 0) return;
    const batch = this.batch;
    this.batch = [];
    const res = await this.objects.deleteObjects(
      batch[0]!.bucket,
      batch.map((t) => ({ key: t.key, etag: t.etag })),
    );
    this.outcome.requests++;
    let failed = 0;
    for (const e of res.errors) {
      if (e.code === 'NoSuchKey') continue;
      failed++;
      this.outcome.keptCount++;
      if (this.outcome.kept.length < 100) this.outcome.kept.push({ key: e.key, code: e.code, message: e.message });
    }
    this.outcome.deleted += batch.length - failed;
  }
}
