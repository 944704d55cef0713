/**
 * Persistence port of restore requests and their files. Status changes are conditional, so one
 * file is extracted by one worker even when a completion event, the reconciler and the submitting
 * process race for it. DynamoDB adapter: `src/adapters/dynamo/dynamo-restore-store.ts`; in-memory
 * fake: `test/support/memory-restore-stores.ts`.
 */
import type { RestoreFileStatus, RestoreFinalStatus, RestoreProblem, RestoreSelection } from '../restore-request.js';
import type {
  OpenRestore,
  ResolvedCounts,
  RestoreCounter,
  RestoreFileChanges,
  RestoreFileRecord,
  RestoreFileRef,
  RestoreRequestRecord,
} from '../restore-records.js';

/** Restore requests, their files, and the list of open requests the reconciler reads. */
export interface RestoreStore {
  /**
   * Record the request. A selection list too large for one record is kept apart (the stored record
   * then has `selection_count` and an empty list; {@link RestoreStore.selection} reads it back).
   * @returns the record as stored (what {@link RestoreStore.getRequest} returns), or undefined when a
   *   request with this id already exists (nothing of this call is kept)
   */
  createRequest(request: RestoreRequestRecord): Promise<RestoreRequestRecord | undefined>;
  /**
   * The whole selection of a request (its list read back when it was kept apart), or undefined
   * when the request does not exist. Only the resolution needs it: {@link RestoreStore.getRequest}
   * never reads a list kept apart.
   */
  selection(restoreId: string): Promise<RestoreSelection | undefined>;
  /**
   * Take the resolution of a RESOLVING request: set `resolving_since` to `now` if it is unset or
   * before `staleBefore` (a worker that died). @returns whether this caller may resolve it
   */
  claimResolution(restoreId: string, now: string, staleBefore: string): Promise<boolean>;
  /** RESOLVING -> RESOLVED with the counts. @returns false when the request is not RESOLVING (nothing changed) */
  recordResolution(restoreId: string, counts: ResolvedCounts, now: string): Promise<boolean>;
  /** RESOLVING -> FAILED with the reason. @returns false when the request is not RESOLVING (nothing changed) */
  failResolution(restoreId: string, error: RestoreProblem, now: string): Promise<boolean>;
  /** Record files (idempotent per restore id and position; written in batches). */
  putFiles(files: readonly RestoreFileRecord[]): Promise<void>;
  /** The request, or undefined (strongly consistent). */
  getRequest(restoreId: string): Promise<RestoreRequestRecord | undefined>;
  /** Every file of a request, in request order (`n`). */
  files(restoreId: string): Promise<RestoreFileRecord[]>;
  /** The files of one bundle in one request. */
  filesOfBundle(restoreId: string, bundleKey: string): Promise<RestoreFileRecord[]>;
  /**
   * Move a file to `to` if its status is one of `from` (or, when `staleBefore` is given, it is
   * EXTRACTING since before that ISO 8601 time), setting `changes` too.
   * @returns whether the change was made (false: the file moved on meanwhile, or does not exist)
   */
  transition(
    file: RestoreFileRef,
    from: readonly RestoreFileStatus[],
    to: RestoreFileStatus,
    changes: RestoreFileChanges,
    staleBefore?: string,
  ): Promise<boolean>;
  /**
   * Move a file to a terminal status (if its status is one of `from`) and add 1 to the request's
   * `counter` in one atomic write, so a crash can never leave one done without the other.
   * @returns the request after the change, or undefined when the file had moved on (nothing written)
   */
  settle(
    file: RestoreFileRef,
    from: readonly RestoreFileStatus[],
    to: 'AVAILABLE' | 'FAILED',
    changes: RestoreFileChanges,
    counter: RestoreCounter,
    now: string,
  ): Promise<RestoreRequestRecord | undefined>;
  /** Add 1 to a counter of the request. @returns the request after the change */
  count(restoreId: string, counter: RestoreCounter, now: string): Promise<RestoreRequestRecord>;
  /** Record the final status once. @returns false when one was already recorded */
  finish(restoreId: string, status: RestoreFinalStatus, now: string): Promise<boolean>;
  /** Record a delivered notification (clears an earlier failure). */
  markNotified(restoreId: string, now: string): Promise<void>;
  /** Record a failed notification (`<name>: <message>`); the reconciler retries it. */
  markNotifyFailed(restoreId: string, error: string): Promise<void>; // records the error and adds 1 to `notify_attempts`
  /** List the request as open for the reconciler. */
  open(restoreId: string, now: string): Promise<void>;
  /** Remove the request from the open list (finished and notified, or abandoned). */
  close(restoreId: string): Promise<void>;
  /** Every open request (all pages). */
  openRequests(): Promise<OpenRestore[]>;
}
