import { Aws, Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';
import { ColdpackFunction } from './function.js';
import { viaServices } from './permissions.js';

/** The monthly archive schedule of issue 4: the 10th of every month at 03:00 (in {@link ScheduleProps.timeZone}). */
export const MONTHLY_CRON = 'cron(0 3 10 * ? *)';

/**
 * Input of the monthly schedule's invocation: Scheduler replaces `<aws.scheduler.scheduled-time>`
 * with the planned time (ISO 8601, UTC), so the handler computes the period from the plan, not the clock.
 * Source: https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-context-attributes.html
 */
export const MONTHLY_INPUT = JSON.stringify({
  source: 'coldpack.schedule',
  schedule: 'monthly',
  scheduled_time: '<aws.scheduler.scheduled-time>',
});

/** Input of the reconciler's invocations. */
export const RECONCILE_INPUT = JSON.stringify({
  source: 'coldpack.schedule',
  schedule: 'reconcile',
  scheduled_time: '<aws.scheduler.scheduled-time>',
});

/** Props of {@link Schedules}. */
export interface ScheduleProps {
  /** The stack's KMS key (Lambda environment, dead-letter queues). */
  readonly key: kms.IKey;
  /** The archive bucket (source of "Object Restore Completed" events). */
  readonly archiveBucket: s3.IBucket;
  /** Environment of the three functions (the `COLDPACK_*` configuration). */
  readonly environment: Readonly<Record<string, string>>;
  /** IANA time zone of the monthly schedule, e.g. `Europe/Berlin` (may be a parameter token). @default 'UTC' */
  readonly timeZone?: string;
  /** `ENABLED` or `DISABLED` for the monthly schedule (may be a parameter token). @default 'ENABLED' */
  readonly monthlyState?: string;
  /** Reconciler schedule expression. @default 'rate(60 minutes)' */
  readonly reconcileExpression?: string;
}

/**
 * The event-driven side: EventBridge Scheduler runs the monthly archive (`cron(0 3 10 * ? *)` in a
 * time zone) and the restore reconciler; an EventBridge rule sends the archive bucket's
 * "Object Restore Completed" events to the restore-event function. Every invocation is
 * asynchronous: Scheduler and the rule retry, then drop failed deliveries into the function's
 * dead-letter queue, which is also the function's on-failure destination.
 * Sources: https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html,
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html
 */
export class Schedules extends Construct {
  /** Monthly schedule handler (`src/entrypoints/lambda/schedule.ts`). */
  readonly monthly: ColdpackFunction;
  /** Restore reconciler (`src/entrypoints/lambda/reconcile.ts`). */
  readonly reconcile: ColdpackFunction;
  /** "Object Restore Completed" handler (`src/entrypoints/lambda/restore-event.ts`). */
  readonly restoreEvent: ColdpackFunction;

  /** @param scope parent; @param id construct id; @param props see {@link ScheduleProps} */
  constructor(scope: Construct, id: string, props: ScheduleProps) {
    super(scope, id);
    const common = { key: props.key, environment: props.environment, asynchronous: true } as const;
    this.monthly = new ColdpackFunction(this, 'Monthly', {
      ...common,
      entry: 'src/entrypoints/lambda/schedule.ts',
      description: 'coldpack monthly archive schedule',
      timeout: Duration.minutes(5),
    });
    this.reconcile = new ColdpackFunction(this, 'Reconcile', {
      ...common,
      entry: 'src/entrypoints/lambda/reconcile.ts',
      description: 'coldpack restore reconciler (HeadObject x-amz-restore, extraction of ready files)',
      // Extracts ready files (ranged GETs, streamed uploads): the Lambda maximum of 15 minutes.
      timeout: Duration.minutes(15),
      memorySize: 1024,
    });
    this.restoreEvent = new ColdpackFunction(this, 'RestoreEvent', {
      ...common,
      entry: 'src/entrypoints/lambda/restore-event.ts',
      description: 'coldpack S3 Object Restore Completed handler (marks bundles ready, extracts files)',
      timeout: Duration.minutes(15),
      memorySize: 1024,
    });

    this.schedule('MonthlySchedule', this.monthly, {
      expression: MONTHLY_CRON,
      timeZone: props.timeZone ?? 'UTC',
      state: props.monthlyState ?? 'ENABLED',
      input: MONTHLY_INPUT,
      description: 'coldpack monthly archive (10th, 03:00)',
    });
    this.schedule('ReconcileSchedule', this.reconcile, {
      expression: props.reconcileExpression ?? 'rate(60 minutes)',
      timeZone: 'UTC',
      state: 'ENABLED',
      input: RECONCILE_INPUT,
      description: 'coldpack restore reconciler',
    });

    new events.Rule(this, 'RestoreCompletedRule', {
      description: 'coldpack: S3 Object Restore Completed on the archive bucket',
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Restore Completed'],
        detail: { bucket: { name: [props.archiveBucket.bucketName] } },
      },
      targets: [
        new targets.LambdaFunction(this.restoreEvent.fn, {
          deadLetterQueue: this.restoreEvent.deadLetterQueue!,
          retryAttempts: 8,
          maxEventAge: Duration.hours(24),
        }),
      ],
    });
  }

  private schedule(
    id: string,
    fn: ColdpackFunction,
    opts: { expression: string; timeZone: string; state: string; input: string; description: string },
  ): scheduler.CfnSchedule {
    const dlq = fn.deadLetterQueue!;
    // Named, so the trust policy can name the one schedule that may assume the role (the ARN
    // attribute would be a circular reference: the schedule refers to the role).
    const name = `${Aws.STACK_NAME}-${id}`;
    const role = new iam.Role(this, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: {
            'aws:SourceAccount': Aws.ACCOUNT_ID,
            'aws:SourceArn': `arn:${Aws.PARTITION}:scheduler:${Aws.REGION}:${Aws.ACCOUNT_ID}:schedule/default/${name}`,
          },
        },
      }),
      description: `coldpack ${id}: invoke its function, dead-letter failed deliveries`,
    });
    role.addToPolicy(new iam.PolicyStatement({ sid: 'Invoke', actions: ['lambda:InvokeFunction'], resources: [fn.fn.functionArn] }));
    role.addToPolicy(new iam.PolicyStatement({ sid: 'DeadLetter', actions: ['sqs:SendMessage'], resources: [dlq.queueArn] }));
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'EncryptDeadLetters',
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [dlq.encryptionMasterKey!.keyArn],
        conditions: viaServices(['sqs']),
      }),
    );
    return new scheduler.CfnSchedule(this, id, {
      name,
      description: opts.description,
      scheduleExpression: opts.expression,
      scheduleExpressionTimezone: opts.timeZone,
      state: opts.state,
      flexibleTimeWindow: { mode: 'OFF' },
      target: {
        arn: fn.fn.functionArn,
        roleArn: role.roleArn,
        input: opts.input,
        retryPolicy: { maximumRetryAttempts: 5, maximumEventAgeInSeconds: 3600 },
        deadLetterConfig: { arn: dlq.queueArn },
      },
    });
  }
}
