/**
 * Persistence port of the restore state of bundles, shared by every restore request that needs a
 * bundle: NONE -> REQUESTED -> READY -> EXPIRED, plus the ids of the requests waiting for READY.
 * Each method is one atomic conditional change, so exactly one request claims a bundle (and sends
 * its RestoreObject) while the others join. DynamoDB adapter:
 * `src/adapters/dynamo/dynamo-bundle-restore-store.ts`; fake: `test/support/memory-restore-stores.ts`.
 */
import type { RetrievalTier } from '../restore-request.js';
import type { BundleRestoreState } from '../restore-records.js';

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

/** Restore state of bundles. */
export interface BundleRestoreStore {
  /** The bundle's restore state (strongly consistent), or undefined when the bundle is unknown. */
  get(bundleKey: string): Promise<BundleRestoreState | undefined>;
  /**
   * Add `restoreId` to the waiting list of a REQUESTED bundle.
   * @returns false when the bundle is not REQUESTED (or unknown): nothing changed
   */
  join(bundleKey: string, restoreId: string): Promise<boolean>;
  /**
   * Claim the bundle: REQUESTED by `claim.restoreId` with only it waiting, if the bundle has no
   * restore state, is NONE or EXPIRED, or is READY with no expiry or one before `claim.renewBefore`.
   * @returns false when the bundle is in none of those states (or unknown): nothing changed
   */
  markRequested(bundleKey: string, claim: RestoreClaim): Promise<boolean>;
  /** Give up a claim after a failed RestoreObject (REQUESTED by `restoreId` -> NONE); otherwise nothing. */
  release(bundleKey: string, restoreId: string): Promise<void>;
  /**
   * Mark the bundle READY (whatever its state) with its expiry.
   * @param at ISO 8601 now; @param expiresAt ISO 8601 expiry of the restored copy
   * @returns the distinct restore ids waiting for it, or undefined when the bundle is unknown
   */
  markReady(bundleKey: string, at: string, expiresAt: string): Promise<string[] | undefined>;
  /** READY -> EXPIRED (a GET found no restored copy); otherwise nothing. */
  markExpired(bundleKey: string): Promise<void>;
}
