/**
 * The restore of one bundle, shared by every restore request that needs it. State lives on the
 * bundle item (`bundles` table): `restore_state` NONE -> REQUESTED -> READY -> EXPIRED, plus
 * `waiting_restores` (ids of requests waiting for READY). Conditional updates make exactly one
 * request "claim" a bundle and send its RestoreObject; the others join the waiting list.
 *
 * S3 facts (https://docs.aws.amazon.com/AmazonS3/latest/API/API_RestoreObject.html):
 * - 202 Accepted: restore started; 200 OK: a restored copy already exists (its expiry is extended);
 * - 409 RestoreAlreadyInProgress: a restore of this object is in flight (coldpack joins it);
 * - 403 InvalidObjectState: the object is not in an archive storage class (readable at once);
 * - `RestoreRequest.Days` is required for an object in an archive class (without it S3 answers 400
 *   MalformedXML), so coldpack always sends it.
 */
import { HeadObjectCommand, RestoreObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { awsErrorName, isConditionalCheckFailed } from '../domain/errors.js';
import type { RetrievalTier } from '../api/ports.js';
import { parseRestoreHeader, type HeadRestoreState } from './restore-header.js';

/** Outcome of {@link BundleRestores.joinOrClaim}. */
export type JoinOutcome =
  /** This request must send the RestoreObject. */
  | 'CLAIMED'
  /** A restore is in flight; the request was added to `waiting_restores`. */
  | 'JOINED'
  /** A restored copy is readable: extract now. */
  | 'READY'
  /** No bundle item: the bundle is unknown to the bundles table. */
  | 'MISSING';

/** Outcome of {@link BundleRestores.sendRestore}. */
export type SendOutcome = 'STARTED' | 'ALREADY_RESTORED' | 'IN_PROGRESS' | 'NOT_ARCHIVED';

/** Options of {@link BundleRestores}. */
export interface BundleRestoresOptions {
  /** A READY bundle whose copy expires within this many ms is restored again. Default 600,000 (10 min). */
  readonly expiryMarginMs?: number;
  /** Clock (tests). Default `() => new Date()`. */
  readonly now?: () => Date;
}

const DAY_MS = 86_400_000;


/** Shared bundle restore state and the S3 calls behind it. */
export class BundleRestores {
  /** @param s3 S3 client; @param dynamo document client; @param table bundles table */
  constructor(
    private readonly s3: S3Client,
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly options: BundleRestoresOptions = {},
  ) {}

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  private async update(bundleKey: string, expr: string, cond: string, values: Record<string, unknown>, names: Record<string, string> = {}): Promise<Record<string, unknown> | undefined> {
    try {
      const res = await this.dynamo.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { bundle_key: bundleKey },
          UpdateExpression: expr,
          ConditionExpression: `attribute_exists(bundle_key) AND (${cond})`,
          ExpressionAttributeValues: values,
          ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return res.Attributes;
    } catch (err) {
      if (isConditionalCheckFailed(err)) return undefined;
      throw err;
    }
  }

  /** The bundle item (strongly consistent), or undefined. */
  async get(bundleKey: string): Promise<Record<string, unknown> | undefined> {
    const res = await this.dynamo.send(new GetCommand({ TableName: this.table, Key: { bundle_key: bundleKey }, ConsistentRead: true }));
    return res.Item;
  }

  /**
   * Join the restore in flight, claim the bundle (this request sends RestoreObject), or find it
   * READY. Three conditional updates at most per round; retried if the state moves in between.
   * @param days restore lifetime in days (≥ 1), recorded for the expiry estimate
   */
  async joinOrClaim(bundleKey: string, restoreId: string, tier: RetrievalTier, days: number): Promise<JoinOutcome> {
    for (let round = 0; round < 5; round++) {
      const me = [restoreId];
      const joined = await this.update(
        bundleKey,
        'SET waiting_restores = list_append(if_not_exists(waiting_restores, :empty), :me)',
        'restore_state = :req',
        { ':empty': [], ':me': me, ':req': 'REQUESTED' },
      );
      if (joined) return 'JOINED';
      const now = this.now();
      const claimed = await this.update(
        bundleKey,
        'SET restore_state = :req, restore_tier = :tier, restore_days = :days, restore_requested_at = :now, restore_claim = :id, waiting_restores = :me REMOVE restore_ready_at, restore_expires_at',
        'attribute_not_exists(restore_state) OR restore_state IN (:none, :expired) OR (restore_state = :ready AND (attribute_not_exists(restore_expires_at) OR restore_expires_at < :soon))',
        {
          ':req': 'REQUESTED',
          ':tier': tier,
          ':days': days,
          ':now': now.toISOString(),
          ':id': restoreId,
          ':me': me,
          ':none': 'NONE',
          ':expired': 'EXPIRED',
          ':ready': 'READY',
          ':soon': new Date(now.getTime() + (this.options.expiryMarginMs ?? 600_000)).toISOString(),
        },
      );
      if (claimed) return 'CLAIMED';
      // Neither joinable nor claimable: READY and not about to expire (or the state just moved).
      const item = await this.get(bundleKey);
      if (!item) return 'MISSING';
      if (item.restore_state === 'READY') return 'READY';
    }
    throw new Error(`bundle ${bundleKey}: restore state kept changing during 5 rounds`);
  }

  /**
   * Send RestoreObject with `Days` and `GlacierJobParameters.Tier` always set.
   * @throws the SDK error for anything but 409 RestoreAlreadyInProgress and 403 InvalidObjectState
   */
  async sendRestore(bucket: string, bundleKey: string, tier: RetrievalTier, days: number): Promise<SendOutcome> {
    try {
      const res = await this.s3.send(new RestoreObjectCommand({ Bucket: bucket, Key: bundleKey, RestoreRequest: { Days: days, GlacierJobParameters: { Tier: tier } } }));
      return res.$metadata.httpStatusCode === 200 ? 'ALREADY_RESTORED' : 'STARTED';
    } catch (err) {
      const name = awsErrorName(err);
      if (name === 'RestoreAlreadyInProgress') return 'IN_PROGRESS';
      if (name === 'InvalidObjectState') return 'NOT_ARCHIVED';
      throw err;
    }
  }

  /** Give up a claim after a failed RestoreObject, so a later request can claim again. */
  async release(bundleKey: string, restoreId: string): Promise<void> {
    await this.update(bundleKey, 'SET restore_state = :none', 'restore_state = :req AND restore_claim = :id', { ':none': 'NONE', ':req': 'REQUESTED', ':id': restoreId });
  }

  /**
   * Mark the bundle READY (restore completed).
   * @param expiresAt expiry of the restored copy; default: requested time + `restore_days`
   * @returns the restore ids waiting for it, or undefined when the bundle item does not exist
   */
  async markReady(bundleKey: string, expiresAt?: Date): Promise<string[] | undefined> {
    const now = this.now();
    const before = await this.get(bundleKey);
    if (!before) return undefined;
    const days = Number(before.restore_days ?? 1);
    const expiry = expiresAt ?? new Date(now.getTime() + days * DAY_MS);
    const after = await this.update(
      bundleKey,
      'SET restore_state = :ready, restore_ready_at = :now, restore_expires_at = :exp',
      'attribute_exists(bundle_key)',
      { ':ready': 'READY', ':now': now.toISOString(), ':exp': expiry.toISOString() },
    );
    return ((after?.waiting_restores as string[] | undefined) ?? []).filter((v, i, a) => a.indexOf(v) === i);
  }

  /** Mark a READY bundle EXPIRED (a GET answered 403 InvalidObjectState). */
  async markExpired(bundleKey: string): Promise<void> {
    await this.update(bundleKey, 'SET restore_state = :exp', 'restore_state = :ready', { ':exp': 'EXPIRED', ':ready': 'READY' });
  }

  /** The bundle's restore state as HeadObject `x-amz-restore` shows it (https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html). */
  async head(bucket: string, bundleKey: string): Promise<HeadRestoreState> {
    const res = await this.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: bundleKey }));
    return parseRestoreHeader(res.Restore);
  }
}
