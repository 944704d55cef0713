/**
 * {@link SummaryPublisher} on Amazon SNS: one Publish of a JSON message to one topic, with the message attribute
 * `event` = `archive.finished` for subscription filter policies. `Subject` is cut to 100 printable ASCII
 * characters (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html).
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { SummaryPublisher } from '../schedule/batch-job-chain.js';

/** Publishes archive job summaries to one topic. */
export class SnsTopicPublisher implements SummaryPublisher {
  /** @param sns SNS client; @param topicArn the stack's notification topic */
  constructor(
    private readonly sns: SNSClient,
    private readonly topicArn: string,
  ) {}

  /** @inheritdoc */
  async publish(subject: string, message: string): Promise<void> {
    await this.sns.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Message: message,
        Subject: subject.replace(/[^\x20-\x7e]/g, '?').slice(0, 100),
        MessageAttributes: { event: { DataType: 'String', StringValue: 'archive.finished' } },
      }),
    );
  }
}
