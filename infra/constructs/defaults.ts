/**
 * Secure defaults shared by every coldpack construct, in one place (the aws-solutions-constructs
 * way): encryption with the stack's KMS key, TLS-only access, no public access, RETAIN for data,
 * bounded log retention, and the Lambda runtime settings.
 */
import { Duration, RemovalPolicy, Stack, Validations, type CfnResource } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct, IConstruct } from 'constructs';

/** Removal policy of everything that holds data (buckets, tables, the key): never deleted with the stack. */
export const DATA_REMOVAL_POLICY = RemovalPolicy.RETAIN;

/**
 * Retention of every CloudWatch log group the stack creates (Lambda, API access logs, Batch jobs,
 * VPC flow logs). Logs older than this are deleted by CloudWatch Logs.
 * @default 90 days (3 months)
 */
export const LOG_RETENTION = logs.RetentionDays.THREE_MONTHS;

/** Lambda runtime of every function: Node.js 22 on Graviton (arm64, ~20% cheaper per GB-second than x86). */
export const LAMBDA_RUNTIME = lambda.Runtime.NODEJS_22_X;

/** Lambda CPU architecture. Source: https://docs.aws.amazon.com/lambda/latest/dg/foundation-arch.html */
export const LAMBDA_ARCHITECTURE = lambda.Architecture.ARM_64;

/**
 * Block all public access, TLS only, bucket-owner-enforced ownership (ACLs disabled).
 * Merged into every bucket's props by {@link secureBucketProps}.
 */
const BASE_BUCKET_PROPS = {
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  enforceSSL: true,
  minimumTLSVersion: 1.2,
  objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
  removalPolicy: DATA_REMOVAL_POLICY,
  autoDeleteObjects: false,
} as const satisfies Partial<s3.BucketProps>;

/**
 * Props for a data bucket: {@link BASE_BUCKET_PROPS} + SSE-KMS with the stack key (S3 Bucket Keys on,
 * which cut KMS requests per object to about one per bucket key lifetime) + server access logs.
 * @param key the stack's customer-managed KMS key
 * @param accessLogs bucket receiving server access logs (must use SSE-S3: log delivery cannot use SSE-KMS)
 * @param logPrefix key prefix of this bucket's logs, e.g. `archive/`
 * Source: https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html
 */
export function secureBucketProps(key: kms.IKey, accessLogs: s3.IBucket, logPrefix: string): s3.BucketProps {
  return {
    ...BASE_BUCKET_PROPS,
    encryption: s3.BucketEncryption.KMS,
    encryptionKey: key,
    bucketKeyEnabled: true,
    serverAccessLogsBucket: accessLogs,
    serverAccessLogsPrefix: logPrefix,
  };
}

/** Days an overwritten or deleted access-log object version is kept (tampering stays visible that long). */
export const ACCESS_LOG_NONCURRENT_DAYS = 90;

/**
 * Props for the server access logs bucket: {@link BASE_BUCKET_PROPS} + SSE-S3 (the only default
 * encryption S3 log delivery supports), versioned, logs expire after `expirationDays`.
 * @param expirationDays days to keep access logs; @default 365 at the call site
 * Source: https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html
 */
export function accessLogsBucketProps(expirationDays: number): s3.BucketProps {
  return {
    ...BASE_BUCKET_PROPS,
    encryption: s3.BucketEncryption.S3_MANAGED,
    versioned: true,
    lifecycleRules: [
      { id: 'expire-access-logs', expiration: Duration.days(expirationDays), noncurrentVersionExpiration: Duration.days(ACCESS_LOG_NONCURRENT_DAYS) },
    ],
  };
}

/**
 * A dead-letter queue: SSE with the stack key, TLS only, 14 days retention (the SQS maximum, so a
 * failed event waits as long as possible for a human).
 * Source: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html
 * @param scope parent construct; @param id construct id; @param key the stack's KMS key
 */
export function deadLetterQueue(scope: Construct, id: string, key: kms.IKey): sqs.Queue {
  const queue = new sqs.Queue(scope, id, {
    encryption: sqs.QueueEncryption.KMS,
    encryptionMasterKey: key,
    dataKeyReuse: Duration.hours(1),
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
    removalPolicy: RemovalPolicy.DESTROY,
  });
  acknowledge(
    queue,
    'AwsSolutions-SQS3',
    'This queue is itself a dead-letter queue (Lambda on-failure destination, EventBridge/Scheduler target DLQ); it has no DLQ of its own by design.',
  );
  return queue;
}

/**
 * A log group with {@link LOG_RETENTION}; destroyed with the stack (operational data only).
 * @param scope parent construct; @param id construct id
 */
export function logGroup(scope: Construct, id: string): logs.LogGroup {
  return new logs.LogGroup(scope, id, { retention: LOG_RETENTION, removalPolicy: RemovalPolicy.DESTROY });
}

/**
 * Acknowledge (suppress) one cdk-nag finding on a construct and its children, with the reason it
 * is acceptable (cdk-nag 3 uses CDK's `Validations.of(...).acknowledge`, which replaced v2's
 * `NagSuppressions.addResourceSuppressions`). Findings with details use `RuleId[Detail]` ids.
 * @param scope construct the finding is on (or an ancestor)
 * @param id rule id, e.g. `AwsSolutions-SQS3` or `AwsSolutions-IAM5[Resource::*]`
 * @param reason why it is acceptable here (required, shown in the validation report)
 */
export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

/**
 * How cdk-nag prints an attribute of a resource in IAM findings: `<LogicalId.Attr>`.
 * @param resource the L1 resource (e.g. a bucket's `node.defaultChild`); @param attribute e.g. `Arn`
 */
export function nagRef(resource: CfnResource, attribute = 'Arn'): string {
  return `<${Stack.of(resource).getLogicalId(resource)}.${attribute}>`;
}
