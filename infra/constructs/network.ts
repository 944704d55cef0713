import { Aws } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { logGroup } from './defaults.js';
import { DEFAULT_MAX_AZS, INTERFACE_ENDPOINTS_BY_MODE, type NetworkMode } from '../../src/cost/stack-defaults.js';

/** An existing VPC to run the Batch tasks in (`network=existing`, CDK context, see DEPLOY.md). */
export interface ImportedVpc {
  /** VPC id, e.g. `vpc-0abc...`. */
  readonly vpcId: string;
  /** VPC CIDR block, e.g. `10.0.0.0/16`. */
  readonly vpcCidrBlock: string;
  /** Private subnet ids the tasks run in (no public IPs are assigned; the VPC provides their egress). */
  readonly privateSubnetIds: readonly string[];
  /** Availability zones of those subnets, same order. */
  readonly availabilityZones: readonly string[];
  /** Route tables of those subnets (for the S3 and DynamoDB gateway endpoints), same order. */
  readonly routeTableIds: readonly string[];
}

/** Props of {@link Network}. */
export interface NetworkProps {
  /** How the tasks reach AWS (see `NetworkMode` in src/cost/stack-defaults.ts). @default 'private' */
  readonly mode?: NetworkMode;
  /** The VPC of `existing` (required there, refused otherwise). */
  readonly vpc?: ImportedVpc;
  /** `existing`: add the S3 and DynamoDB gateway endpoints to its route tables. @default true */
  readonly gatewayEndpoints?: boolean;
  /** Availability zones of a created VPC (each interface endpoint costs per AZ-hour). @default 1 */
  readonly maxAzs?: number;
  /**
   * `private`: the region's S3 and DynamoDB managed prefix lists (`aws ec2 describe-managed-prefix-lists`).
   * The tasks' egress is then HTTPS to these and to the interface endpoints only.
   * @default undefined (HTTPS to 0.0.0.0/0: CloudFormation cannot look the ids up)
   */
  readonly gatewayPrefixListIds?: readonly string[];
}

/**
 * Interface endpoints of the `private` network, by construct id: the services of
 * `INTERFACE_ENDPOINTS_BY_MODE.private` (src/cost/stack-defaults.ts, which the cost model prices).
 */
export const INTERFACE_ENDPOINT_SERVICES: Readonly<Record<string, ec2.InterfaceVpcEndpointAwsService>> = Object.fromEntries(
  INTERFACE_ENDPOINTS_BY_MODE.private.map((name) => [
    name
      .split('.')
      .map((part) => part[0]!.toUpperCase() + part.slice(1))
      .join(''),
    new ec2.InterfaceVpcEndpointAwsService(name),
  ]),
);

/**
 * Where the Batch tasks run, per network mode (see DEPLOY.md "Network modes"):
 * - `private`: a created VPC with isolated subnets in `maxAzs` zones, no internet route; S3 and DynamoDB gateway
 *   endpoints and the ECR API, ECR Docker and CloudWatch Logs interface endpoints (HTTPS from the tasks only);
 *   flow logs of rejected traffic;
 * - `public`: a created VPC with public subnets (internet gateway, no NAT); each task gets a public IPv4 address;
 *   S3 and DynamoDB gateway endpoints; flow logs of all traffic (what the tasks talked to);
 * - `existing`: the imported VPC's subnets (its own egress); S3 and DynamoDB gateway endpoints unless
 *   `gatewayEndpoints` is false.
 * In every mode the tasks' security group has no ingress and only TCP 443 egress.
 * Sources: https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html,
 * https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html,
 * https://docs.aws.amazon.com/batch/latest/userguide/fargate.html (assignPublicIp for tasks in public subnets)
 */
export class Network extends Construct {
  /** The network mode. */
  readonly mode: NetworkMode;
  /** The VPC (created or imported). */
  readonly vpc: ec2.IVpc;
  /** Subnets the tasks run in. */
  readonly subnets: ec2.SubnetSelection;
  /** Security group of the tasks. */
  readonly taskSecurityGroup: ec2.SecurityGroup;
  /** Whether the tasks get a public IPv4 address (`public` only). */
  readonly assignPublicIp: boolean;

  /** @param scope parent; @param id construct id; @param props see {@link NetworkProps} */
  constructor(scope: Construct, id: string, props: NetworkProps = {}) {
    super(scope, id);
    this.mode = props.mode ?? 'private';
    if ((this.mode === 'existing') !== (props.vpc !== undefined)) throw new Error(`network ${this.mode}: an imported VPC goes with network existing only`);
    this.assignPublicIp = this.mode === 'public';
    if (props.vpc) {
      const v = props.vpc;
      this.vpc = ec2.Vpc.fromVpcAttributes(this, 'Vpc', {
        vpcId: v.vpcId,
        vpcCidrBlock: v.vpcCidrBlock,
        availabilityZones: [...v.availabilityZones],
        privateSubnetIds: [...v.privateSubnetIds],
        privateSubnetRouteTableIds: [...v.routeTableIds],
      });
      this.subnets = { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
    } else {
      const subnetType = this.mode === 'public' ? ec2.SubnetType.PUBLIC : ec2.SubnetType.PRIVATE_ISOLATED;
      this.vpc = this.createdVpc(props.maxAzs ?? DEFAULT_MAX_AZS, subnetType);
      this.subnets = { subnetType };
    }
    this.taskSecurityGroup = new ec2.SecurityGroup(this, 'TaskSecurityGroup', {
      vpc: this.vpc,
      description:
        this.mode === 'public'
          ? 'coldpack Batch tasks: no ingress, HTTPS egress only (public IP, internet gateway)'
          : 'coldpack Batch tasks: no ingress, HTTPS egress to AWS endpoints only',
      allowAllOutbound: false,
    });
    const prefixLists = this.mode === 'private' ? props.gatewayPrefixListIds : undefined;
    if (prefixLists?.length) {
      for (const id of prefixLists) this.taskSecurityGroup.addEgressRule(ec2.Peer.prefixList(id), ec2.Port.tcp(443), `HTTPS to ${id} (gateway endpoint)`);
    } else {
      this.taskSecurityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to AWS service endpoints');
    }

    if (this.mode !== 'existing' || props.gatewayEndpoints !== false) {
      this.vpc.addGatewayEndpoint('S3', { service: ec2.GatewayVpcEndpointAwsService.S3, subnets: [this.subnets] });
      this.vpc.addGatewayEndpoint('DynamoDb', { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB, subnets: [this.subnets] });
    }
    if (this.mode === 'private') this.addInterfaceEndpoints(prefixLists);
  }

  private createdVpc(maxAzs: number, subnetType: ec2.SubnetType): ec2.Vpc {
    const vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs,
      natGateways: 0,
      // Removes the default security group's rules (nothing uses it); CDK does it with a custom resource.
      restrictDefaultSecurityGroup: true,
      // Public subnets do not map public IPs on launch: only the Batch tasks ask for one (assignPublicIp).
      subnetConfiguration: [{ name: 'workers', subnetType, cidrMask: 20, ...(subnetType === ec2.SubnetType.PUBLIC ? { mapPublicIpOnLaunch: false } : {}) }],
    });
    const flowLogsGroup = logGroup(this, 'FlowLogsGroup');
    const flowLogsRole = new iam.Role(this, 'FlowLogsRole', {
      assumedBy: new iam.ServicePrincipal('vpc-flow-logs.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:ec2:${Aws.REGION}:${Aws.ACCOUNT_ID}:vpc-flow-log/*` },
        },
      }),
      description: 'coldpack VPC flow logs: write flow records to their log group',
    });
    vpc.addFlowLog('FlowLogs', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogsGroup, flowLogsRole),
      // Public subnets: record what the tasks talked to, not only what was refused.
      trafficType: subnetType === ec2.SubnetType.PUBLIC ? ec2.FlowLogTrafficType.ALL : ec2.FlowLogTrafficType.REJECT,
    });
    return vpc;
  }

  private addInterfaceEndpoints(prefixLists: readonly string[] | undefined): void {
    const endpointSecurityGroup = new ec2.SecurityGroup(this, 'EndpointSecurityGroup', {
      vpc: this.vpc,
      description: 'coldpack interface endpoints: HTTPS from the Batch tasks only',
      allowAllOutbound: false,
    });
    endpointSecurityGroup.addIngressRule(this.taskSecurityGroup, ec2.Port.tcp(443), 'HTTPS from coldpack Batch tasks');
    if (prefixLists?.length) this.taskSecurityGroup.addEgressRule(endpointSecurityGroup, ec2.Port.tcp(443), 'HTTPS to the interface endpoints');
    for (const [name, service] of Object.entries(INTERFACE_ENDPOINT_SERVICES)) {
      this.vpc.addInterfaceEndpoint(name, {
        service,
        subnets: this.subnets,
        privateDnsEnabled: true,
        open: false,
        securityGroups: [endpointSecurityGroup],
      });
    }
  }
}
