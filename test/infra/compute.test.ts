import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Match } from 'aws-cdk-lib/assertions';
import { App } from 'aws-cdk-lib';
import { WORKER_COMMANDS, WORKER_UID } from '../../infra/constructs/compute.js';
import { readFileSync } from 'node:fs';
import { INTERFACE_ENDPOINT_SERVICES } from '../../infra/constructs/network.js';
import { ContextError, readContext } from '../../infra/context.js';
import { resourcesOf, synth } from './support.js';

const s = synth();
const t = s.template;

describe('AWS Batch on Fargate', () => {
  it('compute environment: managed, FARGATE or FARGATE_SPOT by parameter, MaxVcpus by parameter, private subnets, tasks security group', () => {
    t.hasResourceProperties('AWS::Batch::ComputeEnvironment', {
      Type: 'MANAGED',
      State: 'ENABLED',
      ComputeResources: {
        Type: { Ref: 'ComputeType' },
        MaxvCpus: { Ref: 'MaxVcpus' },
        Subnets: Match.anyValue(),
        SecurityGroupIds: [Match.objectLike({ 'Fn::GetAtt': Match.anyValue() })],
      },
    });
    t.hasParameter('ComputeType', { AllowedValues: ['FARGATE_SPOT', 'FARGATE'] });
    const ce = Object.values(resourcesOf(t, 'AWS::Batch::ComputeEnvironment'))[0]!;
    assert.equal('ServiceRole' in ce.Properties!, false, 'uses the Batch service-linked role');
  });

  it('one job queue on that environment, cancelling jobs that can never start after an hour', () => {
    t.resourceCountIs('AWS::Batch::JobQueue', 1);
    t.hasResourceProperties('AWS::Batch::JobQueue', {
      Priority: 1,
      ComputeEnvironmentOrder: [{ Order: 1, ComputeEnvironment: Match.anyValue() }],
      JobStateTimeLimitActions: [
        { Action: 'CANCEL', MaxTimeSeconds: 3600, Reason: 'MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE', State: 'RUNNABLE' },
        { Action: 'CANCEL', MaxTimeSeconds: 3600, Reason: 'MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT', State: 'RUNNABLE' },
      ],
    });
  });

  it('three job definitions (plan, shard, finalize): Fargate, no public IP, own task role, parameterized size, retries, timeout, logs', () => {
    const defs = Object.values(resourcesOf(t, 'AWS::Batch::JobDefinition'));
    assert.equal(defs.length, 3);
    assert.deepEqual(
      defs.map((d) => (d.Properties!.ContainerProperties as { Command: string[] }).Command).sort(),
      Object.values(WORKER_COMMANDS).map((c) => [...c]).sort(),
    );
    const taskRoles = new Set<string>();
    for (const d of defs) {
      const p = d.Properties!;
      const c = p.ContainerProperties as Record<string, unknown>;
      assert.deepEqual(p.PlatformCapabilities, ['FARGATE']);
      assert.equal(p.PropagateTags, true);
      assert.ok((p.Timeout as { AttemptDurationSeconds: number }).AttemptDurationSeconds >= 3600);
      assert.deepEqual(p.RetryStrategy, {
        Attempts: 3,
        EvaluateOnExit: [
          { OnExitCode: '2', Action: 'EXIT' },
          { OnReason: '*', Action: 'RETRY' },
        ],
      });
      assert.deepEqual(c.NetworkConfiguration, { AssignPublicIp: 'DISABLED' });
      assert.deepEqual(c.ResourceRequirements, [
        { Type: 'VCPU', Value: { Ref: 'JobVcpu' } },
        { Type: 'MEMORY', Value: { Ref: 'JobMemoryMiB' } },
      ]);
      assert.equal((c.LogConfiguration as { LogDriver: string }).LogDriver, 'awslogs');
      assert.ok(JSON.stringify(c.Image).includes('container-assets'), 'image from the CDK image asset');
      const env = Object.fromEntries((c.Environment as Array<{ Name: string; Value: unknown }>).map((e) => [e.Name, e.Value]));
      for (const name of ['AWS_REGION', 'COLDPACK_ARCHIVE_BUCKET', 'COLDPACK_RESTORE_BUCKET', 'COLDPACK_TABLE_PREFIX', 'COLDPACK_TOPIC_ARN', 'COLDPACK_ALLOWED_TOPIC_ARNS']) {
        assert.ok(name in env, name);
      }
      assert.deepEqual(env.COLDPACK_SOURCE_BUCKETS, { 'Fn::Join': [',', { Ref: 'SourceBucketNames' }] });
      // Hardening: read-only root filesystem (the workers stream S3 to S3), non-root uid of the image's node user.
      assert.equal(c.ReadonlyRootFilesystem, true);
      assert.equal(c.User, WORKER_UID);
      assert.equal(WORKER_UID, '1000');
      // The command is appended to the image's ENTRYPOINT (which strips injected variables); it must not start its own program.
      assert.equal('EntryPoint' in c, false);
      assert.equal((c.Command as string[])[0], 'worker');
      taskRoles.add(JSON.stringify(c.JobRoleArn));
    }
    assert.equal(taskRoles.size, 3, 'one task role per job kind');
    const plan = defs.find((d) => JSON.stringify(d.Properties!.ContainerProperties).includes('"plan"'))!;
    const planEnv = (plan.Properties!.ContainerProperties as { Environment: Array<{ Name: string }> }).Environment.map((e) => e.Name);
    for (const name of ['COLDPACK_JOB_RUNNER', 'COLDPACK_JOB_QUEUE', 'COLDPACK_JOB_DEFINITION_SHARD', 'COLDPACK_JOB_DEFINITION_FINALIZE']) {
      assert.ok(planEnv.includes(name), `plan job lacks ${name}`);
    }
  });
});

describe('network (created VPC)', () => {
  it('isolated private subnets only: no internet or NAT gateway, no public IPs', () => {
    t.resourceCountIs('AWS::EC2::VPC', 1);
    t.resourceCountIs('AWS::EC2::InternetGateway', 0);
    t.resourceCountIs('AWS::EC2::NatGateway', 0);
    for (const [id, subnet] of Object.entries(resourcesOf(t, 'AWS::EC2::Subnet'))) {
      assert.equal(subnet.Properties!.MapPublicIpOnLaunch, false, id);
    }
  });

  it('flow logs of rejected traffic', () => {
    t.hasResourceProperties('AWS::EC2::FlowLog', { ResourceType: 'VPC', TrafficType: 'REJECT', LogDestinationType: 'cloud-watch-logs' });
  });

  const endpoints = Object.values(resourcesOf(t, 'AWS::EC2::VPCEndpoint')).map((e) => e.Properties!);
  /** `com.amazonaws.<region>.<service>` -> `<service>` (the region is a Ref). */
  const name = (e: Record<string, unknown>) => JSON.stringify(e.ServiceName).match(/\.([a-z0-9.-]+)"\]\]\}$/)?.[1];
  const iface = endpoints.filter((e) => e.VpcEndpointType === 'Interface');

  it('gateway endpoints for S3 and DynamoDB; interface endpoints for ECR, ECR Docker, Logs, SNS, Batch with private DNS', () => {
    assert.deepEqual(endpoints.filter((e) => e.VpcEndpointType === 'Gateway').map(name).sort(), ['dynamodb', 's3']);
    assert.deepEqual(iface.map(name).sort(), ['batch', 'ecr.api', 'ecr.dkr', 'logs', 'sns']);
    for (const e of iface) assert.equal(e.PrivateDnsEnabled, true);
  });

  it('every AWS service a Batch task role calls is reachable through an endpoint (the subnets have no other way out)', () => {
    const reachable = new Set([...endpoints.map(name), 'kms', 'sts']); // KMS through S3/DynamoDB/SNS; credentials from the ECS agent
    for (const [kind, role] of Object.entries(s.stack.compute.taskRoles)) {
      const policy = t.toJSON().Resources[s.stack.getLogicalId(role.node.findChild('DefaultPolicy').node.defaultChild as never)];
      const actions = (policy.Properties.PolicyDocument.Statement as Array<{ Action: string | string[] }>).flatMap((st) => [st.Action].flat());
      for (const service of new Set(actions.map((a) => a.split(':')[0]!))) assert.ok(reachable.has(service), `${kind} task calls ${service} without an endpoint`);
    }
  });

  it('DEPLOY.md prices every interface endpoint in the idle cost', () => {
    const deploy = readFileSync('DEPLOY.md', 'utf8');
    const n = Object.keys(INTERFACE_ENDPOINT_SERVICES).length;
    assert.match(deploy, new RegExp(`\\| ${n} endpoints × 2 AZs × 730 h × \\$0\\.01`));
    assert.match(deploy, new RegExp(`${(n * 2 * 730 * 0.01).toFixed(2)}`));
  });

  it('the default security group is stripped of its rules (restrictDefaultSecurityGroup)', () => {
    t.resourceCountIs('Custom::VpcRestrictDefaultSG', 1);
  });

  it('tasks: no ingress, HTTPS egress only; endpoints: HTTPS from the tasks only', () => {
    const groups = Object.values(resourcesOf(t, 'AWS::EC2::SecurityGroup')).map((g) => g.Properties!);
    const tasks = groups.find((g) => String(g.GroupDescription).includes('Batch tasks'))!;
    assert.equal(tasks.SecurityGroupIngress, undefined);
    assert.deepEqual(tasks.SecurityGroupEgress, [
      { CidrIp: '0.0.0.0/0', Description: 'HTTPS to AWS service endpoints', FromPort: 443, IpProtocol: 'tcp', ToPort: 443 },
    ]);
    t.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp',
      FromPort: 443,
      ToPort: 443,
      SourceSecurityGroupId: Match.objectLike({ 'Fn::GetAtt': Match.anyValue() }),
    });
    for (const g of groups) {
      for (const rule of (g.SecurityGroupIngress as Array<{ CidrIp?: string }> | undefined) ?? []) assert.notEqual(rule.CidrIp, '0.0.0.0/0');
    }
  });
});

describe('network (gatewayPrefixListIds context)', () => {
  it('tasks: HTTPS egress only to the S3/DynamoDB prefix lists and the interface endpoints\' security group', () => {
    const pl = synth({ gatewayPrefixListIds: 'pl-63a5400a,pl-02cd2c6b' }).template;
    const groups = Object.entries(resourcesOf(pl, 'AWS::EC2::SecurityGroup'));
    const [taskId, tasks] = groups.find(([, g]) => String(g.Properties!.GroupDescription).includes('Batch tasks'))!;
    const [endpointId] = groups.find(([, g]) => String(g.Properties!.GroupDescription).includes('interface endpoints'))!;
    const rules = [
      ...((tasks.Properties!.SecurityGroupEgress as Array<Record<string, unknown>> | undefined) ?? []),
      ...Object.values(resourcesOf(pl, 'AWS::EC2::SecurityGroupEgress'))
        .map((r) => r.Properties!)
        .filter((r) => JSON.stringify(r.GroupId) === JSON.stringify({ 'Fn::GetAtt': [taskId, 'GroupId'] })),
    ];
    assert.deepEqual(
      rules.map((r) => [r.IpProtocol, r.FromPort, r.ToPort, r.DestinationPrefixListId ?? JSON.stringify(r.DestinationSecurityGroupId) ?? r.CidrIp]).sort(),
      [
        ['tcp', 443, 443, JSON.stringify({ 'Fn::GetAtt': [endpointId, 'GroupId'] })],
        ['tcp', 443, 443, 'pl-02cd2c6b'],
        ['tcp', 443, 443, 'pl-63a5400a'],
      ].sort(),
    );
    assert.throws(() => readContext(new App({ context: { gatewayPrefixListIds: 'sg-123' } }).node), ContextError);
  });
});

describe('network (imported VPC, CDK context)', () => {
  const vpcContext = {
    vpcId: 'vpc-0123456789abcdef0',
    vpcCidr: '10.1.0.0/16',
    privateSubnetIds: 'subnet-0aaaaaaaaaaaaaaa1,subnet-0aaaaaaaaaaaaaaa2',
    availabilityZones: 'us-east-1a,us-east-1b',
    routeTableIds: 'rtb-0aaaaaaaaaaaaaaa1,rtb-0aaaaaaaaaaaaaaa2',
  };

  it('runs Batch in the given subnets and creates no VPC', () => {
    const imported = synth(vpcContext).template;
    imported.resourceCountIs('AWS::EC2::VPC', 0);
    imported.resourceCountIs('AWS::EC2::Subnet', 0);
    imported.hasResourceProperties('AWS::Batch::ComputeEnvironment', {
      ComputeResources: Match.objectLike({ Subnets: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0aaaaaaaaaaaaaaa2'] }),
    });
    imported.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Gateway',
      VpcId: 'vpc-0123456789abcdef0',
      RouteTableIds: ['rtb-0aaaaaaaaaaaaaaa1', 'rtb-0aaaaaaaaaaaaaaa2'],
    });
  });

  it('context checks: VPC keys all or none, same-length lists, endpoints only skippable for an imported VPC', () => {
    const read = (context: Record<string, unknown>) => readContext(new App({ context }).node);
    assert.throws(() => read({ vpcId: 'vpc-1' }), ContextError);
    assert.throws(() => read({ ...vpcContext, availabilityZones: 'us-east-1a' }), ContextError);
    assert.throws(() => read({ vpcEndpoints: 'false' }), ContextError);
    assert.throws(() => read({ vpcEndpoints: 'maybe' }), ContextError);
    assert.throws(() => read({ partition: 'AWS CN' }), ContextError);
    assert.equal(read({ ...vpcContext, vpcEndpoints: 'false' }).vpcEndpoints, false);
    assert.equal(read({}).stackName, 'Coldpack');
  });
});
