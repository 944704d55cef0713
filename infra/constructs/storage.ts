import { Duration, Fn, Token, type CfnCondition } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { accessLogsBucketProps, secureBucketProps } from './defaults.js';

/** Optional S3 Object Lock default retention of the archive bucket (compliance). */
export interface ObjectLockSettings {
  /** True when Object Lock is on (a CloudFormation condition, from the ObjectLockRetentionDays parameter). */
  readonly enabled: CfnCondition;
  /** Default retention in days (may be a parameter token). */
  readonly days: number;
  /** `GOVERNANCE` (users with s3:BypassGovernanceRetention may delete) or `COMPLIANCE` (nobody may). */
  readonly mode: string;
}

/** Props of {@link Storage}. */
export interface StorageProps {
  /** The stack's KMS key (SSE-KMS of the archive and restore buckets). */
  readonly key: kms.IKey;
  /** Days after which restored copies under `restores/` are deleted. @default 7 */
  readonly restoreExpiryDays?: number;
  /** Days after which an incomplete multipart upload is aborted (its parts stop being billed). @default 7 */
  readonly abortIncompleteUploadDays?: number;
  /**
   * Days after which a noncurrent version in the archive bucket (a bundle superseded by a rewrite
   * after a crash, a hidden uncommitted bundle, an overwritten report) is deleted. 180 = the Deep
   * Archive minimum storage duration, so deleting earlier would save nothing for the default class
   * while this keeps an overwritten bundle recoverable that long. @default 180
   */
  readonly noncurrentVersionExpiryDays?: number;
  /** Days to keep S3 server access logs. @default 365 */
  readonly accessLogExpiryDays?: number;
  /** Object Lock default retention of the archive bucket; undefined = no Object Lock. @default undefined */
  readonly objectLock?: ObjectLockSettings;
}

/**
 * The buckets:
 * - archive: bundles, manifests, shard plans, reports. Versioned, SSE-KMS, TLS only, no public
 *   access, server access logs, incomplete multipart uploads aborted, noncurrent versions expired
 *   after `noncurrentVersionExpiryDays` (superseded bundle rewrites), EventBridge notifications on
 *   (for "Object Restore Completed"), optional Object Lock default retention.
 * - restore: restored files under `restores/<restore_id>/`, deleted after `restoreExpiryDays`.
 * - access logs: server access logs of both (SSE-S3; log delivery does not support SSE-KMS).
 * All RETAINed when the stack is deleted.
 * Sources: https://docs.aws.amazon.com/AmazonS3/latest/userguide/EventBridge.html,
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html
 */
export class Storage extends Construct {
  /** Bundles and manifests. */
  readonly archiveBucket: s3.Bucket;
  /** Restored copies. */
  readonly restoreBucket: s3.Bucket;
  /** Server access logs of the two buckets above. */
  readonly accessLogsBucket: s3.Bucket;

  /** @param scope parent; @param id construct id; @param props see {@link StorageProps} */
  constructor(scope: Construct, id: string, props: StorageProps) {
    super(scope, id);
    this.accessLogsBucket = new s3.Bucket(this, 'AccessLogs', accessLogsBucketProps(props.accessLogExpiryDays ?? 365));
    const abortDays = Duration.days(props.abortIncompleteUploadDays ?? 7);

    this.archiveBucket = new s3.Bucket(this, 'Archive', {
      ...secureBucketProps(props.key, this.accessLogsBucket, 'archive/'),
      versioned: true,
      lifecycleRules: [
        { id: 'abort-incomplete-multipart-uploads', abortIncompleteMultipartUploadAfter: abortDays },
        {
          id: 'expire-noncurrent-versions',
          noncurrentVersionExpiration: Duration.days(props.noncurrentVersionExpiryDays ?? 180),
          expiredObjectDeleteMarker: true,
        },
      ],
    });
    const cfnArchive = this.archiveBucket.node.defaultChild as s3.CfnBucket;
    // EventBridge delivery set directly on the bucket: the L2 `eventBridgeEnabled` goes through a
    // custom-resource Lambda whose role needs s3:PutBucketNotification on "*".
    cfnArchive.notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };
    if (props.objectLock) {
      const lock = props.objectLock;
      cfnArchive.objectLockEnabled = Token.asAny(Fn.conditionIf(lock.enabled.logicalId, true, Fn.ref('AWS::NoValue'))) as unknown as boolean;
      cfnArchive.objectLockConfiguration = Fn.conditionIf(
        lock.enabled.logicalId,
        { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: lock.mode, Days: lock.days } } },
        Fn.ref('AWS::NoValue'),
      );
    }

    this.restoreBucket = new s3.Bucket(this, 'Restore', {
      ...secureBucketProps(props.key, this.accessLogsBucket, 'restore/'),
      lifecycleRules: [
        { id: 'expire-restored-copies', prefix: 'restores/', expiration: Duration.days(props.restoreExpiryDays ?? 7) },
        { id: 'abort-incomplete-multipart-uploads', abortIncompleteMultipartUploadAfter: abortDays },
      ],
    });
  }
}
