import type { Node } from 'constructs';
import type { ImportedVpc } from './constructs/network.js';

/**
 * Structural settings read from CDK context (`-c key=value` or `cdk.json`), decided at synth time:
 * - `stackName` (default `Coldpack`): stack name; tables are named `<lowercased stack name>-jobs`, ...
 * - `vpcId`, `vpcCidr`, `privateSubnetIds`, `availabilityZones`, `routeTableIds` (comma-separated):
 *   run Batch in this existing VPC; all or none. Default: create a VPC.
 * - `vpcEndpoints` (default `true`): create the S3/DynamoDB gateway and ECR/Logs/SNS interface
 *   endpoints. Only `false` with an imported VPC that reaches those services already.
 * - `maxAzs` (default 2): zones of a created VPC.
 * - `gatewayPrefixListIds` (comma-separated `pl-...`, default none): the region's S3 and DynamoDB
 *   prefix lists; with endpoints, the tasks' egress is then only to them and the interface endpoints.
 * - `apiGatewayCloudWatchRole` (default `true`): create the account's API Gateway logging role.
 * - `partition` (default `aws`): AWS partition, for ARNs CloudFormation cannot build with a function.
 */
export interface ColdpackContext {
  /** Stack name. */
  readonly stackName: string;
  /** Existing VPC, or undefined to create one. */
  readonly vpc: ImportedVpc | undefined;
  /** Create VPC endpoints. */
  readonly vpcEndpoints: boolean;
  /** AZs of a created VPC. */
  readonly maxAzs: number;
  /** Managed prefix lists of S3 and DynamoDB (gateway endpoints) to limit task egress to; undefined = 0.0.0.0/0:443. */
  readonly gatewayPrefixListIds: readonly string[] | undefined;
  /** Create the API Gateway account logging role. */
  readonly apiGatewayCloudWatchRole: boolean;
  /** AWS partition (`aws`, `aws-cn`, `aws-us-gov`). */
  readonly partition: string;
}

/** A context value that is not of the expected form. */
export class ContextError extends Error {
  /** @param message which key, what was expected and what arrived */
  constructor(message: string) {
    super(message);
    this.name = 'ContextError';
  }
}

function str(node: Node, key: string): string | undefined {
  const v: unknown = node.tryGetContext(key);
  if (v === undefined || v === null || v === '') return undefined;
  return String(v);
}

function bool(node: Node, key: string, fallback: boolean): boolean {
  const v = str(node, key);
  if (v === undefined) return fallback;
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new ContextError(`context ${key} must be true or false, got ${JSON.stringify(v)}`);
}

function list(node: Node, key: string): string[] | undefined {
  const v: unknown = node.tryGetContext(key);
  if (v === undefined || v === null || v === '') return undefined;
  return (Array.isArray(v) ? v.map(String) : String(v).split(',')).map((s) => s.trim()).filter(Boolean);
}

/**
 * Read and check the context.
 * @param node the app's (or stack's) node
 * @throws ContextError when the VPC keys are given partly, lists differ in length, or a boolean or number is malformed
 */
export function readContext(node: Node): ColdpackContext {
  const vpcId = str(node, 'vpcId');
  const vpcCidr = str(node, 'vpcCidr');
  const subnets = list(node, 'privateSubnetIds');
  const azs = list(node, 'availabilityZones');
  const routeTables = list(node, 'routeTableIds');
  const given = [vpcId, vpcCidr, subnets, azs, routeTables].filter((v) => v !== undefined).length;
  if (given !== 0 && given !== 5) {
    throw new ContextError('context vpcId, vpcCidr, privateSubnetIds, availabilityZones and routeTableIds go together: give all five or none');
  }
  let vpc: ImportedVpc | undefined;
  if (vpcId && vpcCidr && subnets && azs && routeTables) {
    if (subnets.length === 0 || subnets.length !== azs.length || subnets.length !== routeTables.length) {
      throw new ContextError(
        `context privateSubnetIds (${subnets.length}), availabilityZones (${azs.length}) and routeTableIds (${routeTables.length}) must be non-empty lists of the same length`,
      );
    }
    vpc = { vpcId, vpcCidrBlock: vpcCidr, privateSubnetIds: subnets, availabilityZones: azs, routeTableIds: routeTables };
  }
  const maxAzs = Number(str(node, 'maxAzs') ?? '2');
  if (!Number.isInteger(maxAzs) || maxAzs < 1 || maxAzs > 6) throw new ContextError(`context maxAzs must be an integer 1-6, got ${maxAzs}`);
  const vpcEndpoints = bool(node, 'vpcEndpoints', true);
  if (!vpcEndpoints && vpc === undefined) {
    throw new ContextError('context vpcEndpoints=false needs an imported VPC (a created VPC has no other way to reach AWS)');
  }
  const gatewayPrefixListIds = list(node, 'gatewayPrefixListIds');
  if (gatewayPrefixListIds && (!vpcEndpoints || gatewayPrefixListIds.some((id) => !/^pl-[0-9a-f]{8,17}$/.test(id)))) {
    throw new ContextError(`context gatewayPrefixListIds must be pl-... ids and needs vpcEndpoints, got ${JSON.stringify(gatewayPrefixListIds)}`);
  }
  const partition = str(node, 'partition') ?? 'aws';
  if (!/^aws(-[a-z]+)*$/.test(partition)) throw new ContextError(`context partition must look like aws, aws-cn or aws-us-gov, got ${JSON.stringify(partition)}`);
  return {
    stackName: str(node, 'stackName') ?? 'Coldpack',
    vpc,
    vpcEndpoints,
    maxAzs,
    gatewayPrefixListIds,
    apiGatewayCloudWatchRole: bool(node, 'apiGatewayCloudWatchRole', true),
    partition,
  };
}
