/**
 * The deployment settings that coldpack's fixed and compute costs depend on, in ONE place: the CDK stack
 * (`infra/parameters.ts`, `infra/constructs/network.ts`, `infra/constructs/compute.ts`, `infra/context.ts`)
 * reads its defaults from here, and the cost model prices the same values, so the two cannot disagree.
 * Pure data: no AWS SDK, no CDK.
 */

/**
 * How the Batch tasks reach AWS (CDK context `network`, `coldpack estimate --network`):
 * - `private` (default): a created VPC with isolated subnets (no internet route), S3 and DynamoDB gateway
 *   endpoints and the interface endpoints a Fargate task cannot do without (ECR API, ECR Docker, CloudWatch Logs);
 * - `public`: a created VPC with public subnets; each task gets a public IPv4 address and a security group with
 *   no ingress and TCP 443 egress only; S3 and DynamoDB gateway endpoints; no interface endpoints, no NAT;
 * - `existing`: an imported VPC (its own egress, usually a NAT gateway) plus S3 and DynamoDB gateway endpoints
 *   unless context `gatewayEndpoints=false`.
 */
export type NetworkMode = 'private' | 'public' | 'existing';

/** Every {@link NetworkMode}, in the order the docs list them. */
export const NETWORK_MODES: readonly NetworkMode[] = Object.freeze(['private', 'public', 'existing']);

/** Network mode of `cdk deploy` without context and of `coldpack estimate` without `--network`. */
export const DEFAULT_NETWORK_MODE: NetworkMode = 'private';

/** Availability zones of a created VPC without `maxAzs` context: 1 (each interface endpoint is billed per AZ-hour). */
export const DEFAULT_MAX_AZS = 1;

/**
 * Interface VPC endpoints per network mode, as the service part of `com.amazonaws.<region>.<service>`.
 * `private` needs only what a Fargate task cannot avoid: ECR API and ECR Docker (image pull; the layers come
 * through the S3 gateway endpoint) and CloudWatch Logs (the awslogs driver). SNS publishing and Batch job
 * submission run in a Lambda function outside the VPC (`src/entrypoints/lambda/batch-job-state.ts`); STS is not
 * needed (task roles get credentials from the ECS agent) nor KMS (S3 and DynamoDB call it for the task).
 * Source: https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html
 */
export const INTERFACE_ENDPOINTS_BY_MODE: Readonly<Record<NetworkMode, readonly string[]>> = Object.freeze({
  private: Object.freeze(['ecr.api', 'ecr.dkr', 'logs']),
  public: Object.freeze([]),
  existing: Object.freeze([]),
});

/** Gateway VPC endpoints (free) the stack adds in every mode, unless `gatewayEndpoints=false` with `existing`. */
export const GATEWAY_ENDPOINT_SERVICES: readonly string[] = Object.freeze(['s3', 'dynamodb']);

/** Fargate capacity of the Batch compute environment (CloudFormation parameter `ComputeType`). */
export type FargateCapacity = 'FARGATE_SPOT' | 'FARGATE';

/**
 * The Batch job size and capacity the stack deploys by default (CloudFormation parameters `ComputeType`,
 * `JobVcpu`, `JobMemoryMiB`; the job definitions' `runtimePlatform.cpuArchitecture`).
 */
export const WORKER_DEFAULTS = Object.freeze({
  /** Fargate Spot: interruptible, cheaper; every worker step resumes after an interruption. */
  computeType: 'FARGATE_SPOT' as FargateCapacity,
  /** vCPUs per job, as the `JobVcpu` parameter's string. */
  vcpu: '1',
  /** Memory per job in MiB (`JobMemoryMiB`). */
  memoryMiB: 4096,
  /** CPU architecture of the worker image and job definitions. */
  cpuArchitecture: 'X86_64' as 'X86_64' | 'ARM64',
});
