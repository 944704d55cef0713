import { CfnCondition, CfnParameter, Fn, type Stack } from 'aws-cdk-lib';
import { WORKER_DEFAULTS } from '../src/cost/stack-defaults.js';

/**
 * Deploy-time settings, as CloudFormation parameters (`npx cdk deploy --parameters Name=value`):
 * they change without re-synthesizing. Structural choices (import a VPC, skip endpoints) are CDK
 * context instead, see `infra/context.ts`. Every parameter is documented in DEPLOY.md.
 */
export interface StackParameters {
  /** Email subscribed to the topic; '' = none. */
  readonly notificationEmail: CfnParameter;
  /** Buckets coldpack may read and delete archived sources in (comma-separated names). */
  readonly sourceBucketNames: CfnParameter;
  /** Extra topics a restore request may name (comma-separated ARNs); '' = only the stack's topic. */
  readonly allowedTopicArns: CfnParameter;
  /** True when {@link allowedTopicArns} is not empty. */
  readonly hasAllowedTopics: CfnCondition;
  /** Accounts owning the source buckets (comma-separated ids); '' = this account. */
  readonly sourceBucketAccountIds: CfnParameter;
  /** True when {@link sourceBucketAccountIds} is not empty. */
  readonly hasSourceBucketAccounts: CfnCondition;
  /** Principal exempt from the archive bucket's guard-rail Deny (besides the CDK deploy role); '' = the account root. */
  readonly breakGlassPrincipalArn: CfnParameter;
  /** True when {@link breakGlassPrincipalArn} is not empty. */
  readonly hasBreakGlassPrincipal: CfnCondition;
  /** IANA time zone of the monthly schedule. */
  readonly scheduleTimeZone: CfnParameter;
  /** ENABLED or DISABLED. */
  readonly monthlyScheduleState: CfnParameter;
  /** Default archive request (JSON) the monthly schedule starts. */
  readonly scheduledArchiveRequest: CfnParameter;
  /** Template of the scheduled run's source prefix, e.g. `{yyyy}{MM}`; '' = the code's default. */
  readonly schedulePrefixTemplate: CfnParameter;
  /** Months between the run and the period it archives (-24..24); '' = the code's default (0). */
  readonly scheduleMonthOffset: CfnParameter;
  /** FARGATE or FARGATE_SPOT. */
  readonly computeType: CfnParameter;
  /** vCPUs per Batch job. */
  readonly jobVcpu: CfnParameter;
  /** Memory per Batch job, MiB. */
  readonly jobMemoryMiB: CfnParameter;
  /** Maximum vCPUs of the compute environment. */
  readonly maxVcpus: CfnParameter;
  /** Days restored copies are kept. */
  readonly restoreExpiryDays: CfnParameter;
  /** Days before incomplete multipart uploads are aborted. */
  readonly abortIncompleteUploadDays: CfnParameter;
  /** Object Lock default retention days; 0 = no Object Lock. */
  readonly objectLockRetentionDays: CfnParameter;
  /** GOVERNANCE or COMPLIANCE. */
  readonly objectLockMode: CfnParameter;
  /** True when {@link objectLockRetentionDays} > 0. */
  readonly hasObjectLock: CfnCondition;
}

/**
 * Each element of SourceBucketNames (CloudFormation applies a CommaDelimitedList's pattern to every
 * element): an S3 bucket name, so no `*` or ARN can widen the source-bucket statements.
 */
export const BUCKET_NAME_PATTERN = '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$';
/** Each element of AllowedTopicArns: a topic ARN of any partition and region, or empty (the default list). */
export const TOPIC_ARN_PATTERN = '^$|^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}(\\.fifo)?$';
/** Each element of SourceBucketAccountIds: a 12-digit account id, or empty (= this account). */
export const ACCOUNT_ID_PATTERN = '^$|^[0-9]{12}$';
/** BreakGlassPrincipalArn: an IAM role, user or root ARN, or empty (= the account root). */
export const PRINCIPAL_ARN_PATTERN = '^$|^arn:aws[a-z-]*:iam::[0-9]{12}:(root|role/[\\w+=,.@/-]+|user/[\\w+=,.@/-]+)$';

/**
 * Declare the stack's parameters and conditions.
 * Fargate vCPU/memory combinations: 0.25 vCPU 512-2048 MiB; 0.5: 1024-4096; 1: 2048-8192;
 * 2: 4096-16384; 4: 8192-30720; 8: 16384-61440; 16: 32768-122880 (AWS Batch rejects others at submit).
 * Source: https://docs.aws.amazon.com/batch/latest/APIReference/API_ResourceRequirement.html
 * @param stack the stack
 */
export function declareParameters(stack: Stack): StackParameters {
  const p = (id: string, props: ConstructorParameters<typeof CfnParameter>[2]) => new CfnParameter(stack, id, props);
  const allowedTopicArns = p('AllowedTopicArns', {
    type: 'CommaDelimitedList',
    default: '',
    allowedPattern: TOPIC_ARN_PATTERN,
    constraintDescription: 'comma-separated SNS topic ARNs (no wildcards), or empty',
    description: 'SNS topic ARNs a restore request may name in sns_topic_arn (comma-separated); empty = only the stack topic',
  });
  const sourceBucketAccountIds = p('SourceBucketAccountIds', {
    type: 'CommaDelimitedList',
    default: '',
    allowedPattern: ACCOUNT_ID_PATTERN,
    constraintDescription: 'comma-separated 12-digit account ids, or empty',
    description: 'Accounts that own the source buckets (s3:ResourceAccount condition on source access), comma-separated; empty = this account',
  });
  const breakGlassPrincipalArn = p('BreakGlassPrincipalArn', {
    type: 'String',
    default: '',
    allowedPattern: PRINCIPAL_ARN_PATTERN,
    constraintDescription: 'an IAM role, user or root ARN, or empty',
    description:
      'Principal allowed to change the archive bucket policy, versioning and lifecycle and delete object versions (with the CDK deploy role); empty = the account root',
  });
  const objectLockRetentionDays = p('ObjectLockRetentionDays', {
    type: 'Number',
    default: 0,
    minValue: 0,
    maxValue: 36500,
    description: 'Object Lock default retention (days) of the archive bucket; 0 = Object Lock off',
  });
  return {
    notificationEmail: p('NotificationEmail', {
      type: 'String',
      default: '',
      allowedPattern: '^$|^[^@\\s]+@[^@\\s]+$',
      description: 'Email address subscribed to the notification topic (must confirm); empty = none',
    }),
    sourceBucketNames: p('SourceBucketNames', {
      type: 'CommaDelimitedList',
      allowedPattern: BUCKET_NAME_PATTERN,
      constraintDescription: 'comma-separated S3 bucket names (lower case, digits, dots, hyphens; no wildcards or ARNs)',
      description: 'Names of the buckets coldpack archives from (read, and delete archived objects), comma-separated',
    }),
    allowedTopicArns,
    hasAllowedTopics: new CfnCondition(stack, 'HasAllowedTopics', {
      expression: Fn.conditionNot(Fn.conditionEquals(Fn.join('', allowedTopicArns.valueAsList), '')),
    }),
    sourceBucketAccountIds,
    hasSourceBucketAccounts: new CfnCondition(stack, 'HasSourceBucketAccounts', {
      expression: Fn.conditionNot(Fn.conditionEquals(Fn.join('', sourceBucketAccountIds.valueAsList), '')),
    }),
    breakGlassPrincipalArn,
    hasBreakGlassPrincipal: new CfnCondition(stack, 'HasBreakGlassPrincipal', {
      expression: Fn.conditionNot(Fn.conditionEquals(breakGlassPrincipalArn.valueAsString, '')),
    }),
    scheduleTimeZone: p('ScheduleTimeZone', {
      type: 'String',
      default: 'UTC',
      description: 'IANA time zone of the monthly schedule (10th at 03:00), e.g. Europe/Berlin',
    }),
    monthlyScheduleState: p('MonthlyScheduleState', {
      type: 'String',
      default: 'ENABLED',
      allowedValues: ['ENABLED', 'DISABLED'],
      description: 'Whether the monthly archive schedule runs',
    }),
    scheduledArchiveRequest: p('ScheduledArchiveRequest', {
      type: 'String',
      default: '{}',
      minLength: 2,
      // Lambda allows 4 KB of environment variables in total; the other variables take about 1.5 KB.
      maxLength: 2000,
      description: 'Default archive request (JSON, the POST /archive body) the monthly schedule starts; {} = none',
    }),
    schedulePrefixTemplate: p('SchedulePrefixTemplate', {
      type: 'String',
      default: '',
      maxLength: 200,
      description:
        'Source prefix of the scheduled archive as a template, e.g. {yyyy}{MM}; empty = the default of src/schedule (COLDPACK_SCHEDULE_PREFIX_TEMPLATE)',
    }),
    scheduleMonthOffset: p('ScheduleMonthOffset', {
      type: 'String',
      default: '',
      allowedPattern: '^$|^-?[0-9]{1,2}$',
      description: 'Months from the run to the archived period, e.g. -1 = the previous month; empty = 0 (COLDPACK_SCHEDULE_MONTH_OFFSET)',
    }),
    computeType: p('ComputeType', {
      type: 'String',
      // Defaults of the worker size and capacity: WORKER_DEFAULTS (src/cost/stack-defaults.ts), which the cost model prices.
      default: WORKER_DEFAULTS.computeType,
      allowedValues: ['FARGATE_SPOT', 'FARGATE'],
      description: 'Batch capacity: FARGATE_SPOT (up to 70% cheaper, interruptible; jobs resume) or FARGATE',
    }),
    jobVcpu: p('JobVcpu', {
      type: 'String',
      default: WORKER_DEFAULTS.vcpu,
      allowedValues: ['0.25', '0.5', '1', '2', '4', '8', '16'],
      description: 'vCPUs per Batch job (shard, finalize, restore)',
    }),
    jobMemoryMiB: p('JobMemoryMiB', {
      type: 'Number',
      default: WORKER_DEFAULTS.memoryMiB,
      minValue: 512,
      maxValue: 122880,
      description: 'Memory per Batch job in MiB (a valid Fargate combination with JobVcpu)',
    }),
    maxVcpus: p('MaxVcpus', {
      type: 'Number',
      default: 64,
      minValue: 1,
      maxValue: 10000,
      description: 'Maximum vCPUs running at once in the compute environment (caps parallel shards and cost)',
    }),
    restoreExpiryDays: p('RestoreExpiryDays', {
      type: 'Number',
      default: 7,
      minValue: 1,
      description: 'Days restored copies under restores/ are kept in the restore bucket',
    }),
    abortIncompleteUploadDays: p('AbortIncompleteUploadDays', {
      type: 'Number',
      default: 7,
      minValue: 1,
      description: 'Days after which incomplete multipart uploads are aborted',
    }),
    objectLockRetentionDays,
    objectLockMode: p('ObjectLockMode', {
      type: 'String',
      default: 'GOVERNANCE',
      allowedValues: ['GOVERNANCE', 'COMPLIANCE'],
      description: 'Object Lock mode when ObjectLockRetentionDays > 0 (COMPLIANCE cannot be shortened by anyone)',
    }),
    hasObjectLock: new CfnCondition(stack, 'HasObjectLock', {
      expression: Fn.conditionNot(Fn.conditionEquals(objectLockRetentionDays.valueAsString, '0')),
    }),
  };
}
