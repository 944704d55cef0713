import { Aws, Stack, type CfnResource } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { Compute } from './constructs/compute.js';
import { acknowledge, nagRef } from './constructs/defaults.js';
import type { ColdpackFunction } from './constructs/function.js';
import {
  S3_WRITE_OBJECTS,
  batchSubmit,
  bucketArnsFromList,
  keyUse,
  listBuckets,
  objectAccess,
  publish,
  tableAccess,
} from './constructs/permissions.js';
import type { Schedules } from './constructs/schedule.js';
import type { State } from './constructs/state.js';
import type { Storage } from './constructs/storage.js';
import type { StackParameters } from './parameters.js';

/** Everything {@link grantAccess} wires together. */
export interface AccessProps {
  /** The stack key (data encryption). */
  readonly key: kms.IKey;
  /** The buckets. */
  readonly storage: Storage;
  /** The tables. */
  readonly state: State;
  /** The stack's notification topic. */
  readonly topic: sns.ITopic;
  /** Parameters: SourceBucketNames, AllowedTopicArns and its condition. */
  readonly params: StackParameters;
  /** Batch: job queue, job definitions, task roles. */
  readonly compute: Compute;
  /** The API function. */
  readonly api: ColdpackFunction;
  /** The schedule, reconcile and restore-event functions. */
  readonly schedules: Schedules;
  /** AWS partition (for source bucket ARNs). */
  readonly partition: string;
}

/**
 * Who may do what: one explicit policy per principal (four Lambda roles, three Batch task roles).
 *
 * | principal | tables | source buckets | archive bucket | restore bucket | Batch submit | publish |
 * | --- | --- | --- | --- | --- | --- | --- |
 * | api | rw | list, get | list, get, put, restore | get, put (multipart) | plan, restore; describe jobs | stack + allowed |
 * | monthly schedule | rw | list, get | list, get, put | - | plan | stack |
 * | reconcile | rw | - | list, get, restore | get, put (multipart) | restore | stack + allowed |
 * | restore-event | rw | - | list, get, restore | get, put (multipart) | restore | stack + allowed |
 * | plan task | rw | list, get | list, get, put | - | shard, finalize | - |
 * | shard task | rw | list, get | list, get, put (multipart) | - | - | - |
 * | finalize task | rw | list, get, delete | list, get, put | - | - | stack |
 * | restore task | rw | - | get | get, put (multipart) | - | stack + allowed |
 *
 * "get" on a source is also the HeadObject ETag re-check (and reads a restore request's
 * `keys_manifest`, which must therefore be in a source or the archive bucket); "restore" is
 * s3:RestoreObject; "get" on restored copies signs the presigned URLs of notifications. Restore
 * extraction runs in the restore-event and reconcile functions (and in the API for bundles that
 * need no restore) as well as in the Batch restore job. Planning
 * (listing, shard manifests) runs in the plan job; the API keeps source read access to check that
 * a bucket and prefix exist and can be read, and for dry runs. Allowed topics are the
 * AllowedTopicArns parameter, granted by a separate policy that exists only when it is not empty.
 * @param scope the stack
 * @param props the resources
 */
export function grantAccess(scope: Construct, props: AccessProps): void {
  const { storage, state, compute } = props;
  const sources = bucketArnsFromList(props.params.sourceBucketNames.valueAsList, props.partition);
  const archive = storage.archiveBucket;
  const archiveObjects = [archive.arnForObjects('*')];
  const restoreObjects = [storage.restoreBucket.arnForObjects('restores/*')];
  const defs = compute.jobDefinitions;
  const queue = compute.jobQueue.attrJobQueueArn;
  const ownTopic = [props.topic.topicArn];

  const data = [tableAccess(state, true), keyUse(props.key)];
  const readSources = [listBuckets('ListSources', sources.buckets), objectAccess('ReadSources', ['s3:GetObject'], sources.objects)];

  const grants: Array<[iam.IGrantable & { addToPrincipalPolicy: iam.IRole['addToPrincipalPolicy'] }, iam.PolicyStatement[]]> = [
    [
      props.api.role,
      [
        ...data,
        ...readSources,
        listBuckets('ListArchive', [archive.bucketArn]),
        objectAccess('ArchiveObjects', ['s3:GetObject', 's3:PutObject', 's3:RestoreObject'], archiveObjects),
        objectAccess('WriteRestored', ['s3:GetObject', ...S3_WRITE_OBJECTS], restoreObjects),
        ...batchSubmit(queue, [defs.plan.ref, defs.restore.ref]),
        publish('PublishStackTopic', ownTopic),
      ],
    ],
    [
      props.schedules.monthly.role,
      [
        ...data,
        ...readSources,
        listBuckets('ListArchive', [archive.bucketArn]),
        objectAccess('ArchiveObjects', ['s3:GetObject', 's3:PutObject'], archiveObjects),
        ...batchSubmit(queue, [defs.plan.ref]),
        publish('PublishStackTopic', ownTopic),
      ],
    ],
    [
      compute.taskRoles.plan,
      [
        ...data,
        ...readSources,
        listBuckets('ListArchive', [archive.bucketArn]),
        objectAccess('ArchiveObjects', ['s3:GetObject', 's3:PutObject'], archiveObjects),
        ...batchSubmit(queue, [defs.shard.ref, defs.finalize.ref]),
      ],
    ],
    [
      props.schedules.reconcile.role,
      [
        ...data,
        listBuckets('ListArchive', [archive.bucketArn]),
        objectAccess('ArchiveObjects', ['s3:GetObject', 's3:RestoreObject'], archiveObjects),
        objectAccess('WriteRestored', ['s3:GetObject', ...S3_WRITE_OBJECTS], restoreObjects),
        ...batchSubmit(queue, [defs.restore.ref]),
        publish('PublishStackTopic', ownTopic),
      ],
    ],
    [
      props.schedules.restoreEvent.role,
      [
        ...data,
        listBuckets('ListArchive', [archive.bucketArn]),
        objectAccess('ArchiveObjects', ['s3:GetObject', 's3:RestoreObject'], archiveObjects),
        objectAccess('WriteRestored', ['s3:GetObject', ...S3_WRITE_OBJECTS], restoreObjects),
        ...batchSubmit(queue, [defs.restore.ref]),
        publish('PublishStackTopic', ownTopic),
      ],
    ],
    [
      compute.taskRoles.shard,
      [
        ...data,
        ...readSources,
        listBuckets('ListArchive', [archive.bucketArn]),
        objectAccess('ArchiveObjects', ['s3:GetObject', ...S3_WRITE_OBJECTS], archiveObjects),
      ],
    ],
    [
      compute.taskRoles.finalize,
      [
        ...data,
        ...readSources,
        objectAccess('DeleteArchivedSources', ['s3:DeleteObject'], sources.objects),
        listBuckets('ListArchive', [archive.bucketArn]),
        objectAccess('ArchiveObjects', ['s3:GetObject', 's3:PutObject'], archiveObjects),
        publish('PublishStackTopic', ownTopic),
      ],
    ],
    [
      compute.taskRoles.restore,
      [
        ...data,
        objectAccess('ReadBundles', ['s3:GetObject'], archiveObjects),
        objectAccess('WriteRestored', ['s3:GetObject', ...S3_WRITE_OBJECTS], restoreObjects),
        publish('PublishStackTopic', ownTopic),
      ],
    ],
  ];
  // Object-level and job ARNs end in "*" (cdk-nag IAM5); each is acknowledged on the roles that use it.
  const batchJobs = `arn:${Aws.PARTITION}:batch:${Aws.REGION}:${Aws.ACCOUNT_ID}:job/*`;
  const wildcardReasons = new Map<string, { id: string; reason: string }>([
    [
      archiveObjects[0]!,
      {
        id: `Resource::${nagRef(archive.node.defaultChild as CfnResource)}/*`,
        reason: 'Objects of the stack\'s own archive bucket: bundle, manifest, plan and report keys are generated per job (bundles/<project>/<job>/...), so they cannot be listed in advance.',
      },
    ],
    [
      restoreObjects[0]!,
      {
        id: `Resource::${nagRef(storage.restoreBucket.node.defaultChild as CfnResource)}/restores/*`,
        reason: 'Restored copies live under restores/<restore_id>/<original key> of the stack\'s restore bucket; ids are generated per request.',
      },
    ],
    [
      sources.objects[0]!,
      {
        id: `Resource::${JSON.stringify(Stack.of(scope).resolve(sources.objects))}`,
        reason: 'Objects of the source buckets named in the SourceBucketNames parameter: archiving reads (and after verification deletes) arbitrary keys under requested prefixes.',
      },
    ],
    [
      batchJobs,
      {
        id: 'Resource::arn:<AWS::Partition>:batch:<AWS::Region>:<AWS::AccountId>:job/*',
        reason: 'batch:TagResource on jobs being submitted: Batch job ids are generated by SubmitJob, so the job ARN is not known beforehand.',
      },
    ],
  ]);
  for (const [principal, statements] of grants) {
    for (const statement of statements) {
      principal.addToPrincipalPolicy(statement);
      for (const resource of statement.resources) {
        const known = wildcardReasons.get(resource);
        if (known) acknowledge(principal as unknown as iam.Role, `AwsSolutions-IAM5[${known.id}]`, known.reason);
      }
    }
  }

  // Job status for GET /archive/{job_id} (BatchJobRunner.describe): DescribeJobs has no
  // resource-level permissions, so it is granted on "*" to the API only; it reveals job metadata,
  // never data.
  props.api.role.addToPrincipalPolicy(
    new iam.PolicyStatement({ sid: 'DescribeBatchJobs', actions: ['batch:DescribeJobs'], resources: ['*'] }),
  );
  acknowledge(
    props.api.role,
    'AwsSolutions-IAM5[Resource::*]',
    'batch:DescribeJobs supports no resource-level permissions (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsbatch.html); it is the only "*" statement of this role and reads job metadata only.',
  );

  // Caller-named topics (restore requests), only when AllowedTopicArns is not empty.
  const allowed = new iam.CfnPolicy(scope, 'AllowedTopicsPublish', {
    policyName: 'coldpack-allowed-topics-publish',
    policyDocument: new iam.PolicyDocument({
      statements: [publish('PublishAllowedTopics', props.params.allowedTopicArns.valueAsList)],
    }),
    roles: [props.api.role, props.schedules.reconcile.role, props.schedules.restoreEvent.role, compute.taskRoles.restore].map(
      (r) => r.roleName,
    ),
  });
  allowed.cfnOptions.condition = props.params.hasAllowedTopics;
}

