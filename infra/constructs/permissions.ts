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
/** DynamoDB item writes (every one a role may get; {@link tableAccess} grants a subset per table). */
export const DYNAMODB_WRITE = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
/**
 * KMS use of the stack key by a data principal (SSE-KMS S3 objects, DynamoDB, SNS, SQS). No
 * `kms:Encrypt`: the services encrypt with data keys (GenerateDataKey); the code never calls KMS.
 */
export const KMS_USE = ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'];
/** Services that may use the stack key on a role's behalf (`kms:ViaService`), in the stack's region. */
export const KMS_VIA_SERVICES = ['s3', 'dynamodb', 'sns', 'sqs'] as const;

/**
 * `kms:ViaService` condition: the key may be used only through these services in the stack's region.
 * @param services service prefixes, e.g. `['sqs']`
 */
export function viaServices(services: readonly string[]): Record<string, unknown> {
  return { StringEquals: { 'kms:ViaService': services.map((svc) => `${svc}.${Aws.REGION}.amazonaws.com`) } };
}

/** Table item writes a role may make, per table; a table left out is not accessible at all. */
export type TableWrites = Partial<Record<'jobs' | 'files' | 'bundles', 'read' | readonly string[]>>;
/** Writing objects with multipart upload (the archive writer and the restore extractor). */
export const S3_WRITE_OBJECTS = ['s3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'];

/**
 * Per-table access: item reads (tables and their GSIs) on every table named in `access` that the
 * stack has (the files table only with `catalog: per_file`), and on each the item writes listed
 * (`'read'` = none). One statement per table.
 * @param state the tables; @param access e.g. `{ jobs: ['dynamodb:PutItem'], files: 'read' }`
 */
export function tableAccess(state: State, access: TableWrites): iam.PolicyStatement[] {
  const out: iam.PolicyStatement[] = [];
  for (const [name, writes] of Object.entries(access) as Array<[keyof State['tables'], 'read' | readonly string[]]>) {
    const table = state.tables[name];
    if (table === undefined) continue; // e.g. the files table of a compact catalog
    const extra = writes === 'read' ? [] : [...writes];
    for (const a of extra) if (!DYNAMODB_WRITE.includes(a)) throw new Error(`not a DynamoDB item write: ${a}`);
    const title = name[0]!.toUpperCase() + name.slice(1);
    out.push(
      new iam.PolicyStatement({
        sid: `${title}Table${extra.length ? 'ReadWrite' : 'Read'}`,
        actions: [...DYNAMODB_READ, ...extra],
        resources: [table.tableArn, ...(state.indexArns[name] ?? [])],
      }),
    );
  }
  return out;
}

/** Use of the stack key for encrypted data, only through S3, DynamoDB, SNS and SQS of the region. @param key the stack key */
export function keyUse(key: kms.IKey): iam.PolicyStatement {
  return new iam.PolicyStatement({ sid: 'UseStackKey', actions: KMS_USE, resources: [key.keyArn], conditions: viaServices(KMS_VIA_SERVICES) });
}

/**
 * Object-level access.
 * @param sid statement id (alphanumeric); @param actions explicit S3 object actions
 * @param objectArns object ARNs such as `arn:aws:s3:::bucket/*` or `arn:aws:s3:::bucket/restores/*`
 */
export function objectAccess(sid: string, actions: string[], objectArns: string[], conditions?: Record<string, unknown>): iam.PolicyStatement {
  return new iam.PolicyStatement({ sid, actions, resources: objectArns, ...(conditions ? { conditions } : {}) });
}

/**
 * `s3:ListBucket` (also what HeadBucket needs).
 * @param sid statement id; @param bucketArns bucket ARNs; @param conditions e.g. an `s3:ResourceAccount` condition
 */
export function listBuckets(sid: string, bucketArns: string[], conditions?: Record<string, unknown>): iam.PolicyStatement {
  return new iam.PolicyStatement({ sid, actions: ['s3:ListBucket'], resources: bucketArns, ...(conditions ? { conditions } : {}) });
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

/** Tag keys coldpack puts on the jobs it submits (`src/adapters/batch-job-runner.ts`). */
export const BATCH_JOB_TAG_KEYS = ['coldpack:job'] as const;

/**
 * Submitting Batch jobs: `batch:SubmitJob` on the queue and the job definitions, and
 * `batch:TagResource` on jobs (SubmitJob with tags needs it), only with coldpack's tag keys.
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
      conditions: { 'ForAllValues:StringEquals': { 'aws:TagKeys': [...BATCH_JOB_TAG_KEYS] } },
    }),
  ];
}

/** `sns:Publish` on topics. @param sid statement id; @param topicArns topic ARNs */
export function publish(sid: string, topicArns: string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({ sid, actions: ['sns:Publish'], resources: topicArns });
}
