import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { synth } from './support.js';

const s = synth();
const resources = s.template.toJSON().Resources as Record<string, { Type: string; Properties?: Record<string, unknown> }>;

interface Statement {
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
 * permissions (https://docs.aws.amazon.com/AmazonECR/latest/userguide/security_iam_id-based-policy-examples.html),
 * nor has batch:DescribeJobs (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsbatch.html).
 */
const STAR_RESOURCE_ACTIONS = ['ecr:GetAuthorizationToken', 'batch:DescribeJobs'];
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

  it('Resource "*" is granted for exactly ecr:GetAuthorizationToken (image pulls) and batch:DescribeJobs (API status)', () => {
    const star = found.filter((f) => f.type !== 'AWS::KMS::Key' && f.statement.Effect === 'Allow' && list(f.statement.Resource).includes('*'));
    assert.deepEqual(star.map((f) => list(f.statement.Action).join(',')).sort(), ['batch:DescribeJobs', 'ecr:GetAuthorizationToken']);
  });

  it('no Allow on Resource "*" except where the service requires it', () => {
    const bad = found
      .filter((f) => f.statement.Effect === 'Allow' && list(f.statement.Resource).includes('*') && !starResourceAllowed(f))
      .map((f) => `${f.where}: ${JSON.stringify(f.statement.Action)}`);
    assert.deepEqual(bad, []);
  });

  it('no resource policy allows any principal ("*") to do anything', () => {
    const bad = found.filter((f) => f.statement.Effect === 'Allow' && JSON.stringify(f.statement.Principal ?? null).includes('"*"'));
    assert.deepEqual(bad.map((f) => f.where), []);
  });

  it('attaches no managed policy except the account-level API Gateway logging role\'s', () => {
    const managed = Object.entries(resources)
      .filter(([, r]) => r.Type === 'AWS::IAM::Role')
      .flatMap(([id, r]) => list(r.Properties?.ManagedPolicyArns).map((arn) => `${id}: ${JSON.stringify(arn)}`));
    assert.equal(managed.length, 1, managed.join('\n'));
    assert.match(managed[0]!, /AmazonAPIGatewayPushToCloudWatchLogs/);
  });

  it('service trust policies of the Batch task and Scheduler roles are limited to this account', () => {
    const trusts = found.filter((f) => f.type === 'AWS::IAM::Role' && JSON.stringify(f.statement.Principal).match(/scheduler|ecs-tasks/));
    const taskOrScheduler = trusts.filter((f) => !f.where.includes('ExecutionRole'));
    assert.ok(taskOrScheduler.length >= 5);
    for (const f of taskOrScheduler) {
      assert.deepEqual(f.statement.Condition, { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } }, f.where);
    }
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

describe('cdk-nag AwsSolutions', () => {
  const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(s.app);

  it('has zero unacknowledged errors', () => {
    const errors = report.violations.filter((v) => v.severity === 'error' || v.severity === 'fatal');
    assert.deepEqual(
      errors.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`),
      [],
    );
  });

  it('has zero unacknowledged warnings', () => {
    assert.deepEqual(report.violations.map((v) => v.ruleName), []);
  });

  it('every acknowledgement states a reason of at least a sentence', () => {
    const key = Validations.ACKNOWLEDGED_RULES_METADATA_KEY;
    let count = 0;
    for (const c of s.app.node.findAll()) {
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

describe('who may submit which Batch jobs', () => {
  const submitters = (definition: 'plan' | 'shard' | 'finalize' | 'restore') => {
    const defId = s.stack.getLogicalId(s.stack.compute.jobDefinitions[definition]);
    return statements()
      .filter((f) => list(f.statement.Action).includes('batch:SubmitJob') && JSON.stringify(f.statement.Resource).includes(`"${defId}"`))
      .map((f) => f.where.replace(/[A-F0-9]{8}$/, ''))
      .sort();
  };

  it('plan: the API and the monthly schedule; shard and finalize: the plan job only; restore: API, reconciler, restore-event', () => {
    assert.deepEqual(submitters('plan'), ['ApiHandlerRoleDefaultPolicy', 'SchedulesMonthlyRoleDefaultPolicy']);
    assert.deepEqual(submitters('shard'), ['ComputePlanTaskRoleDefaultPolicy']);
    assert.deepEqual(submitters('finalize'), ['ComputePlanTaskRoleDefaultPolicy']);
    assert.deepEqual(submitters('restore'), ['ApiHandlerRoleDefaultPolicy', 'SchedulesReconcileRoleDefaultPolicy', 'SchedulesRestoreEventRoleDefaultPolicy']);
  });
});

describe('restore bucket access', () => {
  it('only restore extraction (API, restore-event, reconciler, Batch restore job) may write restored copies, under restores/ only', () => {
    const restoreId = s.stack.getLogicalId(s.stack.storage.restoreBucket.node.defaultChild as never);
    const writers = statements().filter(
      (f) => f.statement.Effect === 'Allow' && list(f.statement.Action).includes('s3:PutObject') && JSON.stringify(f.statement.Resource).includes(restoreId),
    );
    assert.deepEqual(writers.map((f) => f.where.replace(/[A-F0-9]{8}$/, '')).sort(), [
      'ApiHandlerRoleDefaultPolicy',
      'ComputeRestoreTaskRoleDefaultPolicy',
      'SchedulesReconcileRoleDefaultPolicy',
      'SchedulesRestoreEventRoleDefaultPolicy',
    ]);
    for (const f of writers) assert.match(JSON.stringify(f.statement.Resource), /"\/restores\/\*"/);
  });
});
