/**
 * The cost model's fixed (idle) cost must be the cost of the resources the synthesized template contains, in
 * every network mode: this test counts the cost-bearing resources of each template and compares them with
 * `stackFixedResources` and the line items of `deploymentCost` (src/cost/deployment-cost.ts). It also refuses any
 * resource type the model does not know, so a new kind of resource must be priced (or declared free) first.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { deploymentCost, HOURS_PER_MONTH, stackFixedResources, type StackFixedResources } from '../../src/cost/deployment-cost.js';
import { DEFAULT_PRICE_TABLE } from '../../src/cost/price-table.js';
import { DEFAULT_MAX_AZS, INTERFACE_ENDPOINTS_BY_MODE, type NetworkMode } from '../../src/cost/stack-defaults.js';
import { IMPORTED_VPC, resourcesOf, synth } from './support.js';

/** Resource types that cost nothing while idle (usage only: requests, storage, invocations), by why. */
const NO_IDLE_COST = new Set([
  // API Gateway REST API without a cache cluster (checked below): per request
  'AWS::ApiGateway::Account',
  'AWS::ApiGateway::Deployment',
  'AWS::ApiGateway::GatewayResponse',
  'AWS::ApiGateway::Method',
  'AWS::ApiGateway::Model',
  'AWS::ApiGateway::RequestValidator',
  'AWS::ApiGateway::Resource',
  'AWS::ApiGateway::RestApi',
  'AWS::ApiGateway::Stage',
  // AWS Batch is free; Fargate is billed per running task (priced per job by the compute line)
  'AWS::Batch::ComputeEnvironment',
  'AWS::Batch::JobDefinition',
  'AWS::Batch::JobQueue',
  // on-demand tables (checked below): per request and stored byte
  'AWS::DynamoDB::Table',
  // VPC plumbing; gateway endpoints are free; flow logs are billed per GB ingested
  'AWS::EC2::FlowLog',
  'AWS::EC2::InternetGateway',
  'AWS::EC2::Route',
  'AWS::EC2::RouteTable',
  'AWS::EC2::SecurityGroup',
  'AWS::EC2::SecurityGroupIngress',
  'AWS::EC2::SecurityGroupEgress',
  'AWS::EC2::Subnet',
  'AWS::EC2::SubnetRouteTableAssociation',
  'AWS::EC2::VPC',
  'AWS::EC2::VPCGatewayAttachment',
  'AWS::Events::Rule',
  'AWS::IAM::Policy',
  'AWS::IAM::Role',
  // the Glue table over the manifests: Data Catalog storage is free up to a million objects, Athena bills per query
  'AWS::Glue::Database',
  'AWS::Glue::Table',
  'AWS::Lambda::EventInvokeConfig',
  'AWS::Lambda::Function',
  'AWS::Lambda::Permission',
  'AWS::Logs::LogGroup',
  'AWS::S3::Bucket',
  'AWS::S3::BucketPolicy',
  'AWS::SNS::Subscription',
  'AWS::SNS::Topic',
  'AWS::SNS::TopicPolicy',
  'AWS::SQS::Queue',
  'AWS::SQS::QueuePolicy',
  'Custom::VpcRestrictDefaultSG',
  // the hourly reconciler schedule is priced (reconciler_runs); the monthly one is 1 invocation a month
  'AWS::Scheduler::Schedule',
]);
/** Resource types with an idle cost that the model prices (counted below). */
const PRICED = new Set(['AWS::EC2::VPCEndpoint', 'AWS::KMS::Key', 'AWS::CloudWatch::Alarm', 'AWS::EC2::NatGateway', 'AWS::EC2::EIP']);

/** What the template contains, counted the way the model prices it. */
function counted(context: Record<string, unknown>): StackFixedResources {
  const t = synth(context).template;
  const endpoints = Object.values(resourcesOf(t, 'AWS::EC2::VPCEndpoint')).map((e) => e.Properties!);
  const iface = endpoints.filter((e) => e.VpcEndpointType === 'Interface');
  return {
    interfaceEndpoints: iface.length,
    interfaceEndpointAzs: iface.reduce((n, e) => n + (e.SubnetIds as unknown[]).length, 0),
    natGateways: Object.keys(resourcesOf(t, 'AWS::EC2::NatGateway')).length,
    idlePublicIpv4: Object.keys(resourcesOf(t, 'AWS::EC2::EIP')).length,
    kmsKeys: Object.keys(resourcesOf(t, 'AWS::KMS::Key')).length,
    alarms: Object.keys(resourcesOf(t, 'AWS::CloudWatch::Alarm')).length,
  };
}

const MODES: ReadonlyArray<{ name: string; network: NetworkMode; context: Record<string, unknown>; azs: number }> = [
  { name: 'private (default)', network: 'private', context: {}, azs: DEFAULT_MAX_AZS },
  { name: 'private, maxAzs=2', network: 'private', context: { maxAzs: '2' }, azs: 2 },
  { name: 'public', network: 'public', context: { network: 'public' }, azs: DEFAULT_MAX_AZS },
  { name: 'existing', network: 'existing', context: IMPORTED_VPC, azs: 0 },
  { name: 'existing, no gateway endpoints', network: 'existing', context: { ...IMPORTED_VPC, gatewayEndpoints: 'false' }, azs: 0 },
];

describe('the fixed cost the model prices is the cost of the synthesized stack', () => {
  for (const mode of MODES) {
    it(`${mode.name}: same cost-bearing resources in the template and in the model`, () => {
      const inTemplate = counted(mode.context);
      assert.deepEqual(inTemplate, stackFixedResources(mode.network, mode.azs));
      // the priced lines carry those quantities
      const d = deploymentCost({ network: mode.network, azs: mode.azs || 1 }, DEFAULT_PRICE_TABLE);
      const line = (name: string) => d.monthly.find((i) => i.name === name)?.quantity ?? 0;
      assert.equal(line('interface_endpoints'), inTemplate.interfaceEndpointAzs * HOURS_PER_MONTH);
      assert.equal(line('kms_key'), inTemplate.kmsKeys);
      assert.equal(line('cloudwatch_alarms'), inTemplate.alarms);
      assert.equal(inTemplate.natGateways + inTemplate.idlePublicIpv4, 0); // nothing in the model for them: none may exist
    });
  }

  it('the interface endpoints are the services the model names (private), and none elsewhere', () => {
    const service = (e: Record<string, unknown>) => JSON.stringify(e.ServiceName).match(/\.([a-z0-9.-]+)"\]\]\}$/)?.[1];
    for (const mode of MODES) {
      const iface = Object.values(resourcesOf(synth(mode.context).template, 'AWS::EC2::VPCEndpoint'))
        .map((e) => e.Properties!)
        .filter((e) => e.VpcEndpointType === 'Interface');
      assert.deepEqual(iface.map(service).sort(), [...INTERFACE_ENDPOINTS_BY_MODE[mode.network]].sort(), mode.name);
    }
  });

  it('every resource type is either priced or has no idle cost; tables are on demand and the API has no cache cluster', () => {
    for (const mode of MODES) {
      const t = synth(mode.context).template;
      const types = new Set(Object.values(t.toJSON().Resources as Record<string, { Type: string }>).map((r) => r.Type));
      assert.deepEqual(
        [...types].filter((type) => !NO_IDLE_COST.has(type) && !PRICED.has(type)),
        [],
        mode.name,
      );
      for (const table of Object.values(resourcesOf(t, 'AWS::DynamoDB::Table'))) assert.equal(table.Properties!.BillingMode, 'PAY_PER_REQUEST');
      for (const stage of Object.values(resourcesOf(t, 'AWS::ApiGateway::Stage'))) assert.notEqual(stage.Properties!.CacheClusterEnabled, true);
    }
  });

  it('the Batch tasks get a public IPv4 address (priced per task-hour) only in the public network', () => {
    for (const mode of MODES) {
      const defs = Object.values(resourcesOf(synth(mode.context).template, 'AWS::Batch::JobDefinition'));
      for (const d of defs) {
        const c = d.Properties!.ContainerProperties as { NetworkConfiguration: { AssignPublicIp: string } };
        assert.equal(c.NetworkConfiguration.AssignPublicIp, mode.network === 'public' ? 'ENABLED' : 'DISABLED', mode.name);
      }
    }
  });
});
