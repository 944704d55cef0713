import { Aws, Fn, Stack, type CfnResource } from 'aws-cdk-lib';
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
  invokeFunctions,
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
  /** The Batch job-state handler (submits shards and finalize, publishes summaries). */
  readonly jobChain: ColdpackFunction;
  /** AWS partition (for source bucket ARNs). */
  readonly partition: string;
}

/** DynamoDB writes of the archive steps: job, shard and lock items (TransactWriteItems = Put/Update/ConditionCheck; lock release = Delete). */
const JOBS_ARCHIVE_WRITES = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'];
/** DynamoDB writes of a restore (`src/restore/restore-store.ts`): restore and file items (Put, BatchWriteItem, Update), open-restore marker (Delete), bundle wait items (Put, BatchWriteItem deletes). */
const JOBS_RESTORE_WRITES = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
/** Restore state of bundle items (`src/restore/bundle-restore.ts`: conditional UpdateItem only). */
const BUNDLES_RESTORE_WRITES = ['dynamodb:UpdateItem'];

/**
 * Who may do what: one explicit policy per principal (five Lambda roles, three Batch task roles). No Batch task
 * calls Batch or SNS (the private network has no endpoint for them): the job-state handler submits and publishes.
 *
 * | principal | jobs table | files table | bundles table | source buckets | archive bucket | restore bucket | Batch submit | publish |
 * | --- | --- | --- | --- | --- | --- | --- | --- | --- |
 * | api (+ lambda:InvokeFunction on the reconcile function only) | r, put/update/delete/batch-write | r | r, update | list, get | list, get, restore | get `restores/*`, `key-lists/*` | plan | stack + allowed |
 * | monthly schedule | r, put/update/delete | - | - | list, get | - | - | plan | stack |
 * | reconcile | r, put/update/delete/batch-write | r | r, update | - | list, get, restore | get, put `restores/*` (multipart) | restore | stack + allowed |
 * | restore-event | r, put/update/delete/batch-write | r | r, update | - | list, get, restore | get, put `restores/*` (multipart) | restore | stack + allowed |
 * | plan task | r, put/update/delete | r | r | list, get | list, get; put `plans/*` | - | - | - |
 * | job-state handler | r, update | - | - | - | - | - | shard, finalize | stack |
 * | shard task | r, put/update/delete | r, batch-write | r, put/update | list, get | list, get; put `bundles/*`, `manifests/*` (multipart) | - | - | - |
 * | finalize task | r, put/update/delete | r | r, put/update | list, get, delete | list, get; put `reports/*` | - | - | - |
 *
 * "get" on a source is also the HeadObject ETag re-check; a restore request's `keys_manifest` is
 * read only from `key-lists/` in the restore bucket; "restore" is
 * s3:RestoreObject; "get" on restored copies signs the presigned URLs of notifications. Restore
 * extraction runs in the restore-event and reconcile functions; the
 * API submits restores without extracting (`extractOnSubmit: false`) and reads job reports.
 * Planning (listing, shard manifests) runs in the plan job; the API and the monthly schedule run
 * ArchiveService.submit, which only checks the source (ListObjectsV2 MaxKeys 1) and writes job
 * items. Source-bucket statements carry `s3:ResourceAccount` (SourceBucketAccountIds, default this
 * account). Allowed topics are the AllowedTopicArns parameter, granted by a separate policy that
 * exists only when it is not empty.
 * @param scope the stack
 * @param props the resources
 */
export function grantAccess(scope: Construct, props: AccessProps): void {
  const { storage, state, compute } = props;
  const params = props.params;
  const sources = bucketArnsFromList(params.sourceBucketNames.valueAsList, props.partition);
  const sourceAccount = {
    StringEquals: {
      's3:ResourceAccount': Fn.conditionIf(params.hasSourceBucketAccounts.logicalId, params.sourceBucketAccountIds.valueAsList, [Aws.ACCOUNT_ID]),
    },
  };
  const archive = storage.archiveBucket;
  const archiveObjects = [archive.arnForObjects('*')];
  const restoreObjects = [storage.restoreBucket.arnForObjects('restores/*')];
  const defs = compute.jobDefinitions;
  const queue = compute.jobQueue.attrJobQueueArn;
  const ownTopic = [props.topic.topicArn];

  const key = keyUse(props.key);
  const archiveTables = (files: 'read' | string[], bundles: 'read' | string[]) => tableAccess(state, { jobs: JOBS_ARCHIVE_WRITES, files, bundles });
  const restoreTables = tableAccess(state, { jobs: JOBS_RESTORE_WRITES, files: 'read', bundles: BUNDLES_RESTORE_WRITES });
  const readSources = [
    listBuckets('ListSources', sources.buckets, sourceAccount),
    objectAccess('ReadSources', ['s3:GetObject'], sources.objects, sourceAccount),
  ];
  const listArchive = listBuckets('ListArchive', [archive.bucketArn]);
  // Unfinished uploads of a job (aborted on resume and finalize) and versions of a rewritten bundle
  // (deleted when the rewrite commits; version deletes stay refused by the bucket policy's guard).
  const listArchiveUploads = new iam.PolicyStatement({
    sid: 'ListArchiveUploadsAndVersions',
    actions: ['s3:ListBucketMultipartUploads', 's3:ListBucketVersions'],
    resources: [archive.bucketArn],
  });
  // Opt-in object tags (`archive_tags`): one GetObjectTagging per source object.
  const readSourceTags = objectAccess('ReadSourceTags', ['s3:GetObjectTagging'], sources.objects, sourceAccount);
  const readArchive = objectAccess('ReadArchive', ['s3:GetObject'], archiveObjects);
  const writeArchive = (sid: string, prefixes: string[], actions: string[]) =>
    objectAccess(
      sid,
      actions,
      prefixes.map((prefix) => archive.arnForObjects(`${prefix}/*`)),
    );

  // The reconcile and restore-event functions both restore bundles and extract files.
  const extractorGrants = [
    ...restoreTables,
    key,
    listArchive,
    objectAccess('ArchiveObjects', ['s3:GetObject', 's3:RestoreObject'], archiveObjects),
    objectAccess('WriteRestored', ['s3:GetObject', ...S3_WRITE_OBJECTS, 's3:PutObjectTagging'], restoreObjects),
    publish('PublishStackTopic', ownTopic),
  ];
  const grants: Array<[iam.IGrantable & { addToPrincipalPolicy: iam.IRole['addToPrincipalPolicy'] }, iam.PolicyStatement[]]> = [
    [
      props.api.role,
      [
        ...restoreTables,
        key,
        ...readSources,
        listArchive,
        objectAccess('ArchiveObjects', ['s3:GetObject', 's3:RestoreObject'], archiveObjects),
        objectAccess('ReadRestored', ['s3:GetObject'], restoreObjects),
        // keys_manifest: callers upload key lists under key-lists/ in the restore bucket (src/restore/restore-service.ts).
        objectAccess('ReadKeyLists', ['s3:GetObject'], [storage.restoreBucket.arnForObjects('key-lists/*')]),
        ...batchSubmit(queue, [defs.plan.ref]),
        publish('PublishStackTopic', ownTopic),
        // Wakes the restore worker per POST /restore (asynchronous invoke with {restore_id}).
        invokeFunctions('WakeRestoreWorker', [props.schedules.reconcile.fn.functionArn]),
      ],
    ],
    [
      props.schedules.monthly.role,
      [
        ...tableAccess(state, { jobs: JOBS_ARCHIVE_WRITES }),
        key,
        ...readSources,
        ...batchSubmit(queue, [defs.plan.ref]),
        publish('PublishStackTopic', ownTopic),
      ],
    ],
    [
      compute.taskRoles.plan,
      [
        ...archiveTables('read', 'read'),
        key,
        ...readSources,
        listArchive,
        readArchive,
        listArchiveUploads,
        writeArchive('WritePlans', ['plans'], ['s3:PutObject', 's3:AbortMultipartUpload']),
      ],
    ],
    [
      props.jobChain.role,
      [
        // Reads the job (shard count, counters) and records the submitted Batch job ids (UpdateItem).
        ...tableAccess(state, { jobs: ['dynamodb:UpdateItem'] }),
        key,
        ...batchSubmit(queue, [defs.shard.ref, defs.finalize.ref]),
        publish('PublishStackTopic', ownTopic),
      ],
    ],
    [props.schedules.reconcile.role, extractorGrants],
    [props.schedules.restoreEvent.role, extractorGrants],
    [
      compute.taskRoles.shard,
      [
        ...archiveTables(['dynamodb:BatchWriteItem'], ['dynamodb:PutItem', 'dynamodb:UpdateItem']),
        key,
        ...readSources,
        listArchive,
        readArchive,
        readSourceTags,
        listArchiveUploads,
        // No s3:DeleteObject: nobody may delete bundles. An uploaded bundle that did not commit is then
        // kept (the job's error says so); a resume rewrites it and the noncurrent-version rule expires
        // the superseded version (src/archive/uncommitted-cleanup.ts, superseded-versions.ts).
        writeArchive('WriteBundles', ['bundles', 'manifests'], S3_WRITE_OBJECTS),
      ],
    ],
    [
      compute.taskRoles.finalize,
      [
        ...archiveTables('read', ['dynamodb:PutItem', 'dynamodb:UpdateItem']),
        key,
        ...readSources,
        objectAccess('DeleteArchivedSources', ['s3:DeleteObject'], sources.objects, sourceAccount),
        listArchive,
        readArchive,
        writeArchive('WriteReports', ['reports'], ['s3:PutObject']),
        listArchiveUploads,
        writeArchive('AbortStaleUploads', ['bundles', 'plans'], ['s3:AbortMultipartUpload']),
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
        reason:
          "Objects of the stack's own archive bucket: bundle, manifest, plan and report keys are generated per job (bundles/<project>/<job>/...), so they cannot be listed in advance.",
      },
    ],
    ...['plans', 'bundles', 'manifests', 'reports'].map(
      (prefix) =>
        [
          archive.arnForObjects(`${prefix}/*`),
          {
            id: `Resource::${nagRef(archive.node.defaultChild as CfnResource)}/${prefix}/*`,
            reason: `Writes of one job step under ${prefix}/ of the stack's archive bucket only: keys are generated per job (${prefix}/<project>/<job>/...), so they cannot be listed in advance.`,
          },
        ] as const,
    ),
    [
      restoreObjects[0]!,
      {
        id: `Resource::${nagRef(storage.restoreBucket.node.defaultChild as CfnResource)}/restores/*`,
        reason: "Restored copies live under restores/<restore_id>/<original key> of the stack's restore bucket; ids are generated per request.",
      },
    ],
    [
      storage.restoreBucket.arnForObjects('key-lists/*'),
      {
        id: `Resource::${nagRef(storage.restoreBucket.node.defaultChild as CfnResource)}/key-lists/*`,
        reason:
          "Key lists that callers upload for keys_manifest (one key per line) live under key-lists/ of the stack's restore bucket; their names are chosen by the caller.",
      },
    ],
    [
      sources.objects[0]!,
      {
        id: `Resource::${JSON.stringify(Stack.of(scope).resolve(sources.objects))}`,
        reason:
          'Objects of the source buckets named in the SourceBucketNames parameter: archiving reads (and after verification deletes) arbitrary keys under requested prefixes.',
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

  // Caller-named topics (restore requests), only when AllowedTopicArns is not empty.
  const allowed = new iam.CfnPolicy(scope, 'AllowedTopicsPublish', {
    policyName: 'coldpack-allowed-topics-publish',
    policyDocument: new iam.PolicyDocument({
      statements: [publish('PublishAllowedTopics', props.params.allowedTopicArns.valueAsList)],
    }),
    roles: [props.api.role, props.schedules.reconcile.role, props.schedules.restoreEvent.role].map((r) => r.roleName),
  });
  allowed.cfnOptions.condition = props.params.hasAllowedTopics;
}
