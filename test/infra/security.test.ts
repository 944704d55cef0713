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
  it('lets only CloudWatch alarms and EventBridge rules of this account use it for the encrypted topic and queues', () => {
    const key = Object.values(resourcesOf(t, 'AWS::KMS::Key'))[0]!;
    const services = (key.Properties!.KeyPolicy as { Statement: Array<Record<string, unknown>> }).Statement.filter((st) =>
      JSON.stringify(st.Principal).includes('Service'),
    );
    assert.deepEqual(services.map((st) => (st.Principal as { Service: string }).Service).sort(), ['cloudwatch.amazonaws.com', 'events.amazonaws.com']);
    for (const st of services) {
      const svc = String((st.Principal as { Service: string }).Service).split('.')[0]!;
      assert.deepEqual(st.Action, ['kms:GenerateDataKey', 'kms:Decrypt']);
      const cond = st.Condition as { StringEquals: unknown; ArnLike: { 'aws:SourceArn': unknown } };
      assert.deepEqual(cond.StringEquals, { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } });
      const arn = JSON.stringify(cond.ArnLike['aws:SourceArn']);
      assert.match(arn, new RegExp(`:${svc}:`), svc);
      assert.match(arn, svc === 'cloudwatch' ? /:alarm:\*"/ : /:rule\/\*"/, svc);
    }
  });

  it('roles use it only for data keys through S3, DynamoDB, SNS, SQS or Lambda of the region (kms:ViaService), never kms:Encrypt', () => {
    let checked = 0;
    for (const [id, pol] of Object.entries(resourcesOf(t, 'AWS::IAM::Policy'))) {
      for (const st of (pol.Properties!.PolicyDocument as { Statement: Array<Record<string, unknown>> }).Statement) {
        const actions = [st.Action]
          .flat()
          .map(String)
          .filter((a) => a.startsWith('kms:'));
        if (actions.length === 0) continue;
        checked += 1;
        assert.deepEqual(
          actions.filter((a) => !['kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'].includes(a)),
          [],
          id,
        );
        const via = JSON.stringify((st.Condition as { StringEquals?: Record<string, unknown> } | undefined)?.StringEquals?.['kms:ViaService']);
        assert.ok(via, `${id} ${String(st.Sid)} has no kms:ViaService`);
        for (const svc of via.match(/"[a-z0-9]+\.",\{"Ref":"AWS::Region"/g) ?? []) assert.match(svc, /"(s3|dynamodb|sns|sqs|lambda)\./, id);
        assert.doesNotMatch(via, /"kms:ViaService"|\*/, id);
      }
    }
    assert.ok(checked >= 12, `only ${checked} KMS statements`);
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

  it('all three deny every S3 action on the bucket and its objects without TLS (and TLS below 1.2)', () => {
    const everything = (id: string) => [{ 'Fn::GetAtt': [id, 'Arn'] }, { 'Fn::Join': ['', [{ 'Fn::GetAtt': [id, 'Arn'] }, '/*']] }];
    for (const id of [archiveId, restoreId, logsId]) {
      t.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: id },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Principal: { AWS: '*' },
              Action: 's3:*',
              Resource: everything(id),
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
            Match.objectLike({
              Effect: 'Deny',
              Principal: { AWS: '*' },
              Action: 's3:*',
              Resource: everything(id),
              Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } },
            }),
          ]),
        },
      });
    }
  });

  it('archive: only the break-glass principal (default the account root) and the CDK deploy role may delete versions or change policy, versioning, lifecycle', () => {
    const policy = Object.values(resourcesOf(t, 'AWS::S3::BucketPolicy')).find(
      (p) => JSON.stringify(p.Properties!.Bucket) === JSON.stringify({ Ref: archiveId }),
    )!;
    const deny = (policy.Properties!.PolicyDocument as { Statement: Array<Record<string, unknown>> }).Statement.find((st) =>
      [st.Action].flat().includes('s3:PutBucketPolicy'),
    );
    assert.ok(deny, 'no guard-rail statement');
    assert.equal(deny.Effect, 'Deny');
    assert.deepEqual(deny.Principal, { AWS: '*' });
    for (const a of ['s3:DeleteObjectVersion', 's3:PutLifecycleConfiguration', 's3:PutBucketVersioning', 's3:PutBucketPolicy']) {
      assert.ok([deny.Action].flat().includes(a), a);
    }
    assert.deepEqual(deny.Resource, [{ 'Fn::GetAtt': [archiveId, 'Arn'] }, { 'Fn::Join': ['', [{ 'Fn::GetAtt': [archiveId, 'Arn'] }, '/*']] }]);
    const exempt = JSON.stringify((deny.Condition as { ArnNotLike: Record<string, unknown> }).ArnNotLike['aws:PrincipalArn']);
    assert.match(exempt, /"Fn::If":\["HasBreakGlassPrincipal",\{"Ref":"BreakGlassPrincipalArn"\}/);
    assert.match(exempt, /":root"/);
    assert.match(exempt, /:role\/cdk-hnb659fds-cfn-exec-role-/, 'the deploy role must keep updating the bucket');
    t.hasParameter('BreakGlassPrincipalArn', { Default: '' });
  });

  it('access logs keep overwritten or deleted versions at least 90 days', () => {
    const rules = (buckets[logsId]!.Properties!.LifecycleConfiguration as { Rules: Array<{ NoncurrentVersionExpiration?: { NoncurrentDays: number } }> }).Rules;
    assert.ok(
      rules.every((r) => (r.NoncurrentVersionExpiration?.NoncurrentDays ?? Infinity) >= 90),
      JSON.stringify(rules),
    );
  });

  it('archive: versioned, SSE-KMS with the stack key and bucket keys, access logs, EventBridge, aborts uploads, expires noncurrent versions', () => {
    t.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyArn } }],
      },
      LoggingConfiguration: { DestinationBucketName: { Ref: logsId }, LogFilePrefix: 'archive/' },
      NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
      LifecycleConfiguration: {
        Rules: [
          Match.objectLike({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: { Ref: 'AbortIncompleteUploadDays' } }, Status: 'Enabled' }),
          // issue 12 item 12: superseded bundle versions (rewrites after a crash) do not stay forever
          Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: 180 }, ExpiredObjectDeleteMarker: true, Status: 'Enabled' }),
        ],
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
    assert.equal(
      (restore.BucketEncryption as { ServerSideEncryptionConfiguration: Array<{ ServerSideEncryptionByDefault: { SSEAlgorithm: string } }> })
        .ServerSideEncryptionConfiguration[0]!.ServerSideEncryptionByDefault.SSEAlgorithm,
      'aws:kms',
    );
    t.hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: { DestinationBucketName: { Ref: logsId }, LogFilePrefix: 'restore/' },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([Match.objectLike({ Prefix: 'restores/', ExpirationInDays: { Ref: 'RestoreExpiryDays' }, Status: 'Enabled' })]),
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

describe('parameters that widen access', () => {
  const params = t.toJSON().Parameters as Record<string, { AllowedPattern?: string; Type: string; Default?: string }>;
  /** CloudFormation checks a CommaDelimitedList's pattern against every element. */
  const accepts = (name: string, value: string) =>
    params[name]!.Type === 'CommaDelimitedList'
      ? value.split(',').every((v) => new RegExp(params[name]!.AllowedPattern!).test(v))
      : new RegExp(params[name]!.AllowedPattern!).test(value);

  it('SourceBucketNames: bucket names only (no "*", no ARN)', () => {
    assert.equal(params.SourceBucketNames!.AllowedPattern, '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$');
    for (const ok of ['amazon-1234567890-us-east-1-src', 'abc', 'a.b-c,other-source-bucket']) assert.ok(accepts('SourceBucketNames', ok), ok);
    for (const bad of ['*', 'my-bucket,*', 'arn:aws:s3:::x', 'bucket/*', 'Upper', 'a*b', '']) assert.equal(accepts('SourceBucketNames', bad), false, bad);
  });

  it('AllowedTopicArns: topic ARNs or empty (no wildcards)', () => {
    assert.equal(params.AllowedTopicArns!.Default, '');
    for (const ok of [
      '',
      'arn:aws:sns:us-east-1:123456789012:alerts',
      'arn:aws-us-gov:sns:us-gov-west-1:123456789012:a_b-c.fifo,arn:aws:sns:eu-west-1:123456789012:x',
    ]) {
      assert.ok(accepts('AllowedTopicArns', ok), ok);
    }
    for (const bad of ['*', 'arn:aws:sns:*:*:*', 'arn:aws:sns:us-east-1:123456789012:*', 'arn:aws:sqs:us-east-1:123456789012:q']) {
      assert.equal(accepts('AllowedTopicArns', bad), false, bad);
    }
  });

  it('SourceBucketAccountIds and BreakGlassPrincipalArn: account ids / principal ARNs only', () => {
    assert.ok(accepts('SourceBucketAccountIds', '') && accepts('SourceBucketAccountIds', '123456789012,210987654321'));
    assert.equal(accepts('SourceBucketAccountIds', '*'), false);
    assert.ok(accepts('BreakGlassPrincipalArn', '') && accepts('BreakGlassPrincipalArn', 'arn:aws:iam::123456789012:role/BreakGlass'));
    assert.equal(accepts('BreakGlassPrincipalArn', '*'), false);
    assert.equal(accepts('BreakGlassPrincipalArn', 'arn:aws:iam::123456789012:role/*'), false);
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
    const topicId = Object.keys(resourcesOf(t, 'AWS::SNS::Topic'))[0]!;
    t.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topicId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Principal: Match.anyValue(),
            Action: 'sns:Publish',
            Resource: { Ref: topicId },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
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
    assert.equal(Object.keys(queues).length, 4); // monthly schedule, reconciler, restore event, Batch job-state handler
    for (const [id, q] of Object.entries(queues)) {
      assert.deepEqual(q.Properties?.KmsMasterKeyId, keyArn, id);
      assert.equal(q.Properties?.MessageRetentionPeriod, 1_209_600, id);
      t.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 'sqs:*',
              Resource: { 'Fn::GetAtt': [id, 'Arn'] },
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
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
