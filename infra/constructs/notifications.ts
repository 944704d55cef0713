import { Fn, CfnCondition } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/** Props of {@link Notifications}. */
export interface NotificationsProps {
  /** The stack's KMS key (SSE of the topic). */
  readonly key: kms.IKey;
  /**
   * Address subscribed to the topic (it must confirm the subscription); an empty string (may be a
   * parameter token) subscribes nobody.
   */
  readonly email: string;
}

/**
 * The notification topic: job summaries, restore completions, alarms and Batch failures. SSE-KMS
 * with the stack key, TLS-only topic policy, an optional email subscription.
 * Email delivery costs $2.00 per 100,000 notifications beyond the free tier.
 * Source: https://aws.amazon.com/sns/pricing/
 */
export class Notifications extends Construct {
  /** The topic (env COLDPACK_TOPIC_ARN). */
  readonly topic: sns.Topic;

  /** @param scope parent; @param id construct id; @param props see {@link NotificationsProps} */
  constructor(scope: Construct, id: string, props: NotificationsProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'coldpack',
      masterKey: props.key,
      enforceSSL: true,
    });
    const hasEmail = new CfnCondition(this, 'HasEmail', { expression: Fn.conditionNot(Fn.conditionEquals(props.email, '')) });
    const subscription = new sns.CfnSubscription(this, 'Email', {
      topicArn: this.topic.topicArn,
      protocol: 'email',
      endpoint: props.email,
    });
    subscription.cfnOptions.condition = hasEmail;
  }
}
