import { Aws, CfnOutput, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { ENV, JOB_RUNNERS } from '../src/domain/env-names.js';
import { Alarms } from './constructs/alarms.js';
import { Api } from './constructs/api.js';
import { Compute } from './constructs/compute.js';
import { ColdpackKey } from './constructs/key.js';
import { JobChain } from './constructs/job-chain.js';
import { Network } from './constructs/network.js';
import { Notifications } from './constructs/notifications.js';
import { MONTHLY_CRON, Schedules } from './constructs/schedule.js';
import { State } from './constructs/state.js';
import { ManifestTable } from './constructs/manifest-table.js';
import { Storage } from './constructs/storage.js';
import { grantAccess } from './access.js';
import type { ColdpackContext } from './context.js';
import { declareParameters } from './parameters.js';

/** Props of {@link ColdpackStack}. */
export interface ColdpackStackProps extends StackProps {
  /** Structural settings from CDK context. */
  readonly context: ColdpackContext;
}

/**
 * The whole coldpack deployment in one stack: key, buckets, tables, topic, API, network (context `network`),
 * Batch, the Batch job-state handler, schedules, alarms. Environment-agnostic (synthesizes without credentials); deploy-time settings are
 * CloudFormation parameters (`infra/parameters.ts`), structural ones CDK context (`infra/context.ts`).
 */
export class ColdpackStack extends Stack {
  /** Buckets. */
  readonly storage: Storage;
  /** Tables. */
  readonly state: State;
  /** The Glue table over the manifests (Athena queries of the archive catalog). */
  readonly manifestTable: ManifestTable;
  /** API. */
  readonly api: Api;
  /** Batch. */
  readonly compute: Compute;
  /** Schedules and event handlers. */
  readonly schedules: Schedules;
  /** The Batch job-state handler (submits shards + finalize, publishes summaries). */
  readonly jobChain: JobChain;

  /** @param scope the app; @param id stack id; @param props see {@link ColdpackStackProps} */
  constructor(scope: Construct, id: string, props: ColdpackStackProps) {
    super(scope, id, { description: 'coldpack: archive small S3 objects into zip bundles in Glacier Deep Archive', ...props });
    const params = declareParameters(this);
    const key = new ColdpackKey(this, 'Encryption').key;
    this.storage = new Storage(this, 'Storage', {
      key,
      restoreExpiryDays: params.restoreExpiryDays.valueAsNumber,
      abortIncompleteUploadDays: params.abortIncompleteUploadDays.valueAsNumber,
      objectLock: {
        enabled: params.hasObjectLock,
        days: params.objectLockRetentionDays.valueAsNumber,
        mode: params.objectLockMode.valueAsString,
      },
    });
    this.guardArchiveBucket(params);
    const tablePrefix = `${this.stackName.toLowerCase()}-`;
    this.state = new State(this, 'State', { tablePrefix, key, catalog: props.context.catalog });
    this.manifestTable = new ManifestTable(this, 'Catalog', {
      archiveBucket: this.storage.archiveBucket,
      database: `${this.stackName.toLowerCase().replace(/[^a-z0-9_]/g, '_')}_catalog`,
    });
    const topic = new Notifications(this, 'Notifications', { key, email: params.notificationEmail.valueAsString }).topic;

    const base: Record<string, string> = {
      [ENV.ACCOUNT]: this.account,
      [ENV.ARCHIVE_BUCKET]: this.storage.archiveBucket.bucketName,
      [ENV.RESTORE_BUCKET]: this.storage.restoreBucket.bucketName,
      [ENV.TABLE_PREFIX]: tablePrefix,
      [ENV.CATALOG]: props.context.catalog,
      [ENV.TOPIC_ARN]: topic.topicArn,
      [ENV.ALLOWED_TOPIC_ARNS]: Fn.join(',', params.allowedTopicArns.valueAsList),
      // The code refuses requests naming any other bucket (defence in depth behind the IAM policies).
      [ENV.SOURCE_BUCKETS]: Fn.join(',', params.sourceBucketNames.valueAsList),
    };
    const network = new Network(this, 'Network', {
      mode: props.context.network,
      ...(props.context.vpc ? { vpc: props.context.vpc } : {}),
      gatewayEndpoints: props.context.gatewayEndpoints,
      maxAzs: props.context.maxAzs,
      ...(props.context.gatewayPrefixListIds ? { gatewayPrefixListIds: props.context.gatewayPrefixListIds } : {}),
    });
    this.compute = new Compute(this, 'Compute', {
      network,
      computeType: params.computeType.valueAsString,
      maxVcpus: params.maxVcpus.valueAsNumber,
      vcpu: params.jobVcpu.valueAsString,
      memoryMiB: params.jobMemoryMiB.valueAsNumber,
      environment: base,
    });
    const defs = this.compute.jobDefinitions;
    const lambdaEnv: Record<string, string> = {
      ...base,
      [ENV.JOB_RUNNER]: JOB_RUNNERS.AWS_BATCH,
      [ENV.JOB_QUEUE]: this.compute.jobQueue.attrJobQueueArn,
      [ENV.JOB_DEFINITION_PLAN]: defs.plan.ref,
      [ENV.JOB_DEFINITION_SHARD]: defs.shard.ref,
      [ENV.JOB_DEFINITION_FINALIZE]: defs.finalize.ref,
    };
    // The API answers GET /schedule from the same variables the schedule handler reads.
    const scheduleEnv = {
      [ENV.SCHEDULE_CRON]: MONTHLY_CRON,
      [ENV.SCHEDULE_TIMEZONE]: params.scheduleTimeZone.valueAsString,
      [ENV.SCHEDULE_REQUEST]: params.scheduledArchiveRequest.valueAsString,
      [ENV.SCHEDULE_PREFIX_TEMPLATE]: params.schedulePrefixTemplate.valueAsString,
      [ENV.SCHEDULE_MONTH_OFFSET]: params.scheduleMonthOffset.valueAsString,
    };
    this.api = new Api(this, 'Api', {
      key,
      environment: { ...lambdaEnv, ...scheduleEnv },
      cloudWatchRole: props.context.apiGatewayCloudWatchRole,
    });
    this.schedules = new Schedules(this, 'Schedules', {
      key,
      archiveBucket: this.storage.archiveBucket,
      timeZone: params.scheduleTimeZone.valueAsString,
      monthlyState: params.monthlyScheduleState.valueAsString,
      environment: { ...lambdaEnv, ...scheduleEnv },
    });
    // The API wakes the reconciler per restore request (asynchronous invoke with {restore_id}); its name is a Ref
    // to the reconcile function, which refers to nothing of the API (no cycle).
    this.api.handler.fn.addEnvironment(ENV.RESTORE_WORKER_FUNCTION, this.schedules.reconcile.fn.functionName);
    this.jobChain = new JobChain(this, 'JobChain', {
      key,
      environment: lambdaEnv,
      jobQueueArn: this.compute.jobQueue.attrJobQueueArn,
      jobDefinitionArns: [defs.plan.ref, defs.finalize.ref],
    });
    grantAccess(this, {
      key,
      storage: this.storage,
      state: this.state,
      topic,
      params,
      compute: this.compute,
      api: this.api.handler,
      schedules: this.schedules,
      jobChain: this.jobChain.handler,
      partition: props.context.partition,
    });
    new Alarms(this, 'Alarms', {
      topic,
      restApi: this.api.restApi,
      jobQueueArn: this.compute.jobQueue.attrJobQueueArn,
      deadLetterQueues: {
        Monthly: this.schedules.monthly.deadLetterQueue!,
        Reconcile: this.schedules.reconcile.deadLetterQueue!,
        RestoreEvent: this.schedules.restoreEvent.deadLetterQueue!,
        JobChain: this.jobChain.handler.deadLetterQueue!,
      },
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.restApi.url, description: 'Base URL of the API (SigV4, service execute-api)' });
    new CfnOutput(this, 'ArchiveBucketName', { value: this.storage.archiveBucket.bucketName });
    new CfnOutput(this, 'RestoreBucketName', { value: this.storage.restoreBucket.bucketName });
    new CfnOutput(this, 'AccessLogsBucketName', { value: this.storage.accessLogsBucket.bucketName });
    new CfnOutput(this, 'TopicArn', { value: topic.topicArn });
    new CfnOutput(this, 'TablePrefix', { value: tablePrefix });
    new CfnOutput(this, 'JobQueueArn', { value: this.compute.jobQueue.attrJobQueueArn });
  }

  /**
   * Guard rail on the archive bucket: nobody but the break-glass principal (BreakGlassPrincipalArn,
   * default the account root) and the CDK CloudFormation execution role (which must keep updating
   * the bucket and this policy) may delete object versions or change the bucket policy, versioning
   * or lifecycle, whatever their IAM policies allow.
   * @param params the stack parameters
   */
  private guardArchiveBucket(params: ReturnType<typeof declareParameters>): void {
    const qualifier = (this.node.tryGetContext('@aws-cdk/core:bootstrapQualifier') as string | undefined) ?? 'hnb659fds';
    const bucket = this.storage.archiveBucket;
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyDestructiveChangesExceptBreakGlass',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ARCHIVE_GUARDED_ACTIONS,
        resources: [bucket.bucketArn, bucket.arnForObjects('*')],
        conditions: {
          ArnNotLike: {
            'aws:PrincipalArn': [
              Fn.conditionIf(
                params.hasBreakGlassPrincipal.logicalId,
                params.breakGlassPrincipalArn.valueAsString,
                `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:root`,
              ),
              `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/cdk-${qualifier}-cfn-exec-role-${Aws.ACCOUNT_ID}-${Aws.REGION}`,
            ],
          },
        },
      }),
    );
  }
}

/** Actions on the archive bucket only the break-glass principal and the deploy role may take. */
export const ARCHIVE_GUARDED_ACTIONS = [
  's3:DeleteObjectVersion',
  's3:PutLifecycleConfiguration',
  's3:PutBucketVersioning',
  's3:PutBucketPolicy',
  's3:DeleteBucketPolicy',
];
