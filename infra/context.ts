import type { Node } from 'constructs';
import type { ImportedVpc } from './constructs/network.js';
import { CATALOG_MODES, DEFAULT_CATALOG_MODE, type CatalogMode } from '../src/domain/catalog.js';
import { DEFAULT_MAX_AZS, DEFAULT_NETWORK_MODE, NETWORK_MODES, type NetworkMode } from '../src/cost/stack-defaults.js';

/**
 * Structural settings read from CDK context (`-c key=value` or `cdk.json`), decided at synth time:
 * - `stackName` (default `Coldpack`): stack name; tables are named `<lowercased stack name>-jobs`, ...
 * - `network` (`private` | `public` | `existing`; default `private`, or `existing` when the VPC keys are given):
 *   how the Batch tasks reach AWS, see `NetworkMode` in src/cost/stack-defaults.ts and DEPLOY.md.
 * - `vpcId`, `vpcCidr`, `privateSubnetIds`, `availabilityZones`, `routeTableIds` (comma-separated):
 *   the imported VPC of `network=existing`; all or none, and only with `existing`.
 * - `gatewayEndpoints` (default `true`): with `existing`, add the S3 and DynamoDB gateway endpoints to the
 *   given route tables; `false` when the VPC reaches S3 and DynamoDB otherwise (its own endpoints or a NAT gateway).
 * - `maxAzs` (default 1): zones of a created VPC (`private`, `public`); each interface endpoint is billed per zone.
 * - `gatewayPrefixListIds` (comma-separated `pl-...`, default none; `private` only): the region's S3 and
 *   DynamoDB prefix lists; the tasks' egress is then only to them and the interface endpoints.
 * - `apiGatewayCloudWatchRole` (default `true`): create the account's API Gateway logging role.
 * - `partition` (default `aws`): AWS partition, for ARNs CloudFormation cannot build with a function.
 * - `catalog` (`compact` | `per_file`; default `compact`): the catalog mode (COLDPACK_CATALOG of every
 *   function and task); `per_file` adds the per-file index table (Standard-IA, keys-only name GSI, no PITR).
 */
export interface ColdpackContext {
  /** Stack name. */
  readonly stackName: string;
  /** Network mode. */
  readonly network: NetworkMode;
  /** Existing VPC (`network` `existing`), or undefined to create one. */
  readonly vpc: ImportedVpc | undefined;
  /** `existing`: add the S3 and DynamoDB gateway endpoints (always true for a created VPC). */
  readonly gatewayEndpoints: boolean;
  /** AZs of a created VPC. */
  readonly maxAzs: number;
  /** Managed prefix lists of S3 and DynamoDB (gateway endpoints) to limit task egress to; undefined = 0.0.0.0/0:443. */
  readonly gatewayPrefixListIds: readonly string[] | undefined;
  /** Create the API Gateway account logging role. */
  readonly apiGatewayCloudWatchRole: boolean;
  /** AWS partition (`aws`, `aws-cn`, `aws-us-gov`). */
  readonly partition: string;
  /** Catalog mode of the deployment. */
  readonly catalog: CatalogMode;
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
 * @throws ContextError when the VPC keys are given partly or without `network=existing`, lists differ in length, a
 *   network mode, boolean or number is malformed, or a setting does not fit the network mode
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
  if (str(node, 'vpcEndpoints') !== undefined) {
    throw new ContextError('context vpcEndpoints was replaced by network=private|public|existing and gatewayEndpoints=true|false (see DEPLOY.md)');
  }
  const rawNetwork = str(node, 'network') ?? (vpc ? 'existing' : DEFAULT_NETWORK_MODE);
  const network = NETWORK_MODES.find((m) => m === rawNetwork);
  if (network === undefined) throw new ContextError(`context network must be one of ${NETWORK_MODES.join(', ')}, got ${JSON.stringify(rawNetwork)}`);
  if ((network === 'existing') !== (vpc !== undefined)) {
    throw new ContextError(
      'context network=existing needs vpcId, vpcCidr, privateSubnetIds, availabilityZones and routeTableIds, and they need network=existing',
    );
  }
  const maxAzs = Number(str(node, 'maxAzs') ?? String(DEFAULT_MAX_AZS));
  if (!Number.isInteger(maxAzs) || maxAzs < 1 || maxAzs > 6) throw new ContextError(`context maxAzs must be an integer 1-6, got ${maxAzs}`);
  const gatewayEndpoints = bool(node, 'gatewayEndpoints', true);
  if (!gatewayEndpoints && network !== 'existing') {
    throw new ContextError('context gatewayEndpoints=false needs network=existing (a created VPC has no other way to reach S3 and DynamoDB for free)');
  }
  const gatewayPrefixListIds = list(node, 'gatewayPrefixListIds');
  if (gatewayPrefixListIds && (network !== 'private' || gatewayPrefixListIds.some((id) => !/^pl-[0-9a-f]{8,17}$/.test(id)))) {
    throw new ContextError(`context gatewayPrefixListIds must be pl-... ids and needs network=private, got ${JSON.stringify(gatewayPrefixListIds)}`);
  }
  const partition = str(node, 'partition') ?? 'aws';
  if (!/^aws(-[a-z]+)*$/.test(partition))
    throw new ContextError(`context partition must look like aws, aws-cn or aws-us-gov, got ${JSON.stringify(partition)}`);
  const rawCatalog = str(node, 'catalog') ?? DEFAULT_CATALOG_MODE;
  const catalog = CATALOG_MODES.find((m) => m === rawCatalog);
  if (catalog === undefined) throw new ContextError(`context catalog must be one of ${CATALOG_MODES.join(', ')}, got ${JSON.stringify(rawCatalog)}`);
  return {
    stackName: str(node, 'stackName') ?? 'Coldpack',
    catalog,
    network,
    vpc,
    gatewayEndpoints,
    maxAzs,
    gatewayPrefixListIds,
    apiGatewayCloudWatchRole: bool(node, 'apiGatewayCloudWatchRole', true),
    partition,
  };
}
