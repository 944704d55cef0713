/**
 * Service ports of the restore pipeline as callers (the HTTP API, the CLI) use them. Implemented by
 * `RestoreService` (`src/restore/restore-service.ts`); the API's tests use in-memory fakes
 * (`test/unit/api/fakes.ts`).
 */
import type { FileIndexItem } from '../model.js';
import type { Page, PageRequest } from '../page.js';
import type { RestoreRequestInput, RestoreView } from '../restore-request.js';
import type { SubmitOptions } from '../submit-options.js';

/** Restore requests. */
export interface RestoreRequests {
  /**
   * Resolve the files, create the restore request and start the bundle restores.
   * @returns the created request, or the one created earlier with the same `idempotencyKey`
   * @throws ValidationError (400) e.g. Expedited for DEEP_ARCHIVE, an ambiguous name without
   *   `all_matches`, a topic ARN not on the allow-list, days out of range
   */
  submit(req: RestoreRequestInput, opts: SubmitOptions): Promise<RestoreView>;
  /** The restore request with this id, or undefined. */
  get(restoreId: string): Promise<RestoreView | undefined>;
}

/** Where archived files are: the file index. */
export interface FileLookup {
  /**
   * Index items (every archive generation, oldest first) of a full source key.
   * @param bucket source bucket, or undefined to look in every archived bucket
   */
  byKey(bucket: string | undefined, key: string, page: PageRequest): Promise<Page<FileIndexItem>>;
  /**
   * Index items of every key whose base name (the part after the last `/`) is `name`.
   * @param bucket source bucket, or undefined to look in every archived bucket
   */
  byName(bucket: string | undefined, name: string, page: PageRequest): Promise<Page<FileIndexItem>>;
}
