/**
 * Explicit least-privilege IAM statements. CDK's `grant*` helpers are not used for data access
 * because they add wildcard actions (`s3:GetObject*`, `kms:GenerateDataKey*`, `dynamodb:BatchGet*`);
 * every action here is spelled out, and resources are the exact ARNs (objects: `bucket/*` or a prefix).
 * Actions: https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
 */
import { Aws, Fn } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { State } from './state.js';

/** DynamoDB item reads (transactions are authorized by these item actions, no separate action exists). */
export const DYNAMODB_READ = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'];
/** DynamoDB item writes. */
export const DYNAMODB_WRITE = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
/** KMS use of the stack key by a data principal (SSE-KMS S3 objects, DynamoDB, SNS, SQS). */
export const KMS_USE = ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'];
/** Writing objects with multipart upload (the archive writer and the restore extractor). */
export const S3_WRITE_OBJECTS = ['s3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'];

/**
 * Read (and optionally write) access to all three tables and their GSIs.
 * @param state the tables; @param write include item writes
 */
export function tableAccess(state: State, write: boolean): iam.PolicyStatement {
  const tables = Object.values(state.tables);
  return new iam.PolicyStatement({
    sid: write ? 'TablesReadWrite' : 'TablesRead',
    actions: write ? [...DYNAMODB_READ, ...DYNAMODB_WRITE] : DYNAMODB_READ,
    resources: [...tables.map((t) => t.tableArn), ...Object.values(state.indexArns).flat()],
  });
}

/** Use of the stack key for encrypted data. @param key the stack key */
export function keyUse(key: kms.IKey): iam.PolicyStatement {
  return new iam.PolicyStatement({ sid: 'UseStackKey', actions: KMS_USE, resources: [key.keyArn] });
}

/**
 * Object-level access.
 * @param sid statement id (alphanumeric); @param actions explicit S3 object actions
 * @param objectArns object ARNs such as `arn:aws:s3:::bucket/*` or `arn:aws:s3:::bucket/restores/*`
 */
export function objectAccess(sid: string, actions: string[], objectArns: string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({ sid, actions, resources: objectArns });
}

/** `s3:ListBucket` (also what HeadBucket needs). @param sid statement id; @param bucketArns bucket ARNs */
export function listBuckets(sid: string, bucketArns: string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({ sid, actions: ['s3:ListBucket'], resources: bucketArns });
}

/**
 * Bucket and object ARNs for a list of bucket names held in a CommaDelimitedList parameter
 * (`Fn::Split`/`Fn::Join` keeps it a list at deploy time: `a,b` -> `arn:...:::a,arn:...:::b`).
 * The partition is a literal: CloudFormation accepts no function in a `Fn::Join` delimiter.
 * @param names the parameter's `valueAsList`
 * @param partition AWS partition of the deployment, e.g. `aws`, `aws-cn`, `aws-us-gov`
 * @returns `{ buckets, objects }` lists (tokens) of `arn:<partition>:s3:::<name>` and `.../<name>/*`
 */
export function bucketArnsFromList(names: string[], partition: string): { buckets: string[]; objects: string[] } {
  const prefix = `arn:${partition}:s3:::`;
  const joined = Fn.join(`,${prefix}`, names);
  return {
    buckets: Fn.split(',', Fn.join('', [prefix, joined])),
    objects: Fn.split(',', Fn.join('', [prefix, Fn.join(`/*,${prefix}`, names), '/*'])),
  };
}

/**
 * Submitting Batch jobs: `batch:SubmitJob` on the queue and the job definitions, and
 * `batch:TagResource` on jobs (SubmitJob with tags needs it).
 * Source: https://docs.aws.amazon.com/batch/latest/userguide/batch-supported-iam-actions-resources.html
 * @param queueArn job queue ARN; @param jobDefinitionArns job definition ARNs (with revision)
 */
export function batchSubmit(queueArn: string, jobDefinitionArns: string[]): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({ sid: 'SubmitBatchJobs', actions: ['batch:SubmitJob'], resources: [queueArn, ...jobDefinitionArns] }),
    new iam.PolicyStatement({
      sid: 'TagSubmittedBatchJobs',
      actions: ['batch:TagResource'],
      resources: [`arn:${Aws.PARTITION}:batch:${Aws.REGION}:${Aws.ACCOUNT_ID}:job/*`],
    }),
  ];
}

/** `sns:Publish` on topics. @param sid statement id; @param topicArns topic ARNs */
export function publish(sid: string, topicArns: string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({ sid, actions: ['sns:Publish'], resources: topicArns });
}
