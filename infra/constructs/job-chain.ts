import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { ColdpackFunction } from './function.js';

/** Props of {@link JobChain}. */
export interface JobChainProps {
  /** The stack's KMS key (Lambda environment, dead-letter queue). */
  readonly key: kms.IKey;
  /** Environment of the function: tables, topic, and the Batch queue and job definitions it submits. */
  readonly environment: Readonly<Record<string, string>>;
  /** ARN of the stack's job queue. */
  readonly jobQueueArn: string;
  /** ARNs (with revision) of the plan and finalize job definitions whose ends the rule sends. */
  readonly jobDefinitionArns: readonly string[];
}

/**
 * The Batch job-state handler (`src/entrypoints/lambda/batch-job-state.ts`), a Lambda function outside the VPC:
 * an EventBridge rule sends it the "Batch Job State Change" events (SUCCEEDED, FAILED) of the plan and finalize
 * jobs on the stack's queue. When a plan job succeeds it submits the shard array job and the finalize job that
 * depends on it; when finalize ends it publishes the job's summary to the topic. The tasks themselves then need
 * no Batch or SNS interface endpoint. Failed deliveries are retried, then dead-lettered (alarm in alarms.ts).
 * Source: https://docs.aws.amazon.com/batch/latest/userguide/batch_job_events.html
 */
export class JobChain extends Construct {
  /** The handler. */
  readonly handler: ColdpackFunction;

  /** @param scope parent; @param id construct id; @param props see {@link JobChainProps} */
  constructor(scope: Construct, id: string, props: JobChainProps) {
    super(scope, id);
    this.handler = new ColdpackFunction(this, 'Handler', {
      key: props.key,
      environment: props.environment,
      asynchronous: true,
      entry: 'src/entrypoints/lambda/batch-job-state.ts',
      description: 'coldpack Batch job-state handler (plan done: submit shards + finalize; finalize done: publish the summary)',
      timeout: Duration.minutes(1),
      memorySize: 256,
    });
    new events.Rule(this, 'Rule', {
      description: 'coldpack: a plan or finalize Batch job on the coldpack queue ended',
      eventPattern: {
        source: ['aws.batch'],
        detailType: ['Batch Job State Change'],
        detail: { status: ['SUCCEEDED', 'FAILED'], jobQueue: [props.jobQueueArn], jobDefinition: [...props.jobDefinitionArns] },
      },
      targets: [
        new targets.LambdaFunction(this.handler.fn, {
          deadLetterQueue: this.handler.deadLetterQueue!,
          retryAttempts: 8,
          maxEventAge: Duration.hours(24),
        }),
      ],
    });
  }
}
