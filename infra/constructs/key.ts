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
 * limited to this account by `aws:SourceAccount` and to their alarms and rules by `aws:SourceArn`.
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
    // Each service only for its own resources of this account and region (aws:SourceArn): alarms
    // publishing to the topic, rules dead-lettering to a queue.
    const services: Array<[string, string]> = [
      ['cloudwatch.amazonaws.com', `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:*`],
      ['events.amazonaws.com', `arn:${Aws.PARTITION}:events:${Aws.REGION}:${Aws.ACCOUNT_ID}:rule/*`],
    ];
    for (const [service, sourceArn] of services) {
      this.key.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: `Allow${service.split('.')[0]![0]!.toUpperCase()}${service.split('.')[0]!.slice(1)}ToEncryptedTopicAndQueues`,
          principals: [new iam.ServicePrincipal(service)],
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: ['*'], // in a key policy "*" means "this key"
          conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID }, ArnLike: { 'aws:SourceArn': sourceArn } },
        }),
      );
    }
  }
}
