/**
 * A FIFO notification topic (issue 11 item 11): SNS refuses a Publish to a `.fifo` topic without a
 * MessageGroupId ("MessageGroupId required", moto answers the same), so restores ended AVAILABLE
 * and the reconciler retried forever. The notifier publishes with a group and a deduplication id.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { SnsNotifier } from '../../src/adapters/sns-notifier.js';
import type { RestoreNotification } from '../../src/domain/ports/restore-notifier.js';
import { startMotoFixture, type MotoFixture } from '../support/moto.js';

let fx: MotoFixture;
before(async () => {
  fx = await startMotoFixture();
});
after(async () => fx.close());

const message = {
  event: 'restore.completed',
  status: 'AVAILABLE',
  restore_id: 'rst-fifo-1',
  requested_by: 'test',
  created_at: '2026-11-30T00:00:00.000Z',
  finished_at: '2026-11-30T00:00:01.000Z',
  counts: { files: 1, available: 1, failed: 0, not_found: 0 },
  url_expires_in: 60,
  files: [],
} as unknown as RestoreNotification;

test('a restore notification is delivered through a FIFO topic to a FIFO queue', async () => {
  const topic = await fx.clients.sns.send(new CreateTopicCommand({ Name: 'coldpack-notes.fifo', Attributes: { FifoTopic: 'true' } }));
  const queue = await fx.clients.sqs.send(new CreateQueueCommand({ QueueName: 'coldpack-notes.fifo', Attributes: { FifoQueue: 'true' } }));
  const arn = await fx.clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queue.QueueUrl!, AttributeNames: ['QueueArn'] }));
  await fx.clients.sns.send(new SubscribeCommand({ TopicArn: topic.TopicArn!, Protocol: 'sqs', Endpoint: arn.Attributes!.QueueArn! }));
  await new SnsNotifier(fx.clients.sns).notify([topic.TopicArn!], message);
  const got = await fx.clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.QueueUrl!, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
  assert.equal(got.Messages?.length, 1);
  assert.match(got.Messages![0]!.Body!, /rst-fifo-1/);
});
