/**
 * {@link RestoreNotifier} on Amazon SNS: one Publish per topic with the JSON message and message
 * attributes for subscription filter policies (`event`, `status`, `project`, `restore_id`).
 *
 * SNS limits: message body at most 256 KiB, at most 10 message attributes, `Subject` at most 100
 * ASCII characters (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html). Long file lists
 * are cut to fit and flagged `files_truncated`; the full list is in `coldpack restore-status`.
 */
import { createHash } from 'node:crypto';
import { PublishCommand, type MessageAttributeValue, type SNSClient } from '@aws-sdk/client-sns';
import { ColdpackError, awsErrorName } from '../domain/errors.js';
import type { RestoreNotification, RestoreNotifier } from '../domain/ports/restore-notifier.js';

/** Largest SNS message body in bytes (256 KiB), minus room for the attributes. */
export const MAX_MESSAGE_BYTES = 256 * 1024 - 8 * 1024;

/** Serialize `message`, cutting the file list until it fits in `maxBytes` UTF-8 bytes. */
export function fitMessage(message: RestoreNotification, maxBytes = MAX_MESSAGE_BYTES): string {
  let body = JSON.stringify(message);
  if (Buffer.byteLength(body) <= maxBytes) return body;
  let files = message.files.length;
  while (files > 0) {
    files = Math.floor(files / 2);
    body = JSON.stringify({ ...message, files: message.files.slice(0, files), files_truncated: true });
    if (Buffer.byteLength(body) <= maxBytes) return body;
  }
  return body;
}

/**
 * Publish fields a FIFO topic (`.fifo`) requires: a message group (one per restore request) and a
 * deduplication id (restore id + status, so a retried publish of the same notification is dropped
 * within SNS's 5-minute window, with or without content-based deduplication).
 * https://docs.aws.amazon.com/sns/latest/dg/fifo-message-grouping.html
 */
export function fifoFields(topicArn: string, message: RestoreNotification): { MessageGroupId?: string; MessageDeduplicationId?: string } {
  if (!topicArn.endsWith('.fifo')) return {};
  const dedup = createHash('sha256').update(`${message.restore_id}#${message.status}`).digest('hex');
  return { MessageGroupId: message.restore_id.slice(0, 128), MessageDeduplicationId: dedup };
}

/** SNS publisher of restore notifications. */
export class SnsNotifier implements RestoreNotifier {
  /** @param sns SNS client */
  constructor(private readonly sns: SNSClient) {}

  /**
   * @inheritdoc
   * @throws ColdpackError `NOTIFY_FAILED` naming the topic and the SNS error (the SDK error is its cause)
   */
  async notify(topicArns: readonly string[], message: RestoreNotification): Promise<void> {
    const attrs: Record<string, MessageAttributeValue> = {
      event: { DataType: 'String', StringValue: message.event },
      status: { DataType: 'String', StringValue: message.status },
      restore_id: { DataType: 'String', StringValue: message.restore_id },
      ...(message.project ? { project: { DataType: 'String', StringValue: message.project } } : {}),
    };
    const body = fitMessage(message);
    const subject = `coldpack restore ${message.restore_id} ${message.status}`.replace(/[^\x20-\x7e]/g, '?').slice(0, 100);
    for (const TopicArn of [...new Set(topicArns)]) {
      try {
        await this.sns.send(new PublishCommand({ TopicArn, Message: body, Subject: subject, MessageAttributes: attrs, ...fifoFields(TopicArn, message) }));
      } catch (err) {
        const name = awsErrorName(err);
        throw new ColdpackError(
          'NOTIFY_FAILED',
          `Publish ${TopicArn}: ${name && name !== 'Error' ? `${name}: ` : ''}${err instanceof Error ? err.message : String(err)}`,
          { cause: err },
        );
      }
    }
  }
}
