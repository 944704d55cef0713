import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { DATA_REMOVAL_POLICY } from './defaults.js';

/**
 * The stack's customer-managed KMS key (symmetric, yearly automatic rotation, RETAIN): encrypts
 * the archive and restore buckets, the DynamoDB tables, the SNS topic and the dead-letter queues.
 *
 * Key policy: the CDK default (the account root may administer and use the key, which delegates
 * use to IAM policies) plus the AWS services that publish to the encrypted topic and queues on
 * their own behalf: CloudWatch alarms and EventBridge need `kms:GenerateDataKey` and `kms:Decrypt`,
 * limited to this account by `aws:SourceAccount`.
 * Sources: https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services,
 * https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
 */
export class ColdpackKey extends Construct {
  /** The key. */
  readonly key: kms.Key;

  /** @param scope parent; @param id construct id */
  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.key = new kms.Key(this, 'Key', {
      description: 'coldpack: archive and restore buckets, tables, topic, queues',
      enableKeyRotation: true,
      removalPolicy: DATA_REMOVAL_POLICY,
    });
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowServicesPublishingToEncryptedTopicAndQueues',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com'), new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: ['*'], // in a key policy "*" means "this key"
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
  }
}
