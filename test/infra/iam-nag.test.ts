import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { NETWORK_CONTEXTS, synth } from './support.js';

const s = synth();
const resources = s.template.toJSON().Resources as Record<string, { Type: string; Properties?: Record<string, unknown> }>;

interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
  Principal?: unknown;
  Condition?: unknown;
}
interface Found {
  readonly where: string;
  readonly type: string;
  readonly statement: Statement;
}

/** Every policy document of the template: identity, trust, and resource policies. */
function statements(): Found[] {
  const out: Found[] = [];
  const add = (where: string, type: string, doc: unknown) => {
    const stmts = (doc as { Statement?: Statement[] } | undefined)?.Statement ?? [];
    for (const statement of stmts) out.push({ where, type, statement });
  };
  for (const [id, r] of Object.entries(resources)) {
    const p = r.Properties ?? {};
    switch (r.Type) {
      case 'AWS::IAM::Policy':
      case 'AWS::IAM::ManagedPolicy':
      case 'AWS::S3::BucketPolicy':
      case 'AWS::SNS::TopicPolicy':
      case 'AWS::SQS::QueuePolicy':
        add(id, r.Type, p.PolicyDocument);
        break;
      case 'AWS::IAM::Role':
        add(id, r.Type, p.AssumeRolePolicyDocument);
        for (const inline of (p.Policies as Array<{ PolicyDocument: unknown }> | undefined) ?? []) add(id, r.Type, inline.PolicyDocument);
        break;
      case 'AWS::KMS::Key':
        add(id, r.Type, p.KeyPolicy);
        break;
    }
  }
  return out;
}

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

/**
 * Justified exceptions. Wildcard ACTIONS: Deny statements (TLS-only bucket, topic and queue
 * policies deny `s3:*`, `sqs:*` over plain HTTP), and in Allow statements only the KMS default key-policy statement that lets the
 * account (IAM) administer the key; without it the key can become unmanageable
 * (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam).
 * Resource "*": in a key policy it means "this key"; ecr:GetAuthorizationToken has no resource-level
 * permissions (https://docs.aws.amazon.com/AmazonECR/latest/userguide/security_iam_id-based-policy-examples.html).
 */
const STAR_RESOURCE_ACTIONS = ['ecr:GetAuthorizationToken'];
function wildcardActionAllowed(f: Found, action: string): boolean {
  // A Deny only restricts: `s3:*` / `sqs:*` in the TLS-only statements are as broad as they must be.
  if (f.statement.Effect === 'Deny') return true;
  return f.type === 'AWS::KMS::Key' && action === 'kms:*' && JSON.stringify(f.statement.Principal).includes(':root');
}
function starResourceAllowed(f: Found): boolean {
  if (f.type === 'AWS::KMS::Key') return true;
  const actions = list(f.statement.Action);
  return actions.length > 0 && actions.every((a) => STAR_RESOURCE_ACTIONS.includes(String(a)));
}

/**
 * Service principals whose roles cannot carry a confused-deputy condition: Lambda execution roles
 * (Lambda assumes them for the function itself; AWS documents no source keys for them).
 */
const NO_SOURCE_KEYS = ['lambda.amazonaws.com'];
function trustProblems(f: Found): string[] {
  const services = [(f.statement.Principal as { Service?: unknown } | undefined)?.Service].flat().map(String);
  if (services.every((svc) => NO_SOURCE_KEYS.includes(svc))) return [];
  const cond = JSON.stringify(f.statement.Condition ?? {});
  return /"aws:SourceAccount":\{"Ref":"AWS::AccountId"\}|"aws:SourceArn"/.test(cond)
    ? []
    : [`${f.where}: ${services.join(',')} without aws:SourceAccount/SourceArn`];
}

/** Actions no coldpack role needs on its data, whatever the resource. */
const DANGEROUS = [
  /^s3:(DeleteObjectVersion|DeleteBucket|PutBucket|DeleteBucketPolicy|PutLifecycleConfiguration|PutEncryptionConfiguration|PutReplicationConfiguration|PutObjectAcl|PutObjectVersionAcl|PutObjectRetention|PutObjectLegalHold|BypassGovernanceRetention|PutBucketObjectLockConfiguration)/,
  /^dynamodb:(DeleteTable|UpdateTable|CreateTable|DeleteBackup|RestoreTable|UpdateContinuousBackups|PutResourcePolicy|DeleteResourcePolicy|ImportTable|ExportTableToPointInTime|UpdateTimeToLive|PartiQL)/,
  /^kms:(Encrypt|ReEncrypt|CreateGrant|RevokeGrant|RetireGrant|PutKeyPolicy|ScheduleKeyDeletion|DisableKey|DisableKeyRotation|Delete|Update|ImportKeyMaterial|GenerateDataKeyWithoutPlaintext)/,
  /^iam:(?!PassRole$)/,
];
function dangerousActions(f: Found): string[] {
  if (f.statement.Effect !== 'Allow') return [];
  const resources = JSON.stringify(f.statement.Resource ?? null);
  return list(f.statement.Action)
    .map(String)
    .filter((a) => DANGEROUS.some((re) => re.test(a)) || (a.startsWith('s3:DeleteObject') && /Storage(Archive|Restore|AccessLogs)/.test(resources)))
    .map((a) => `${f.where}: ${a} on ${resources}`);
}

/** Resource patterns that reach beyond the stack's own buckets, tables and key. */
const WIDE = [/:s3:::\*/, /:s3:::"\]\]\}?,?"?\*/, /:table\/\*/, /:key\/\*/, /:\*:key/, /"arn:\*/, /:iam::\*/];
function wideResources(f: Found): string[] {
  if (f.statement.Effect !== 'Allow' || f.type === 'AWS::KMS::Key') return [];
  return list(f.statement.Resource)
    .map((r) => (typeof r === 'string' ? r : JSON.stringify(r)))
    .filter((r) => r !== '*' && WIDE.some((re) => re.test(r)))
    .map((r) => `${f.where}: ${r}`);
}

describe('IAM policies', () => {
  const found = statements();

  it('finds the policies to check', () => {
    assert.ok(found.length > 40, `only ${found.length} statements found`);
    assert.ok(found.some((f) => f.type === 'AWS::KMS::Key') && found.some((f) => f.type === 'AWS::S3::BucketPolicy'));
  });

  it('no NotAction / NotResource in Allow statements', () => {
    for (const f of found) {
      if (f.statement.Effect !== 'Allow') continue;
      assert.equal(f.statement.NotAction, undefined, f.where);
      assert.equal(f.statement.NotResource, undefined, f.where);
    }
  });

  it('no action with "*" except the justified key-policy statement', () => {
    const bad = found.flatMap((f) =>
      list(f.statement.Action)
        .filter((a): a is string => typeof a === 'string' && a.includes('*') && !wildcardActionAllowed(f, a))
        .map((a) => `${f.where}: ${a}`),
    );
    assert.deepEqual(bad, []);
  });

  it('Resource "*" is granted for exactly ecr:GetAuthorizationToken (image pulls)', () => {
    const star = found.filter((f) => f.type !== 'AWS::KMS::Key' && f.statement.Effect === 'Allow' && list(f.statement.Resource).includes('*'));
    assert.deepEqual(star.map((f) => list(f.statement.Action).join(',')).sort(), ['ecr:GetAuthorizationToken']);
  });

  it('no Allow on Resource "*" except where the service requires it', () => {
    const bad = found
      .filter((f) => f.statement.Effect === 'Allow' && list(f.statement.Resource).includes('*') && !starResourceAllowed(f))
      .map((f) => `${f.where}: ${JSON.stringify(f.statement.Action)}`);
    assert.deepEqual(bad, []);
  });

  it('no resource policy allows any principal ("*") to do anything', () => {
    const bad = found.filter((f) => f.statement.Effect === 'Allow' && JSON.stringify(f.statement.Principal ?? null).includes('"*"'));
    assert.deepEqual(
      bad.map((f) => f.where),
      [],
    );
  });

  it("attaches no managed policy except the account-level API Gateway logging role's and CDK's default-security-group cleaner's logging", () => {
    const managed = Object.entries(resources)
      .filter(([, r]) => r.Type === 'AWS::IAM::Role')
      .flatMap(([id, r]) => list(r.Properties?.ManagedPolicyArns).map((arn) => `${id}: ${JSON.stringify(arn)}`))
      .sort();
    assert.equal(managed.length, 2, managed.join('\n'));
    assert.match(
      managed.find((m) => m.startsWith('Api'))!,
      /AmazonAPIGatewayPushToCloudWatchLogs/,
    );
    assert.match(
      managed.find((m) => m.startsWith('CustomVpcRestrictDefaultSG'))!,
      /service-role\/AWSLambdaBasicExecutionRole"/,
    );
  });

  it('every service trust policy is limited to this account or a named source (confused deputy); Scheduler roles to their schedule', () => {
    const trusts = found.filter((f) => f.type === 'AWS::IAM::Role' && JSON.stringify(f.statement.Principal ?? null).includes('"Service"'));
    assert.ok(trusts.length >= 13, `${trusts.length} trust statements`);
    assert.deepEqual(
      trusts.flatMap((f) => trustProblems(f)),
      [],
    );
    const scheduler = trusts.filter((f) => JSON.stringify(f.statement.Principal).includes('scheduler.amazonaws.com'));
    assert.equal(scheduler.length, 2);
    for (const f of scheduler)
      assert.match(JSON.stringify(f.statement.Condition), /"aws:SourceArn":\{"Fn::Join":\["",\["arn:",.*":schedule\/default\/"/, f.where);
  });

  it('no Allow of a dangerous action (bucket/table/key administration, deleting versions or archive objects) for any role', () => {
    assert.deepEqual(
      found.filter((f) => f.type !== 'AWS::KMS::Key').flatMap((f) => dangerousActions(f)),
      [],
    );
  });

  it('no wildcard resource that spans buckets, tables, keys or accounts', () => {
    assert.deepEqual(
      found.flatMap((f) => wideResources(f)),
      [],
    );
  });

  it('the checks above catch what they are meant to (fixtures)', () => {
    const f = (statement: Partial<Statement>, type = 'AWS::IAM::Policy'): Found => ({ where: 'fixture', type, statement: { Effect: 'Allow', ...statement } });
    assert.equal(wideResources(f({ Action: 's3:GetObject', Resource: 'arn:aws:s3:::*' })).length, 1);
    assert.equal(wideResources(f({ Action: 's3:GetObject', Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::*/*']] } })).length, 1);
    assert.equal(wideResources(f({ Action: 'dynamodb:GetItem', Resource: 'arn:aws:dynamodb:us-east-1:123456789012:table/*' })).length, 1);
    assert.equal(wideResources(f({ Action: 'kms:Decrypt', Resource: 'arn:aws:kms:us-east-1:*:key/*' })).length, 1);
    assert.equal(wideResources(f({ Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/restores/*' })).length, 0);
    for (const a of [
      's3:PutBucketPolicy',
      's3:DeleteObjectVersion',
      's3:PutLifecycleConfiguration',
      'dynamodb:DeleteTable',
      'kms:ScheduleKeyDeletion',
      'kms:Encrypt',
      's3:BypassGovernanceRetention',
    ]) {
      assert.equal(dangerousActions(f({ Action: a, Resource: 'x' })).length, 1, a);
    }
    assert.equal(dangerousActions(f({ Action: 's3:DeleteObject', Resource: { 'Fn::GetAtt': ['StorageArchiveX', 'Arn'] } })).length, 1);
    assert.equal(trustProblems(f({ Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }, 'AWS::IAM::Role')).length, 1);
    assert.equal(trustProblems(f({ Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }, 'AWS::IAM::Role')).length, 0);
  });

  it('only the finalize task may delete source objects; nobody may delete bundles', () => {
    const deleters = found.filter((f) => list(f.statement.Action).some((a) => String(a).startsWith('s3:Delete')) && f.statement.Effect === 'Allow');
    assert.deepEqual(
      deleters.map((f) => f.where),
      [s.stack.getLogicalId(s.stack.compute.taskRoles.finalize.node.findChild('DefaultPolicy').node.defaultChild as never)],
    );
    assert.equal(JSON.stringify(deleters[0]!.statement.Resource).includes('SourceBucketNames'), true);
  });
});

for (const [mode, context] of Object.entries(NETWORK_CONTEXTS)) {
  describe(`cdk-nag AwsSolutions, network ${mode}`, () => {
    const app = synth(context).app;
    const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(app);

    it('has zero unacknowledged errors', () => {
      const errors = report.violations.filter((v) => v.severity === 'error' || v.severity === 'fatal');
      assert.deepEqual(
        errors.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`),
        [],
      );
    });

    it('has zero unacknowledged warnings', () => {
      assert.deepEqual(
        report.violations.map((v) => v.ruleName),
        [],
      );
    });

    it('every acknowledgement states a reason of at least a sentence', () => {
      const key = Validations.ACKNOWLEDGED_RULES_METADATA_KEY;
      let count = 0;
      for (const c of app.node.findAll()) {
        for (const entry of c.node.metadata) {
          if (entry.type !== key) continue;
          for (const [id, reason] of Object.entries(entry.data as Record<string, unknown>)) {
            count += 1;
            assert.ok(typeof reason === 'string' && reason.length >= 40, `${c.node.path} ${id}: ${JSON.stringify(reason)}`);
          }
        }
      }
      assert.ok(count > 0);
    });
  });
}

describe('who may submit which Batch jobs', () => {
  const submitters = (definition: 'plan' | 'shard' | 'finalize') => {
    const defId = s.stack.getLogicalId(s.stack.compute.jobDefinitions[definition]);
    return statements()
      .filter((f) => list(f.statement.Action).includes('batch:SubmitJob') && JSON.stringify(f.statement.Resource).includes(`"${defId}"`))
      .map((f) => f.where.replace(/[A-F0-9]{8}$/, ''))
      .sort();
  };

  it('plan: the API and the monthly schedule; shard and finalize: the Batch job-state handler only (no task); nothing else submits', () => {
    assert.deepEqual(submitters('plan'), ['ApiHandlerRoleDefaultPolicy', 'SchedulesMonthlyRoleDefaultPolicy']);
    assert.deepEqual(submitters('shard'), ['JobChainHandlerRoleDefaultPolicy']);
    assert.deepEqual(submitters('finalize'), ['JobChainHandlerRoleDefaultPolicy']);
  });
});

describe('who may invoke which function', () => {
  it('lambda:InvokeFunction: the API on exactly the reconcile function; no other Lambda or task role invokes anything', () => {
    const reconcileFnId = s.stack.getLogicalId(s.stack.schedules.reconcile.fn.node.defaultChild as never);
    const invokes = statements().filter((f) => f.type === 'AWS::IAM::Policy' && list(f.statement.Action).some((a) => String(a).startsWith('lambda:')));
    // Besides the EventBridge Scheduler roles (each invokes its own function; checked in schedule-alarms.test.ts).
    const schedulerRole = /^Schedules(Monthly|Reconcile)ScheduleRole/;
    const byRole = invokes
      .filter((f) => !schedulerRole.test(f.where))
      .map((f) => [f.where.replace(/[A-F0-9]{8}$/, ''), f.statement.Action, f.statement.Resource]);
    assert.deepEqual(byRole, [['ApiHandlerRoleDefaultPolicy', 'lambda:InvokeFunction', { 'Fn::GetAtt': [reconcileFnId, 'Arn'] }]]);
  });
});

describe('restore bucket access', () => {
  it('only restore extraction (restore-event, reconciler) may write restored copies, under restores/ only', () => {
    const restoreId = s.stack.getLogicalId(s.stack.storage.restoreBucket.node.defaultChild as never);
    const writers = statements().filter(
      (f) => f.statement.Effect === 'Allow' && list(f.statement.Action).includes('s3:PutObject') && JSON.stringify(f.statement.Resource).includes(restoreId),
    );
    assert.deepEqual(writers.map((f) => f.where.replace(/[A-F0-9]{8}$/, '')).sort(), [
      'SchedulesReconcileRoleDefaultPolicy',
      'SchedulesRestoreEventRoleDefaultPolicy',
    ]);
    for (const f of writers) assert.match(JSON.stringify(f.statement.Resource), /"\/restores\/\*"/);
  });
});

/** Policy name (logical id without hash) -> statements. */
function byPolicy(): Map<string, Statement[]> {
  const out = new Map<string, Statement[]>();
  for (const f of statements()) {
    if (f.type !== 'AWS::IAM::Policy' || f.statement.Effect !== 'Allow') continue;
    const name = f.where.replace(/[A-F0-9]{8}$/, '');
    out.set(name, [...(out.get(name) ?? []), f.statement]);
  }
  return out;
}
const POLICIES = {
  api: 'ApiHandlerRoleDefaultPolicy',
  monthly: 'SchedulesMonthlyRoleDefaultPolicy',
  reconcile: 'SchedulesReconcileRoleDefaultPolicy',
  restoreEvent: 'SchedulesRestoreEventRoleDefaultPolicy',
  plan: 'ComputePlanTaskRoleDefaultPolicy',
  shard: 'ComputeShardTaskRoleDefaultPolicy',
  finalize: 'ComputeFinalizeTaskRoleDefaultPolicy',
  jobChain: 'JobChainHandlerRoleDefaultPolicy',
} as const;

describe('archive bucket writes, per role', () => {
  const archiveId = s.stack.getLogicalId(s.stack.storage.archiveBucket.node.defaultChild as never);
  /** Key prefixes of the archive bucket a role may write (PutObject), e.g. `bundles/*`. */
  const writes = (policy: string) =>
    (byPolicy().get(policy) ?? [])
      .filter((st) => list(st.Action).some((a) => String(a).startsWith('s3:Put')))
      .flatMap((st) => list(st.Resource).map((r) => JSON.stringify(r)))
      .filter((r) => r.includes(`"${archiveId}"`))
      .map((r) => r.match(/"\/([^"]*)"\]\]\}$/)?.[1] ?? r)
      .sort();

  it('shard: bundles/ and manifests/; plan: plans/; finalize: reports/; nobody else', () => {
    assert.deepEqual(writes(POLICIES.shard), ['bundles/*', 'manifests/*']);
    assert.deepEqual(writes(POLICIES.plan), ['plans/*']);
    assert.deepEqual(writes(POLICIES.finalize), ['reports/*']);
    for (const p of [POLICIES.api, POLICIES.monthly, POLICIES.reconcile, POLICIES.restoreEvent, POLICIES.jobChain]) assert.deepEqual(writes(p), [], p);
  });

  it('the API and the monthly schedule write no bucket at all; the monthly schedule does not touch the archive', () => {
    for (const p of [POLICIES.api, POLICIES.monthly]) {
      const putters = (byPolicy().get(p) ?? []).filter((st) => list(st.Action).some((a) => /^s3:(Put|Delete|AbortMultipart)/.test(String(a))));
      assert.deepEqual(
        putters.map((st) => st.Sid),
        [],
        p,
      );
    }
    const monthly = JSON.stringify(byPolicy().get(POLICIES.monthly));
    assert.equal(monthly.includes(`"${archiveId}"`), false);
  });
});

describe('source buckets', () => {
  it('every statement on a source bucket carries s3:ResourceAccount (SourceBucketAccountIds, default this account)', () => {
    const onSources = statements().filter((f) => f.type === 'AWS::IAM::Policy' && JSON.stringify(f.statement.Resource).includes('SourceBucketNames'));
    assert.ok(onSources.length >= 10, `${onSources.length}`);
    for (const f of onSources) {
      assert.deepEqual(
        f.statement.Condition,
        { StringEquals: { 's3:ResourceAccount': { 'Fn::If': ['HasSourceBucketAccounts', { Ref: 'SourceBucketAccountIds' }, [{ Ref: 'AWS::AccountId' }]] } } },
        `${f.where} ${String(f.statement.Sid)}`,
      );
    }
  });
});

describe('Batch job tagging', () => {
  it('batch:TagResource only with coldpack tag keys', () => {
    const tagging = statements().filter((f) => list(f.statement.Action).includes('batch:TagResource'));
    assert.ok(tagging.length >= 3);
    for (const f of tagging) {
      assert.deepEqual(f.statement.Condition, { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['coldpack:job'] } }, f.where);
    }
  });
});

describe('table access, per role', () => {
  /** Logical ids of the tables the stack has (no files table in the default compact catalog). */
  const idsOf = (x: typeof s) =>
    Object.fromEntries(
      (['jobs', 'files', 'bundles'] as const).flatMap((k) => {
        const t = x.stack.state.tables[k];
        return t ? [[k, x.stack.getLogicalId(t.node.defaultChild as never)]] : [];
      }),
    ) as Partial<Record<'jobs' | 'files' | 'bundles', string>>;
  const tableIds = idsOf(s);
  /** `table: write,write` for every table a role may write (reads not listed), plus `table: read` for read-only access. */
  const access = (policy: string) => {
    const out: string[] = [];
    for (const [table, id] of Object.entries(tableIds)) {
      const sts = (byPolicy().get(policy) ?? []).filter((st) => JSON.stringify(st.Resource).includes(`"${id}"`));
      if (sts.length === 0) continue;
      const writes = [...new Set(sts.flatMap((st) => list(st.Action).map(String)).filter((a) => /^dynamodb:(Put|Update|Delete|BatchWrite)/.test(a)))].sort();
      out.push(`${table}: ${writes.length ? writes.map((a) => a.slice('dynamodb:'.length)).join(',') : 'read'}`);
    }
    return out;
  };
  const archiveJobs = 'jobs: DeleteItem,PutItem,UpdateItem';
  const restoreRole = ['jobs: BatchWriteItem,DeleteItem,PutItem,UpdateItem', 'bundles: UpdateItem'];

  it('archive steps write jobs (scopes included); shard writes the bundles (directory entries); finalize bundles; no files table', () => {
    assert.equal(tableIds.files, undefined, 'the compact catalog has no per-file table');
    assert.deepEqual(access(POLICIES.plan), [archiveJobs, 'bundles: read']);
    assert.deepEqual(access(POLICIES.shard), [archiveJobs, 'bundles: PutItem,UpdateItem']);
    assert.deepEqual(access(POLICIES.finalize), [archiveJobs, 'bundles: PutItem,UpdateItem']);
    assert.deepEqual(access(POLICIES.monthly), [archiveJobs]);
    assert.deepEqual(access(POLICIES.jobChain), ['jobs: UpdateItem']); // reads the job, records the submitted Batch job ids
  });

  it('only Lambda functions publish to SNS: no Batch task role has sns:Publish (the tasks have no route to SNS)', () => {
    const publishers = [...byPolicy()]
      .filter(([, sts]) => sts.some((st) => list(st.Action).includes('sns:Publish')))
      .map(([name]) => name)
      .sort();
    // AllowedTopicsPublish: the caller-named topics policy on the API, reconciler and restore-event roles (not the restore task's any more)
    assert.deepEqual(publishers, ['AllowedTopicsPublish', POLICIES.api, POLICIES.jobChain, POLICIES.monthly, POLICIES.reconcile, POLICIES.restoreEvent].sort());
    const allowed = Object.values(resources).find((r) => r.Type === 'AWS::IAM::Policy' && r.Properties?.PolicyName === 'coldpack-allowed-topics-publish');
    assert.equal(JSON.stringify(allowed?.Properties?.Roles).includes('ComputeRestoreTaskRole'), false);
  });

  it('restore roles (API, reconciler, restore-event) write restore items and bundle restore state, read the directory', () => {
    for (const p of [POLICIES.api, POLICIES.reconcile, POLICIES.restoreEvent]) assert.deepEqual(access(p), restoreRole, p);
  });

  it('catalog=per_file: the files table (Standard-IA, keys-only name GSI, no PITR); shard writes it, restore roles read it', () => {
    const pf = synth({ catalog: 'per_file' });
    const ids = idsOf(pf);
    const files = pf.template.toJSON().Resources[ids.files!] as { Properties: Record<string, unknown> };
    assert.equal(files.Properties.TableClass, 'STANDARD_INFREQUENT_ACCESS');
    assert.deepEqual(files.Properties.PointInTimeRecoverySpecification, { PointInTimeRecoveryEnabled: false });
    assert.deepEqual(
      (files.Properties.GlobalSecondaryIndexes as Array<{ Projection: unknown }>).map((g) => g.Projection),
      [{ ProjectionType: 'KEYS_ONLY' }],
    );
    type Policy = { Type: string; Properties?: { PolicyDocument?: { Statement: Array<{ Action: unknown; Resource: unknown }> } } };
    const statements = Object.values(pf.template.toJSON().Resources as Record<string, Policy>)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .flatMap((r) => r.Properties?.PolicyDocument?.Statement ?? []);
    const onFiles = statements.filter((st) => JSON.stringify(st.Resource).includes(`"${ids.files}"`));
    assert.ok(
      onFiles.some((st) => list(st.Action).includes('dynamodb:BatchWriteItem')),
      'the shard task writes the index',
    );
    assert.ok(onFiles.length >= 4, 'the restore roles read it too');
  });
});
