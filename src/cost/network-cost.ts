import { priceOf, type PriceTable } from './price-table.js';
import { costItem, type CostItem } from './cost-items.js';
import { BILLED_GB_BYTES } from './units.js';
import { WORKER_IMAGE_GB } from './deployment-cost.js';
import type { NetworkMode } from './stack-defaults.js';

/** What one archive run moves through the network, as far as its network cost depends on it. */
export interface NetworkTrafficInput {
  /** Network mode of the stack. */
  readonly network: NetworkMode;
  /** `existing`: S3 and DynamoDB gateway endpoints present. Default true. */
  readonly gatewayEndpoints?: boolean;
  /** Fargate tasks of the run (shards + plan + finalize); each pulls the worker image. */
  readonly tasks: number;
  /** Billed task-hours of the run (see `jobTaskHours`). */
  readonly taskHours: number;
  /** Bytes the run moves to and from S3: source GETs + bundle and manifest PUTs + manifests read back. */
  readonly s3Bytes: number;
}

/**
 * The run's variable network cost lines, per network mode:
 * - `private`: `endpoint_data_processing` — upper bound: each task's worker image (0.2 GB) through the ECR
 *   interface endpoints at `vpc.interface_endpoint.data_processed_per_gb` (the layers usually come through the
 *   free S3 gateway endpoint); the logs are small;
 * - `public`: `public_ipv4` — each running task holds one public IPv4 address: task-hours × `vpc.public_ipv4.per_hour`;
 *   image pulls come from the internet (inbound data is free);
 * - `existing`: `nat_data_processing` — ASSUMING the imported VPC's egress is a NAT gateway: the image pulls
 *   (tasks × 0.2 GB), and without gateway endpoints also every S3 byte, at `vpc.nat_gateway.data_processed_per_gb`
 *   (DynamoDB traffic is small and not counted). With the gateway endpoints S3 and DynamoDB traffic is free.
 * GB = 2^30 bytes.
 * @param input mode, tasks, task-hours and S3 bytes of the run
 * @param table price table
 * @returns zero or one cost line (none for a run without tasks)
 */
export function networkCostItems(input: NetworkTrafficInput, table: PriceTable): CostItem[] {
  if (input.tasks === 0) return [];
  const imageGb = input.tasks * WORKER_IMAGE_GB;
  if (input.network === 'private') {
    return [
      costItem(
        'endpoint_data_processing',
        imageGb,
        'GiB',
        priceOf(table, 'vpc.interface_endpoint.data_processed_per_gb'),
        'vpc.interface_endpoint.data_processed_per_gb',
        `upper bound: the ${WORKER_IMAGE_GB} GB worker image per task (${input.tasks} tasks) through the ECR interface endpoints`,
      ),
    ];
  }
  if (input.network === 'public') {
    return [
      costItem(
        'public_ipv4',
        input.taskHours,
        'address-hours',
        priceOf(table, 'vpc.public_ipv4.per_hour'),
        'vpc.public_ipv4.per_hour',
        'one public IPv4 address per running task',
      ),
    ];
  }
  const gateway = input.gatewayEndpoints ?? true;
  const gb = imageGb + (gateway ? 0 : input.s3Bytes / BILLED_GB_BYTES);
  return [
    costItem(
      'nat_data_processing',
      gb,
      'GiB',
      priceOf(table, 'vpc.nat_gateway.data_processed_per_gb'),
      'vpc.nat_gateway.data_processed_per_gb',
      gateway
        ? `assumed NAT egress of the imported VPC: the worker image per task (${input.tasks} tasks); S3 and DynamoDB use the gateway endpoints`
        : `assumed NAT egress of the imported VPC, no gateway endpoints: worker images + ${(input.s3Bytes / BILLED_GB_BYTES).toFixed(1)} GiB of S3 traffic`,
    ),
  ];
}
