import { Aws } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { logGroup } from './defaults.js';

/** An existing VPC to run the Batch tasks in (CDK context, see DEPLOY.md). */
export interface ImportedVpc {
  /** VPC id, e.g. `vpc-0abc...`. */
  readonly vpcId: string;
  /** VPC CIDR block (ingress of the interface endpoints' security group), e.g. `10.0.0.0/16`. */
  readonly vpcCidrBlock: string;
  /** Private subnet ids the tasks run in (no public IPs are assigned). */
  readonly privateSubnetIds: readonly string[];
  /** Availability zones of those subnets, same order. */
  readonly availabilityZones: readonly string[];
  /** Route tables of those subnets (for the S3 and DynamoDB gateway endpoints), same order. */
  readonly routeTableIds: readonly string[];
}

/** Props of {@link Network}. */
export interface NetworkProps {
  /** Use this VPC instead of creating one. @default undefined (create a VPC) */
  readonly vpc?: ImportedVpc;
  /**
   * Create the VPC endpoints (gateway: S3, DynamoDB; interface: ECR API, ECR Docker, CloudWatch
   * Logs, SNS, Batch). Always true for a created VPC (its subnets have no other route out). Set false for
   * an imported VPC that already reaches these services (its own endpoints or a NAT gateway).
   * @default true
   */
  readonly endpoints?: boolean;
  /** Availability zones of a created VPC (each interface endpoint costs per AZ-hour). @default 2 */
  readonly maxAzs?: number;
  /**
   * The region's S3 and DynamoDB managed prefix lists (`aws ec2 describe-managed-prefix-lists`).
   * With endpoints, the tasks' egress is then HTTPS to these and to the interface endpoints only.
   * @default undefined (HTTPS to 0.0.0.0/0: CloudFormation cannot look the ids up)
   */
  readonly gatewayPrefixListIds?: readonly string[];
}

/**
 * AWS services the Batch tasks call through interface endpoints: ECR (image pulls), CloudWatch Logs
 * (awslogs), SNS (notifications of finalize and restore) and Batch (the plan job submits the shard
 * array job and finalize: `batch:SubmitJob`). Not needed: STS (task roles get credentials from the
 * ECS container endpoint), KMS (S3, DynamoDB and SNS call it on the task's behalf).
 */
export const INTERFACE_ENDPOINT_SERVICES = {
  EcrApi: ec2.InterfaceVpcEndpointAwsService.ECR,
  EcrDocker: ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER,
  Logs: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
  Sns: ec2.InterfaceVpcEndpointAwsService.SNS,
  Batch: ec2.InterfaceVpcEndpointAwsService.BATCH,
} as const;

/**
 * Where the Batch tasks run: private subnets without public IPs, no internet route, reaching AWS
 * through VPC endpoints; a security group with no ingress and only TCP 443 egress. The interface
 * endpoints accept HTTPS from that security group only.
 * A created VPC has isolated subnets in `maxAzs` zones and VPC flow logs (rejected traffic) to CloudWatch Logs.
 * Sources: https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html,
 * https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html
 */
export class Network extends Construct {
  /** The VPC (created or imported). */
  readonly vpc: ec2.IVpc;
  /** Subnets the tasks run in. */
  readonly subnets: ec2.SubnetSelection;
  /** Security group of the tasks. */
  readonly taskSecurityGroup: ec2.SecurityGroup;

  /** @param scope parent; @param id construct id; @param props see {@link NetworkProps} */
  constructor(scope: Construct, id: string, props: NetworkProps = {}) {
    super(scope, id);
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
      const vpc = new ec2.Vpc(this, 'Vpc', {
        maxAzs: props.maxAzs ?? 2,
        natGateways: 0,
        // Removes the default security group's rules (nothing uses it); CDK does it with a custom resource.
        restrictDefaultSecurityGroup: true,
        subnetConfiguration: [{ name: 'workers', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 20 }],
      });
      const flowLogsGroup = logGroup(this, 'FlowLogsGroup');
      const flowLogsRole = new iam.Role(this, 'FlowLogsRole', {
        assumedBy: new iam.ServicePrincipal('vpc-flow-logs.amazonaws.com', {
          conditions: {
            StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
            ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:ec2:${Aws.REGION}:${Aws.ACCOUNT_ID}:vpc-flow-log/*` },
          },
        }),
        description: 'coldpack VPC flow logs: write rejected-traffic records to their log group',
      });
      vpc.addFlowLog('FlowLogs', {
        destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogsGroup, flowLogsRole),
        trafficType: ec2.FlowLogTrafficType.REJECT,
      });
      this.vpc = vpc;
      this.subnets = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
    }
    this.taskSecurityGroup = new ec2.SecurityGroup(this, 'TaskSecurityGroup', {
      vpc: this.vpc,
      description: 'coldpack Batch tasks: no ingress, HTTPS egress to AWS endpoints only',
      allowAllOutbound: false,
    });
    const endpoints = props.vpc === undefined || props.endpoints !== false;
    const prefixLists = endpoints ? props.gatewayPrefixListIds : undefined;
    if (prefixLists?.length) {
      for (const id of prefixLists) this.taskSecurityGroup.addEgressRule(ec2.Peer.prefixList(id), ec2.Port.tcp(443), `HTTPS to ${id} (gateway endpoint)`);
    } else {
      this.taskSecurityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to AWS service endpoints');
    }

    if (endpoints) {
      this.vpc.addGatewayEndpoint('S3', { service: ec2.GatewayVpcEndpointAwsService.S3, subnets: [this.subnets] });
      this.vpc.addGatewayEndpoint('DynamoDb', { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB, subnets: [this.subnets] });
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
}
