/**
 * The restore of one bundle, shared by every restore request that needs it: the state lives in the
 * {@link BundleRestoreStore} (NONE -> REQUESTED -> READY -> EXPIRED, and one wait record per
 * (bundle, request)), the S3 calls go through the {@link ObjectStore}. Exactly one request claims a
 * bundle and sends its RestoreObject; the others join (any number of them).
 *
 * S3 facts (https://docs.aws.amazon.com/AmazonS3/latest/API/API_RestoreObject.html):
 * - 202 Accepted: restore started; 200 OK: a restored copy already exists (its expiry is extended);
 * - 409 RestoreAlreadyInProgress: a restore of this object is in flight (coldpack joins it);
 * - 403 InvalidObjectState: the object is not in an archive storage class (readable at once);
 * - `RestoreRequest.Days` is required for an object in an archive class (without it S3 answers 400
 *   MalformedXML), so coldpack always sends it.
 */
import { ColdpackError } from '../domain/errors.js';
import type { Clock } from '../domain/ports/clock.js';
import type { BundleRestoreStore } from '../domain/ports/bundle-restore-store.js';
import { isObjectStoreFailure, type ObjectStore } from '../domain/ports/object-store.js';
import type { RetrievalTier } from '../domain/restore-request.js';
import type { BundleRestoreState } from '../domain/restore-records.js';
import { parseRestoreHeader, type HeadRestoreState } from './restore-header.js';

/** Outcome of {@link BundleRestores.joinOrClaim}. */
export type JoinOutcome =
  /** This request must send the RestoreObject. */
  | 'CLAIMED'
  /** A restore is in flight; the request waits for it. */
  | 'JOINED'
  /** A restored copy is readable: extract now. */
  | 'READY'
  /** The bundle is unknown to the bundle store. */
  | 'MISSING';

/** Outcome of {@link BundleRestores.sendRestore}. */
export type SendOutcome = 'STARTED' | 'ALREADY_RESTORED' | 'IN_PROGRESS' | 'NOT_ARCHIVED';

/** A READY bundle whose copy expires within this many ms is restored again: 600,000 (10 min). */
export const DEFAULT_EXPIRY_MARGIN_MS = 600_000;
const DAY_MS = 86_400_000;
/** Rounds of join/claim before giving up on a bundle whose state keeps moving. */
const MAX_ROUNDS = 5;

/** Shared bundle restore state and the S3 calls behind it. */
export class BundleRestores {
  /**
   * @param state bundle restore state; @param objects S3; @param clock now
   * @param expiryMarginMs see {@link DEFAULT_EXPIRY_MARGIN_MS}
   */
  constructor(
    private readonly state: BundleRestoreStore,
    private readonly objects: ObjectStore,
    private readonly clock: Clock,
    private readonly expiryMarginMs = DEFAULT_EXPIRY_MARGIN_MS,
  ) {}

  /** The bundle's restore state, or undefined when the bundle is unknown. */
  get(bundleKey: string): Promise<BundleRestoreState | undefined> {
    return this.state.get(bundleKey);
  }

  /**
   * Join the restore in flight, claim the bundle (this request sends RestoreObject), or find it
   * READY. The wait is recorded first and the state read after it (the order the
   * {@link BundleRestoreStore} contract asks for), so a request that joins is always found by
   * whoever marks the bundle READY. Retried while the state moves in between (at most 5 rounds).
   * Requests: one PutItem (the wait), one GetItem per round, one UpdateItem per claim attempt.
   * @param days restore lifetime in days (≥ 1), recorded for the expiry estimate
   * @throws ColdpackError `CONFLICT` when the state kept changing for 5 rounds
   */
  async joinOrClaim(bundleKey: string, restoreId: string, tier: RetrievalTier, days: number): Promise<JoinOutcome> {
    await this.state.addWaiter(bundleKey, restoreId, this.clock.now().toISOString());
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const current = await this.state.get(bundleKey);
      if (!current) return 'MISSING';
      if (current.state === 'REQUESTED') return 'JOINED';
      const now = this.clock.now();
      const renewBefore = new Date(now.getTime() + this.expiryMarginMs).toISOString();
      // READY and not about to expire: readable now.
      if (current.state === 'READY' && current.expiresAt !== undefined && current.expiresAt >= renewBefore) return 'READY';
      if (await this.state.markRequested(bundleKey, { restoreId, tier, days, now: now.toISOString(), renewBefore })) return 'CLAIMED';
      // Another request claimed (or marked it READY) in between: read again.
    }
    throw new ColdpackError('CONFLICT', `bundle ${bundleKey}: restore state kept changing during ${MAX_ROUNDS} rounds`);
  }

  /**
   * Send RestoreObject with `Days` and `Tier`.
   * @throws ObjectStoreError for anything but a restore in flight and an object not in an archive class
   */
  async sendRestore(bucket: string, bundleKey: string, tier: RetrievalTier, days: number): Promise<SendOutcome> {
    try {
      return await this.objects.restoreObject({ bucket, key: bundleKey, days, tier });
    } catch (err) {
      if (isObjectStoreFailure(err, 'INVALID_OBJECT_STATE')) return 'NOT_ARCHIVED';
      if (isObjectStoreFailure(err, 'RESTORE_IN_PROGRESS')) return 'IN_PROGRESS';
      throw err;
    }
  }

  /** Give up a claim after a failed RestoreObject, so a later request can claim again. */
  release(bundleKey: string, restoreId: string): Promise<void> {
    return this.state.release(bundleKey, restoreId);
  }

  /**
   * Mark the bundle READY (restore completed); then read {@link BundleRestores.waiters}.
   * @param expiresAt expiry of the restored copy; default: now + the days of the last claim (1 when unknown)
   * @returns false when the bundle is unknown
   */
  async markReady(bundleKey: string, expiresAt?: Date): Promise<boolean> {
    const now = this.clock.now();
    let expiry = expiresAt;
    if (expiry === undefined) {
      const current = await this.state.get(bundleKey);
      if (!current) return false;
      expiry = new Date(now.getTime() + (current.days ?? 1) * DAY_MS);
    }
    return this.state.markReady(bundleKey, now.toISOString(), expiry.toISOString());
  }

  /** The restore ids waiting for the bundle, in pages (see {@link BundleRestoreStore.waiters}). */
  waiters(bundleKey: string): AsyncIterable<readonly string[]> {
    return this.state.waiters(bundleKey);
  }

  /** Drop the wait records of a finished request on `bundleKeys`. */
  removeWaiter(restoreId: string, bundleKeys: readonly string[]): Promise<void> {
    return this.state.removeWaiter(restoreId, bundleKeys);
  }

  /** Mark a READY bundle EXPIRED (a GET found no restored copy). */
  markExpired(bundleKey: string): Promise<void> {
    return this.state.markExpired(bundleKey);
  }

  /** The bundle's restore as HeadObject `x-amz-restore` shows it (https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html). */
  async head(bucket: string, bundleKey: string): Promise<HeadRestoreState> {
    const head = await this.objects.headObject({ bucket, key: bundleKey });
    return parseRestoreHeader(head.restore);
  }
}
