import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Match } from 'aws-cdk-lib/assertions';
import { tableDefinitions } from '../../src/adapters/dynamo/tables.js';
import { tableNames } from '../../src/domain/config.js';
import { logicalId, resourcesOf, synth } from './support.js';

const s = synth();
const t = s.template;
const keyId = logicalId(s, s.stack.node.findChild('Encryption').node.findChild('Key'));
const keyArn = { 'Fn::GetAtt': [keyId, 'Arn'] };
const archiveId = logicalId(s, s.stack.storage.archiveBucket);
const restoreId = logicalId(s, s.stack.storage.restoreBucket);
const logsId = logicalId(s, s.stack.storage.accessLogsBucket);

describe('KMS key', () => {
  it('rotates yearly and is retained', () => {
    t.hasResource('AWS::KMS::Key', { Properties: { EnableKeyRotation: true }, DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });
  it('lets only CloudWatch and EventBridge of this account use it for the encrypted topic and queues', () => {
    t.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: ['cloudwatch.amazonaws.com', 'events.amazonaws.com'] },
            Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ]),
      },
    });
  });
});

describe('buckets', () => {
  const buckets = resourcesOf(t, 'AWS::S3::Bucket');

  it('all three block public access, disable ACLs and are retained', () => {
    assert.deepEqual(Object.keys(buckets).sort(), [archiveId, logsId, restoreId].sort());
    for (const [id, b] of Object.entries(buckets)) {
      assert.deepEqual(
        b.Properties?.PublicAccessBlockConfiguration,
        { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        id,
      );
      assert.deepEqual(b.Properties?.OwnershipControls, { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] }, id);
      assert.equal(b.DeletionPolicy, 'Retain', id);
    }
  });

  it('all three deny requests without TLS (and TLS below 1.2) in their bucket policy', () => {
    for (const id of [archiveId, restoreId, logsId]) {
      t.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: id },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Principal: { AWS: '*' }, Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            Match.objectLike({ Effect: 'Deny', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
          ]),
        },
      });
    }
  });

  it('archive: versioned, SSE-KMS with the stack key and bucket keys, access logs, EventBridge, aborts uploads', () => {
    t.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          { BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyArn } },
        ],
      },
      LoggingConfiguration: { DestinationBucketName: { Ref: logsId }, LogFilePrefix: 'archive/' },
      NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
      LifecycleConfiguration: {
        Rules: [Match.objectLike({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: { Ref: 'AbortIncompleteUploadDays' } }, Status: 'Enabled' })],
      },
    });
  });

  it('archive: Object Lock default retention only when ObjectLockRetentionDays > 0', () => {
    const archive = buckets[archiveId]!.Properties!;
    assert.deepEqual(archive.ObjectLockEnabled, { 'Fn::If': ['HasObjectLock', true, { Ref: 'AWS::NoValue' }] });
    assert.deepEqual(archive.ObjectLockConfiguration, {
      'Fn::If': [
        'HasObjectLock',
        { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: { Ref: 'ObjectLockMode' }, Days: { Ref: 'ObjectLockRetentionDays' } } } },
        { Ref: 'AWS::NoValue' },
      ],
    });
    t.hasCondition('HasObjectLock', { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'ObjectLockRetentionDays' }, '0'] }] });
  });

  it('restore: SSE-KMS, restored copies under restores/ expire after RestoreExpiryDays', () => {
    const restore = buckets[restoreId]!.Properties!;
    assert.equal((restore.BucketEncryption as { ServerSideEncryptionConfiguration: Array<{ ServerSideEncryptionByDefault: { SSEAlgorithm: string } }> })
      .ServerSideEncryptionConfiguration[0]!.ServerSideEncryptionByDefault.SSEAlgorithm, 'aws:kms');
    t.hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: { DestinationBucketName: { Ref: logsId }, LogFilePrefix: 'restore/' },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ Prefix: 'restores/', ExpirationInDays: { Ref: 'RestoreExpiryDays' }, Status: 'Enabled' }),
        ]),
      },
    });
  });

  it('access logs: SSE-S3 (log delivery cannot use SSE-KMS), delivery granted by bucket policy to the logging service', () => {
    const logs = buckets[logsId]!.Properties!;
    assert.deepEqual(logs.BucketEncryption, { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] });
    t.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logsId },
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'logging.s3.amazonaws.com' }, Action: 's3:PutObject' })]) },
    });
  });
});

describe('DynamoDB tables', () => {
  const tables = Object.values(resourcesOf(t, 'AWS::DynamoDB::Table'));

  it('match tableDefinitions of src/adapters/dynamo/tables.ts (keys, GSIs, projections)', () => {
    const defs = tableDefinitions(tableNames('coldpack-'));
    assert.equal(tables.length, defs.length);
    for (const def of defs) {
      const table = tables.find((x) => x.Properties?.TableName === def.TableName);
      assert.ok(table, `table ${def.TableName}`);
      const p = table.Properties!;
      assert.deepEqual(p.KeySchema, def.KeySchema);
      const sortByName = (a: { AttributeName?: string }, b: { AttributeName?: string }) => String(a.AttributeName).localeCompare(String(b.AttributeName));
      assert.deepEqual([...(p.AttributeDefinitions as [])].sort(sortByName), [...def.AttributeDefinitions!].sort(sortByName));
      assert.deepEqual(
        p.GlobalSecondaryIndexes ?? [],
        (def.GlobalSecondaryIndexes ?? []).map((g) => ({ IndexName: g.IndexName, KeySchema: g.KeySchema, Projection: g.Projection })),
      );
    }
  });

  it('each: on-demand, PITR, SSE with the customer-managed key, deletion protection, retained', () => {
    for (const table of tables) {
      const name = String(table.Properties?.TableName);
      assert.equal(table.Properties?.BillingMode, 'PAY_PER_REQUEST', name);
      assert.deepEqual(table.Properties?.PointInTimeRecoverySpecification, { PointInTimeRecoveryEnabled: true }, name);
      assert.deepEqual(table.Properties?.SSESpecification, { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: keyArn }, name);
      assert.equal(table.Properties?.DeletionProtectionEnabled, true, name);
      assert.equal(table.DeletionPolicy, 'Retain', name);
    }
  });
});

describe('SNS topic', () => {
  it('is encrypted with the stack key and denies publishing without TLS', () => {
    t.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: keyArn });
    t.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
  });

  it('subscribes the NotificationEmail parameter only when it is not empty', () => {
    t.hasResource('AWS::SNS::Subscription', {
      Properties: { Protocol: 'email', Endpoint: { Ref: 'NotificationEmail' } },
      Condition: Match.stringLikeRegexp('HasEmail'),
    });
  });
});

describe('dead-letter queues', () => {
  it('are KMS-encrypted, TLS-only and keep messages 14 days', () => {
    const queues = resourcesOf(t, 'AWS::SQS::Queue');
    assert.equal(Object.keys(queues).length, 3);
    for (const [id, q] of Object.entries(queues)) {
      assert.deepEqual(q.Properties?.KmsMasterKeyId, keyArn, id);
      assert.equal(q.Properties?.MessageRetentionPeriod, 1_209_600, id);
      t.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id }],
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
      });
    }
  });
});

describe('log groups', () => {
  it('all have a retention', () => {
    const groups = resourcesOf(t, 'AWS::Logs::LogGroup');
    assert.ok(Object.keys(groups).length >= 6);
    for (const [id, g] of Object.entries(groups)) assert.equal(g.Properties?.RetentionInDays, 90, id);
  });
});
