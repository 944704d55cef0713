import { Duration } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/**
 * Custom metric the code emits (CloudWatch embedded metric format in its logs) each time an
 * archive job or restore request ends FAILED or PARTIAL: namespace `Coldpack`, metric `JobsFailed`,
 * unit Count, no dimensions.
 * Source: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */
export const FAILED_JOBS_METRIC = { namespace: 'Coldpack', metricName: 'JobsFailed' } as const;

/** Props of {@link Alarms}. */
export interface AlarmsProps {
  /** Where alarms and Batch failures are sent. */
  readonly topic: sns.ITopic;
  /** The REST API (5xx alarm). */
  readonly restApi: apigw.RestApi;
  /** Dead-letter queues by name (depth alarms). */
  readonly deadLetterQueues: Readonly<Record<string, sqs.IQueue>>;
  /** ARN of the Batch job queue whose FAILED jobs are reported. */
  readonly jobQueueArn: string;
  /** Evaluation period of every alarm. @default 5 minutes */
  readonly period?: Duration;
}

/**
 * Alarms to the topic (each fires on one occurrence in a period: these are rare, human-worthy events):
 * failed coldpack jobs ({@link FAILED_JOBS_METRIC}), failed Batch jobs (an EventBridge rule on
 * "Batch Job State Change" FAILED for the queue, which also sends the job's details to the topic),
 * any message in a dead-letter queue, API 5xx. Missing data is "not breaching".
 * Each standard-resolution alarm costs $0.10 a month. Source: https://aws.amazon.com/cloudwatch/pricing/
 */
export class Alarms extends Construct {
  /** Every alarm created. */
  readonly alarms: cloudwatch.Alarm[] = [];

  /** @param scope parent; @param id construct id; @param props see {@link AlarmsProps} */
  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    const period = props.period ?? Duration.minutes(5);
    const action = new actions.SnsAction(props.topic);
    const alarm = (name: string, metric: cloudwatch.IMetric, description: string) => {
      const a = new cloudwatch.Alarm(this, name, {
        alarmDescription: description,
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      a.addAlarmAction(action);
      this.alarms.push(a);
      return a;
    };

    alarm(
      'FailedJobs',
      new cloudwatch.Metric({ ...FAILED_JOBS_METRIC, statistic: 'Sum', period }),
      'coldpack: an archive job or restore request ended FAILED or PARTIAL',
    );

    const batchFailures = new events.Rule(this, 'BatchJobFailedRule', {
      description: 'coldpack: a Batch job on the coldpack queue FAILED',
      eventPattern: {
        source: ['aws.batch'],
        detailType: ['Batch Job State Change'],
        detail: { status: ['FAILED'], jobQueue: [props.jobQueueArn] },
      },
    });
    // Target bound by hand: the SnsTopic target would also grant events.amazonaws.com
    // `kms:GenerateDataKey*` on the key without a condition; the key policy already allows
    // EventBridge of this account (infra/constructs/key.ts), and the topic policy is added here.
    const message = events.RuleTargetInput.fromText(
      `coldpack Batch job ${events.EventField.fromPath('$.detail.jobName')} (${events.EventField.fromPath('$.detail.jobId')}) FAILED: ${events.EventField.fromPath('$.detail.statusReason')}`,
    );
    batchFailures.addTarget({ bind: () => ({ arn: props.topic.topicArn, input: message }) });
    props.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'BatchFailuresFromEventBridge',
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [props.topic.topicArn],
        conditions: { ArnEquals: { 'aws:SourceArn': batchFailures.ruleArn } },
      }),
    );
    alarm(
      'BatchJobFailures',
      new cloudwatch.Metric({
        namespace: 'AWS/Events',
        metricName: 'TriggeredRules',
        dimensionsMap: { RuleName: batchFailures.ruleName },
        statistic: 'Sum',
        period,
      }),
      'coldpack: a Batch job failed (details were sent to the topic)',
    );

    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      alarm(
        `${name}DeadLetters`,
        queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period }),
        `coldpack: failed events in the ${name} dead-letter queue`,
      );
    }

    alarm('Api5xx', props.restApi.metricServerError({ statistic: 'Sum', period }), 'coldpack: the API answered 5xx');
  }
}
