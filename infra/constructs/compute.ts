import { Aws, Duration, Token } from 'aws-cdk-lib';
import * as batch from 'aws-cdk-lib/aws-batch';
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ENV } from '../../src/domain/env-names.js';
import { acknowledge, logGroup } from './defaults.js';
import { REPO_ROOT } from './function.js';
import type { Network } from './network.js';
import { WORKER_DEFAULTS } from '../../src/cost/stack-defaults.js';

/** The three kinds of Batch jobs, each with its own job definition and task role. */
export type WorkerKind = 'plan' | 'shard' | 'finalize';

/**
 * Container command per job kind (after the image's `node dist/coldpack.mjs` entry point);
 * `Ref::<name>` is filled from SubmitJob `parameters` (see `src/adapters/batch-job-runner.ts`).
 * Source: https://docs.aws.amazon.com/batch/latest/userguide/job_definition_parameters.html#parameters
 */
export const WORKER_COMMANDS: Readonly<Record<WorkerKind, readonly string[]>> = {
  shard: ['worker', 'shard', '--job', 'Ref::job_id'],
  finalize: ['worker', 'finalize', '--job', 'Ref::job_id'],
  plan: ['worker', 'plan', '--job', 'Ref::job_id'],
};

/**
 * Attempt timeout per job kind: Batch stops an attempt that runs longer (then it is retried).
 * A shard packs about 1/N of a month's objects; 12 h leaves room for slow sources. Planning
 * lists the whole source (ListObjectsV2 returns at most 1,000 keys a call; an S3 Inventory
 * manifest is much faster for billions of keys), so it gets 24 h.
 */
export const WORKER_TIMEOUTS: Readonly<Record<WorkerKind, Duration>> = {
  plan: Duration.hours(24),
  shard: Duration.hours(12),
  finalize: Duration.hours(6),
};

/** The uid the worker containers run as: the official node image's `node` user (also the Dockerfile's USER). */
export const WORKER_UID = '1000';

/**
 * Attempts per job (first + retries). Every worker command resumes idempotently, so a Fargate
 * Spot interruption or a transient failure is retried; exit code 2 (bad input, see
 * `src/entrypoints/cli/main.ts` EXIT.BAD_INPUT) is not.
 */
export const WORKER_ATTEMPTS = 3;

/** Props of {@link Compute}. */
export interface ComputeProps {
  /** Where the tasks run. */
  readonly network: Network;
  /** `FARGATE` or `FARGATE_SPOT` (may be a parameter token). */
  readonly computeType: string;
  /** Maximum vCPUs running at once across all jobs (may be a parameter token). */
  readonly maxVcpus: number;
  /** vCPUs per job: 0.25, 0.5, 1, 2, 4, 8 or 16, as a string (may be a parameter token). */
  readonly vcpu: string;
  /** Memory per job in MiB; must be a valid Fargate combination with `vcpu` (may be a parameter token). */
  readonly memoryMiB: number;
  /** Environment variables of every job (the `COLDPACK_*` configuration). */
  readonly environment: Readonly<Record<string, string>>;
}

/**
 * AWS Batch on Fargate: one managed compute environment (Fargate or Fargate Spot) in the network's
 * subnets (public IPv4 only in the `public` network mode), one job queue, and three job definitions running
 * the image built from the repository's Dockerfile (a CDK image asset, pushed to the bootstrap ECR repository):
 * `plan` (lists the source and stores the shard plans), `shard` (an array job), `finalize`. The Batch
 * job-state Lambda submits the shards and finalize when the plan job succeeds (infra/constructs/job-chain.ts). Each job kind has its own task role
 * (the stack adds the data permissions); one execution role pulls the image and writes logs.
 * Sources: https://docs.aws.amazon.com/batch/latest/userguide/fargate.html,
 * https://docs.aws.amazon.com/batch/latest/userguide/array_jobs.html
 */
export class Compute extends Construct {
  /** The job queue (env COLDPACK_JOB_QUEUE = its ARN). */
  readonly jobQueue: batch.CfnJobQueue;
  /** Job definitions by kind (env COLDPACK_JOB_DEFINITION_* = their ARNs). */
  readonly jobDefinitions: Readonly<Record<WorkerKind, batch.CfnJobDefinition>>;
  /** Task roles by kind. */
  readonly taskRoles: Readonly<Record<WorkerKind, iam.Role>>;
  /** The container image asset. */
  readonly image: ecrAssets.DockerImageAsset;

  /** @param scope parent; @param id construct id; @param props see {@link ComputeProps} */
  constructor(scope: Construct, id: string, props: ComputeProps) {
    super(scope, id);
    const subnets = props.network.vpc.selectSubnets(props.network.subnets);
    const environment = new batch.CfnComputeEnvironment(this, 'ComputeEnvironment', {
      type: 'MANAGED',
      state: 'ENABLED',
      // No serviceRole: Batch uses its service-linked role (AWSServiceRoleForBatch).
      computeResources: {
        type: props.computeType,
        maxvCpus: props.maxVcpus,
        subnets: subnets.subnetIds,
        securityGroupIds: [props.network.taskSecurityGroup.securityGroupId],
      },
    });
    this.jobQueue = new batch.CfnJobQueue(this, 'JobQueue', {
      priority: 1,
      state: 'ENABLED',
      // A job that can never start (vCPU/memory over MaxVcpus or not a Fargate combination) is
      // cancelled after an hour instead of waiting in RUNNABLE forever; it then shows as FAILED.
      jobStateTimeLimitActions: ['MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE', 'MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT'].map((reason) => ({
        action: 'CANCEL',
        maxTimeSeconds: 3600,
        reason,
        state: 'RUNNABLE',
      })),
      computeEnvironmentOrder: [{ order: 1, computeEnvironment: environment.attrComputeEnvironmentArn }],
    });

    this.image = new ecrAssets.DockerImageAsset(this, 'Image', {
      directory: REPO_ROOT,
      file: 'Dockerfile',
      platform: WORKER_DEFAULTS.cpuArchitecture === 'ARM64' ? ecrAssets.Platform.LINUX_ARM64 : ecrAssets.Platform.LINUX_AMD64,
    });
    const logs = logGroup(this, 'JobLogs');
    const executionRole = new iam.Role(this, 'ExecutionRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
      description: 'coldpack Batch tasks: pull the worker image, write job logs',
    });
    executionRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'EcrAuthToken',
        actions: ['ecr:GetAuthorizationToken'],
        resources: ['*'], // GetAuthorizationToken supports no resource-level permissions
      }),
    );
    acknowledge(
      executionRole,
      'AwsSolutions-IAM5[Resource::*]',
      'Only ecr:GetAuthorizationToken has Resource "*": the action supports no resource-level permissions (https://docs.aws.amazon.com/AmazonECR/latest/userguide/security_iam_id-based-policy-examples.html).',
    );
    executionRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'PullWorkerImage',
        actions: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
        resources: [this.image.repository.repositoryArn],
      }),
    );
    executionRole.addToPolicy(
      new iam.PolicyStatement({ sid: 'WriteJobLogs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logs.logGroupArn] }),
    );

    const common: Record<string, string> = { [ENV.REGION]: Aws.REGION, [ENV.WORKER_ATTEMPTS]: String(WORKER_ATTEMPTS), ...props.environment };
    const taskRoles = {} as Record<WorkerKind, iam.Role>;
    const definitions = {} as Record<WorkerKind, batch.CfnJobDefinition>;
    for (const kind of Object.keys(WORKER_COMMANDS) as WorkerKind[]) {
      const title = kind[0]!.toUpperCase() + kind.slice(1);
      // No task submits Batch jobs or publishes to SNS: the Batch job-state Lambda (infra/constructs/job-chain.ts)
      // submits the shards and finalize after the plan job and publishes the summary, outside the VPC.
      const vars = common;
      taskRoles[kind] = new iam.Role(this, `${title}TaskRole`, {
        assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com', {
          conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
        }),
        description: `coldpack Batch ${kind} worker`,
      });
      definitions[kind] = new batch.CfnJobDefinition(this, `${title}JobDefinition`, {
        type: 'container',
        platformCapabilities: ['FARGATE'],
        propagateTags: true,
        timeout: { attemptDurationSeconds: WORKER_TIMEOUTS[kind].toSeconds() },
        retryStrategy: {
          attempts: WORKER_ATTEMPTS,
          evaluateOnExit: [
            { onExitCode: '2', action: 'EXIT' },
            { onReason: '*', action: 'RETRY' },
          ],
        },
        containerProperties: {
          image: this.image.imageUri,
          // Appended to the image's ENTRYPOINT (`env -u ... node dist/coldpack.mjs`), which SubmitJob cannot override.
          command: [...WORKER_COMMANDS[kind]],
          // The workers write no files (they stream S3 to S3); non-root like the image's USER.
          readonlyRootFilesystem: true,
          user: WORKER_UID,
          jobRoleArn: taskRoles[kind].roleArn,
          executionRoleArn: executionRole.roleArn,
          resourceRequirements: [
            { type: 'VCPU', value: props.vcpu },
            { type: 'MEMORY', value: Token.asString(props.memoryMiB) },
          ],
          // Public IPv4 only in the public network mode (internet gateway, no NAT); else private subnets.
          networkConfiguration: { assignPublicIp: props.network.assignPublicIp ? 'ENABLED' : 'DISABLED' },
          fargatePlatformConfiguration: { platformVersion: 'LATEST' },
          runtimePlatform: { cpuArchitecture: WORKER_DEFAULTS.cpuArchitecture, operatingSystemFamily: 'LINUX' },
          environment: Object.entries(vars).map(([name, value]) => ({ name, value })),
          logConfiguration: {
            logDriver: 'awslogs',
            options: { 'awslogs-group': logs.logGroupName, 'awslogs-region': Aws.REGION, 'awslogs-stream-prefix': kind },
          },
        },
      });
    }
    this.taskRoles = taskRoles;
    this.jobDefinitions = definitions;
  }
}
