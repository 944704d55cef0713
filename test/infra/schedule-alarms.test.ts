import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Match } from 'aws-cdk-lib/assertions';
import { MONTHLY_CRON } from '../../infra/constructs/schedule.js';
import { FAILED_JOBS_METRIC } from '../../infra/constructs/alarms.js';
import { logicalId, resourcesOf, synth } from './support.js';

const s = synth();
const t = s.template;
const { monthly, reconcile, restoreEvent } = s.stack.schedules;
const queueArn = (fn: typeof monthly) => ({ 'Fn::GetAtt': [logicalId(s, fn.deadLetterQueue!), 'Arn'] });

describe('schedules', () => {
  it('monthly archive: cron(0 3 10 * ? *) in the ScheduleTimeZone parameter, state by parameter, retries and a DLQ', () => {
    assert.equal(MONTHLY_CRON, 'cron(0 3 10 * ? *)');
    t.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 3 10 * ? *)',
      ScheduleExpressionTimezone: { Ref: 'ScheduleTimeZone' },
      State: { Ref: 'MonthlyScheduleState' },
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: { 'Fn::GetAtt': [logicalId(s, monthly.fn), 'Arn'] },
        RoleArn: Match.anyValue(),
        Input: Match.stringLikeRegexp('<aws.scheduler.scheduled-time>'),
        RetryPolicy: { MaximumRetryAttempts: 5, MaximumEventAgeInSeconds: 3600 },
        DeadLetterConfig: { Arn: queueArn(monthly) },
      },
    });
  });

  it('restore reconciler: hourly, with a DLQ', () => {
    t.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(60 minutes)',
      Target: Match.objectLike({ Arn: { 'Fn::GetAtt': [logicalId(s, reconcile.fn), 'Arn'] }, DeadLetterConfig: { Arn: queueArn(reconcile) } }),
    });
  });

  it('"Object Restore Completed" of the archive bucket goes to the restore-event function, with retries and a DLQ', () => {
    t.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.s3'],
        'detail-type': ['Object Restore Completed'],
        detail: { bucket: { name: [{ Ref: logicalId(s, s.stack.storage.archiveBucket) }] } },
      },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [logicalId(s, restoreEvent.fn), 'Arn'] },
          DeadLetterConfig: { Arn: queueArn(restoreEvent) },
          RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 86400 },
        }),
      ],
    });
  });

  it('asynchronous functions send failed invocations to their DLQ (on-failure destination)', () => {
    for (const fn of [monthly, reconcile, restoreEvent, s.stack.jobChain.handler]) {
      t.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: logicalId(s, fn.fn) },
        MaximumRetryAttempts: 2,
        DestinationConfig: { OnFailure: { Destination: queueArn(fn) } },
      });
    }
    t.resourceCountIs('AWS::Lambda::EventInvokeConfig', 4);
  });

  it('Scheduler roles may only invoke their own function and dead-letter to their own queue', () => {
    for (const fn of [monthly, reconcile]) {
      t.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Action: 'lambda:InvokeFunction', Resource: { 'Fn::GetAtt': [logicalId(s, fn.fn), 'Arn'] } }),
            Match.objectLike({ Action: 'sqs:SendMessage', Resource: queueArn(fn) }),
          ]),
        },
      });
    }
  });
});

describe('alarms', () => {
  const alarms = Object.values(resourcesOf(t, 'AWS::CloudWatch::Alarm')).map((a) => a.Properties!);
  const topicRef = { Ref: logicalId(s, s.stack.node.findChild('Notifications').node.findChild('Topic')) };

  it('every alarm notifies the topic on one occurrence', () => {
    assert.equal(alarms.length, 7); // the cost model prices 7 (STACK_ALARMS; test/infra/fixed-cost.test.ts)
    for (const a of alarms) {
      assert.deepEqual(a.AlarmActions, [topicRef]);
      assert.equal(a.Threshold, 1);
      assert.equal(a.ComparisonOperator, 'GreaterThanOrEqualToThreshold');
      assert.equal(a.TreatMissingData, 'notBreaching');
    }
  });

  it('cover failed coldpack jobs, failed Batch jobs, each DLQ and API 5xx', () => {
    const metrics = alarms.map((a) => `${String(a.Namespace)}/${String(a.MetricName)}`).sort();
    assert.deepEqual(metrics, [
      'AWS/ApiGateway/5XXError',
      'AWS/Events/TriggeredRules',
      'AWS/SQS/ApproximateNumberOfMessagesVisible',
      'AWS/SQS/ApproximateNumberOfMessagesVisible',
      'AWS/SQS/ApproximateNumberOfMessagesVisible',
      'AWS/SQS/ApproximateNumberOfMessagesVisible',
      `${FAILED_JOBS_METRIC.namespace}/${FAILED_JOBS_METRIC.metricName}`,
    ]);
  });

  it('failed Batch jobs of the queue are also sent to the topic with their reason', () => {
    t.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.batch'],
        'detail-type': ['Batch Job State Change'],
        detail: { status: ['FAILED'], jobQueue: [Match.anyValue()] },
      },
      Targets: [
        Match.objectLike({
          Arn: topicRef,
          InputTransformer: Match.objectLike({ InputPathsMap: Match.objectLike({ 'detail-statusReason': '$.detail.statusReason' }) }),
        }),
      ],
    });
    t.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'events.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: { ArnEquals: { 'aws:SourceArn': Match.anyValue() } },
          }),
        ]),
      },
    });
  });
});

describe('outputs', () => {
  it('API URL, bucket names, topic ARN', () => {
    for (const name of ['ApiUrl', 'ArchiveBucketName', 'RestoreBucketName', 'TopicArn']) t.hasOutput(name, {});
  });
});

describe('Batch job-state handler', () => {
  it('receives SUCCEEDED and FAILED of the plan and finalize jobs on the queue, with retries and a DLQ', () => {
    const fn = s.stack.jobChain.handler;
    const defId = (kind: 'plan' | 'finalize') => ({ Ref: s.stack.getLogicalId(s.stack.compute.jobDefinitions[kind]) });
    t.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.batch'],
        'detail-type': ['Batch Job State Change'],
        detail: { status: ['SUCCEEDED', 'FAILED'], jobQueue: [Match.anyValue()], jobDefinition: [defId('plan'), defId('finalize')] },
      },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [logicalId(s, fn.fn), 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalId(s, fn.deadLetterQueue!), 'Arn'] } },
          RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 86400 },
        }),
      ],
    });
  });
});
