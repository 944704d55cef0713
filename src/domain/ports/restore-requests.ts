/**
 * Service ports of the restore pipeline as callers (the HTTP API, the CLI) use them. Implemented by
 * `RestoreService` (`src/restore/restore-service.ts`); the API's tests use in-memory fakes
 * (`test/unit/api/fakes.ts`).
 */
import type { ArchivedFile } from '../catalog.js';
import type { Page, PageRequest } from '../page.js';
import type { RestoreRequestInput, RestoreView } from '../restore-request.js';
import type { SubmitOptions } from '../submit-options.js';

/** Restore requests. */
export interface RestoreRequests {
  /**
   * Record the restore request (status RESOLVING); its files are looked up and their bundle restores
   * started by the restore worker (or in the call, where the implementation is configured so).
   * @returns the created request, or the one created earlier with the same `idempotencyKey`
   * @throws ValidationError (400) e.g. Expedited for DEEP_ARCHIVE, an ambiguous name without
   *   `all_matches`, a topic ARN not on the allow-list, days out of range
   */
  submit(req: RestoreRequestInput, opts: SubmitOptions): Promise<RestoreView>;
  /** The restore request with this id, or undefined. */
  get(restoreId: string): Promise<RestoreView | undefined>;
}

/** Where archived files are: the catalog (bundle directory + manifests, or the per-file index). */
export interface FileLookup {
  /**
   * Every archive generation (oldest first) of a full source key: its bundle, byte range and checksums.
   * @param bucket source bucket, or undefined to look in every archived bucket
   */
  byKey(bucket: string | undefined, key: string, page: PageRequest): Promise<Page<ArchivedFile>>;
  /**
   * Every archived file (every generation) whose base name (the part after the last `/`) is `name`.
   * @param bucket source bucket, or undefined to look in every archived bucket
   * @throws ValidationError `TOO_MANY_FILES` when the lookup would read too many manifests for one call
   */
  byName(bucket: string | undefined, name: string, page: PageRequest): Promise<Page<ArchivedFile>>;
}
