import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Match } from 'aws-cdk-lib/assertions';
import { App } from 'aws-cdk-lib';
import { NIST80053R5Checks } from 'cdk-nag';
import { WORKER_COMMANDS, WORKER_UID } from '../../infra/constructs/compute.js';
import { readFileSync } from 'node:fs';
import { INTERFACE_ENDPOINT_SERVICES } from '../../infra/constructs/network.js';
import { DEFAULT_MAX_AZS, WORKER_DEFAULTS } from '../../src/cost/stack-defaults.js';
import { ContextError, readContext } from '../../infra/context.js';
import { IMPORTED_VPC, NETWORK_CONTEXTS, resourcesOf, synth } from './support.js';

const s = synth();
const t = s.template;
/** `com.amazonaws.<region>.<service>` -> `<service>` (the region is a Ref). */
const serviceOf = (e: Record<string, unknown>) => JSON.stringify(e.ServiceName).match(/\.([a-z0-9.-]+)"\]\]\}$/)?.[1];

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
      Object.values(WORKER_COMMANDS)
        .map((c) => [...c])
        .sort(),
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
      for (const name of [
        'AWS_REGION',
        'COLDPACK_ARCHIVE_BUCKET',
        'COLDPACK_RESTORE_BUCKET',
        'COLDPACK_TABLE_PREFIX',
        'COLDPACK_TOPIC_ARN',
        'COLDPACK_ALLOWED_TOPIC_ARNS',
      ]) {
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
    // No job submits Batch jobs: the job-state handler does (outside the VPC), so no task carries the runner's variables.
    for (const d of defs) {
      const names = (d.Properties!.ContainerProperties as { Environment: Array<{ Name: string }> }).Environment.map((e) => e.Name);
      for (const name of ['COLDPACK_JOB_RUNNER', 'COLDPACK_JOB_QUEUE', 'COLDPACK_JOB_DEFINITION_SHARD']) assert.equal(names.includes(name), false, name);
      assert.deepEqual((d.Properties!.ContainerProperties as { RuntimePlatform: unknown }).RuntimePlatform, {
        CpuArchitecture: WORKER_DEFAULTS.cpuArchitecture,
        OperatingSystemFamily: 'LINUX',
      });
    }
    // the parameters' defaults are the ones the cost model prices
    t.hasParameter('ComputeType', { Default: WORKER_DEFAULTS.computeType });
    t.hasParameter('JobVcpu', { Default: WORKER_DEFAULTS.vcpu });
    t.hasParameter('JobMemoryMiB', { Default: WORKER_DEFAULTS.memoryMiB });
  });
});

describe('network private (default)', () => {
  it('isolated subnets in 1 AZ: no internet or NAT gateway, no public IPs', () => {
    t.resourceCountIs('AWS::EC2::VPC', 1);
    t.resourceCountIs('AWS::EC2::InternetGateway', 0);
    t.resourceCountIs('AWS::EC2::NatGateway', 0);
    const subnets = Object.entries(resourcesOf(t, 'AWS::EC2::Subnet'));
    assert.equal(subnets.length, DEFAULT_MAX_AZS);
    for (const [id, subnet] of subnets) assert.equal(subnet.Properties!.MapPublicIpOnLaunch, false, id);
    assert.equal(Object.keys(resourcesOf(synth({ maxAzs: '2' }).template, 'AWS::EC2::Subnet')).length, 2); // maxAzs raises it
  });

  it('flow logs of rejected traffic', () => {
    t.hasResourceProperties('AWS::EC2::FlowLog', { ResourceType: 'VPC', TrafficType: 'REJECT', LogDestinationType: 'cloud-watch-logs' });
  });

  const endpoints = Object.values(resourcesOf(t, 'AWS::EC2::VPCEndpoint')).map((e) => e.Properties!);
  const iface = endpoints.filter((e) => e.VpcEndpointType === 'Interface');

  it('gateway endpoints for S3 and DynamoDB; interface endpoints only for ECR API, ECR Docker and Logs, with private DNS', () => {
    assert.deepEqual(
      endpoints
        .filter((e) => e.VpcEndpointType === 'Gateway')
        .map(serviceOf)
        .sort(),
      ['dynamodb', 's3'],
    );
    assert.deepEqual(iface.map(serviceOf).sort(), ['ecr.api', 'ecr.dkr', 'logs']);
    assert.deepEqual(Object.keys(INTERFACE_ENDPOINT_SERVICES).sort(), ['EcrApi', 'EcrDkr', 'Logs']);
    for (const e of iface) assert.equal(e.PrivateDnsEnabled, true);
  });

  it('every AWS service a Batch task role calls is reachable through an endpoint (the subnets have no other way out): no SNS, no Batch', () => {
    const reachable = new Set([...endpoints.map(serviceOf).map((n) => n?.split('.')[0]), 'kms', 'sts']); // KMS through S3/DynamoDB; credentials from the ECS agent
    for (const [kind, role] of Object.entries(s.stack.compute.taskRoles)) {
      const policy = t.toJSON().Resources[s.stack.getLogicalId(role.node.findChild('DefaultPolicy').node.defaultChild as never)];
      const actions = (policy.Properties.PolicyDocument.Statement as Array<{ Action: string | string[] }>).flatMap((st) => [st.Action].flat());
      for (const service of new Set(actions.map((a) => a.split(':')[0]!)))
        assert.ok(reachable.has(service), `${kind} task calls ${service} without an endpoint`);
      assert.equal(
        actions.some((a) => a.startsWith('sns:') || a.startsWith('batch:')),
        false,
        kind,
      );
    }
  });

  it('DEPLOY.md prices the interface endpoints of the default network: 3 endpoints × 1 AZ × 730 h × $0.01 = $21.90', () => {
    const deploy = readFileSync('DEPLOY.md', 'utf8');
    const n = Object.keys(INTERFACE_ENDPOINT_SERVICES).length;
    assert.match(deploy, new RegExp(`${n} endpoints × ${DEFAULT_MAX_AZS} AZ × 730 h × \\$0\\.01 = \\$${(n * DEFAULT_MAX_AZS * 730 * 0.01).toFixed(2)}`));
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

describe('network public', () => {
  const pub = synth(NETWORK_CONTEXTS.public).template;

  it('public subnets with an internet gateway and no NAT gateway; subnets map no public IPs, only the tasks ask for one', () => {
    pub.resourceCountIs('AWS::EC2::InternetGateway', 1);
    pub.resourceCountIs('AWS::EC2::NatGateway', 0);
    pub.resourceCountIs('AWS::EC2::EIP', 0);
    for (const [id, subnet] of Object.entries(resourcesOf(pub, 'AWS::EC2::Subnet'))) assert.equal(subnet.Properties!.MapPublicIpOnLaunch, false, id);
    for (const d of Object.values(resourcesOf(pub, 'AWS::Batch::JobDefinition'))) {
      assert.deepEqual((d.Properties!.ContainerProperties as { NetworkConfiguration: unknown }).NetworkConfiguration, { AssignPublicIp: 'ENABLED' });
    }
  });

  it('tasks: a security group with no ingress and TCP 443 egress only; S3 and DynamoDB gateway endpoints; no interface endpoints', () => {
    const groups = Object.values(resourcesOf(pub, 'AWS::EC2::SecurityGroup')).map((g) => g.Properties!);
    assert.equal(groups.length, 1);
    assert.equal(groups[0]!.SecurityGroupIngress, undefined);
    assert.deepEqual(groups[0]!.SecurityGroupEgress, [
      { CidrIp: '0.0.0.0/0', Description: 'HTTPS to AWS service endpoints', FromPort: 443, IpProtocol: 'tcp', ToPort: 443 },
    ]);
    pub.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
    const endpoints = Object.values(resourcesOf(pub, 'AWS::EC2::VPCEndpoint')).map((e) => e.Properties!);
    assert.deepEqual(endpoints.map((e) => `${String(e.VpcEndpointType)}:${serviceOf(e)}`).sort(), ['Gateway:dynamodb', 'Gateway:s3']);
  });

  it('flow logs of all traffic (what the tasks talked to)', () => {
    pub.hasResourceProperties('AWS::EC2::FlowLog', { ResourceType: 'VPC', TrafficType: 'ALL', LogDestinationType: 'cloud-watch-logs' });
  });

  it('the trade-off DEPLOY.md states: NIST 800-53 rev 5 checks flag the route to the internet gateway in public mode only', () => {
    const flagged = (context: Record<string, string>) =>
      new NIST80053R5Checks(undefined, { verbose: false })
        .validateScope(synth(context).app)
        .violations.some((v) => v.ruleName === 'NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW');
    assert.deepEqual(Object.values(NETWORK_CONTEXTS).map(flagged), [false, true, false]); // private, public, existing
  });
});

describe('network (gatewayPrefixListIds context)', () => {
  it("tasks: HTTPS egress only to the S3/DynamoDB prefix lists and the interface endpoints' security group", () => {
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

describe('network existing (imported VPC, CDK context)', () => {
  const vpcContext = IMPORTED_VPC;

  it('runs Batch in the given subnets without public IPs, creates no VPC, adds the S3 and DynamoDB gateway endpoints only', () => {
    const imported = synth(vpcContext).template;
    imported.resourceCountIs('AWS::EC2::VPC', 0);
    imported.resourceCountIs('AWS::EC2::Subnet', 0);
    imported.hasResourceProperties('AWS::Batch::ComputeEnvironment', {
      ComputeResources: Match.objectLike({ Subnets: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0aaaaaaaaaaaaaaa2'] }),
    });
    const endpoints = Object.values(resourcesOf(imported, 'AWS::EC2::VPCEndpoint')).map((e) => e.Properties!);
    assert.deepEqual(endpoints.map((e) => `${String(e.VpcEndpointType)}:${serviceOf(e)}`).sort(), ['Gateway:dynamodb', 'Gateway:s3']);
    for (const e of endpoints) {
      assert.equal(e.VpcId, 'vpc-0123456789abcdef0');
      assert.deepEqual(e.RouteTableIds, ['rtb-0aaaaaaaaaaaaaaa1', 'rtb-0aaaaaaaaaaaaaaa2']);
    }
    for (const d of Object.values(resourcesOf(imported, 'AWS::Batch::JobDefinition'))) {
      assert.deepEqual((d.Properties!.ContainerProperties as { NetworkConfiguration: unknown }).NetworkConfiguration, { AssignPublicIp: 'DISABLED' });
    }
    synth({ ...vpcContext, gatewayEndpoints: 'false' }).template.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
  });

  it('context checks: VPC keys all or none and only with network=existing, same-length lists, modes, gateway endpoints', () => {
    const read = (context: Record<string, unknown>) => readContext(new App({ context }).node);
    assert.throws(() => read({ vpcId: 'vpc-1' }), ContextError);
    assert.throws(() => read({ ...vpcContext, availabilityZones: 'us-east-1a' }), ContextError);
    assert.throws(() => read({ network: 'existing' }), ContextError); // no VPC given
    assert.throws(() => read({ ...vpcContext, network: 'public' }), ContextError);
    assert.throws(() => read({ network: 'lan' }), ContextError);
    assert.throws(() => read({ gatewayEndpoints: 'false' }), ContextError); // a created VPC keeps them
    assert.throws(() => read({ ...vpcContext, gatewayEndpoints: 'maybe' }), ContextError);
    assert.throws(() => read({ vpcEndpoints: 'false' }), /replaced by network/);
    assert.throws(() => read({ network: 'public', gatewayPrefixListIds: 'pl-63a5400a' }), ContextError);
    assert.throws(() => read({ partition: 'AWS CN' }), ContextError);
    assert.equal(read({ ...vpcContext, gatewayEndpoints: 'false' }).gatewayEndpoints, false);
    assert.equal(read(vpcContext).network, 'existing');
    assert.equal(read({}).network, 'private');
    assert.equal(read({}).maxAzs, 1);
    assert.equal(read({}).stackName, 'Coldpack');
  });
});
