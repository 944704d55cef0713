/**
 * Persistence port of the restore state of bundles, shared by every restore request that needs a
 * bundle: NONE -> REQUESTED -> READY -> EXPIRED, plus the requests waiting for READY. The state is
 * one record per bundle whose size does not depend on how many requests wait; the waiting requests
 * are one record per (bundle, request), read in pages, so any number of requests can wait for one
 * bundle (issue 11 item 10: a list of ids in the bundle item passed DynamoDB's 400 KB item limit
 * after ~13,000 joins). Each state change is one atomic conditional change, so exactly one request
 * claims a bundle (and sends its RestoreObject) while the others join.
 *
 * Ordering contract that makes a join safe without a transaction: a request records its wait
 * ({@link BundleRestoreStore.addWaiter}) BEFORE it reads the state; whoever marks the bundle READY
 * reads the waiters AFTER {@link BundleRestoreStore.markReady}. Both reads are strongly consistent,
 * so a request that read REQUESTED is always among the waiters read after READY was recorded.
 *
 * DynamoDB adapter: `src/adapters/dynamo/dynamo-bundle-restore-store.ts`; fake: `test/support/memory-restore-stores.ts`.
 */
import type { BundleRestoreState } from '../restore-records.js';
import type { RetrievalTier } from '../restore-request.js';

/** What a claim records. */
export interface RestoreClaim {
  readonly restoreId: string;
  readonly tier: RetrievalTier;
  /** RestoreObject `Days` (≥ 1). */
  readonly days: number;
  /** ISO 8601. */
  readonly now: string;
  /** A READY bundle whose copy expires before this ISO 8601 time may be claimed again. */
  readonly renewBefore: string;
}

/** Restore state of bundles and the requests waiting for them. */
export interface BundleRestoreStore {
  /** The bundle's restore state (strongly consistent), or undefined when the bundle is unknown. */
  get(bundleKey: string): Promise<BundleRestoreState | undefined>;
  /**
   * Record that `restoreId` waits for `bundleKey` (one record per pair, idempotent, whatever the
   * bundle's state; the record of a request is removed by {@link BundleRestoreStore.removeWaiter}).
   * @param since ISO 8601 now
   */
  addWaiter(bundleKey: string, restoreId: string, since: string): Promise<void>;
  /**
   * The requests waiting for `bundleKey`, in pages of at most `pageSize` restore ids (default 1,000),
   * strongly consistent; never the whole set at once.
   */
  waiters(bundleKey: string, pageSize?: number): AsyncIterable<readonly string[]>;
  /** Remove the wait records of `restoreId` on each of `bundleKeys` (absent ones are no error). */
  removeWaiter(restoreId: string, bundleKeys: readonly string[]): Promise<void>;
  /**
   * Claim the bundle: REQUESTED by `claim.restoreId`, if the bundle has no restore state, is NONE
   * or EXPIRED, or is READY with no expiry or one before `claim.renewBefore`.
   * @returns false when the bundle is in none of those states (or unknown): nothing changed
   */
  markRequested(bundleKey: string, claim: RestoreClaim): Promise<boolean>;
  /** Give up a claim after a failed RestoreObject (REQUESTED by `restoreId` -> NONE); otherwise nothing. */
  release(bundleKey: string, restoreId: string): Promise<void>;
  /**
   * Mark the bundle READY (whatever its state) with its expiry; read {@link BundleRestoreStore.waiters} after it.
   * @param at ISO 8601 now; @param expiresAt ISO 8601 expiry of the restored copy
   * @returns false when the bundle is unknown (nothing written)
   */
  markReady(bundleKey: string, at: string, expiresAt: string): Promise<boolean>;
  /** READY -> EXPIRED (a GET found no restored copy); otherwise nothing. */
  markExpired(bundleKey: string): Promise<void>;
}
