import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { viaServices } from './permissions.js';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { LAMBDA_ARCHITECTURE, LAMBDA_RUNTIME, acknowledge, deadLetterQueue, logGroup } from './defaults.js';

/** Repository root (holds package.json and package-lock.json), from this file's location. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Props of {@link ColdpackFunction}. */
export interface ColdpackFunctionProps {
  /** Handler entry file relative to the repository root, e.g. `src/entrypoints/lambda/api.ts` (exports `handler`). */
  readonly entry: string;
  /** One-line description shown in the Lambda console. */
  readonly description: string;
  /** Environment variables (the `COLDPACK_*` configuration; AWS_REGION is set by Lambda itself). */
  readonly environment: Readonly<Record<string, string>>;
  /** The stack's KMS key (encrypts the environment variables and the dead-letter queue). */
  readonly key: kms.IKey;
  /**
   * Invoked asynchronously (EventBridge, Scheduler): failed events go to a dead-letter queue (the
   * on-failure destination) after `retryAttempts` retries.
   * @default false
   */
  readonly asynchronous?: boolean;
  /** Memory in MiB (CPU scales with it). @default 512 */
  readonly memorySize?: number;
  /** Timeout. @default 30 seconds (API Gateway's integration limit is 29 s) */
  readonly timeout?: Duration;
  /** Reserved concurrency (caps cost and downstream load); undefined = unreserved. @default undefined */
  readonly reservedConcurrentExecutions?: number;
}

/**
 * A Node.js 22 arm64 Lambda function bundled by the locally installed esbuild (no Docker), with
 * its own role (only CloudWatch Logs write on its own log group; callers add the rest with
 * {@link ColdpackFunction.addToRolePolicy}), its own log group with the shared retention, and for
 * asynchronous functions a KMS-encrypted dead-letter queue wired as the on-failure destination.
 * The AWS SDK is bundled (not taken from the runtime) so the pinned SDK versions are the ones run.
 */
export class ColdpackFunction extends Construct {
  /** The function. */
  readonly fn: nodejs.NodejsFunction;
  /** Its execution role. */
  readonly role: iam.Role;
  /** The dead-letter queue of an asynchronous function (on-failure destination, target DLQ). */
  readonly deadLetterQueue: sqs.Queue | undefined;

  /** @param scope parent; @param id construct id; @param props see {@link ColdpackFunctionProps} */
  constructor(scope: Construct, id: string, props: ColdpackFunctionProps) {
    super(scope, id);
    const logs = logGroup(this, 'Logs');
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `coldpack ${id} Lambda`,
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'WriteOwnLogs',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logs.logGroupArn],
      }),
    );
    this.deadLetterQueue = props.asynchronous ? deadLetterQueue(this, 'DeadLetterQueue', props.key) : undefined;
    this.fn = new nodejs.NodejsFunction(this, 'Function', {
      entry: path.join(REPO_ROOT, props.entry),
      handler: 'handler',
      description: props.description,
      runtime: LAMBDA_RUNTIME,
      architecture: LAMBDA_ARCHITECTURE,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(30),
      role: this.role,
      logGroup: logs,
      loggingFormat: lambda.LoggingFormat.JSON,
      environment: { ...props.environment, NODE_OPTIONS: '--enable-source-maps' },
      environmentEncryption: props.key,
      ...(props.reservedConcurrentExecutions === undefined ? {} : { reservedConcurrentExecutions: props.reservedConcurrentExecutions }),
      projectRoot: REPO_ROOT,
      depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
      bundling: {
        forceDockerBundling: false,
        format: nodejs.OutputFormat.ESM,
        target: 'node22',
        minify: true,
        sourceMap: true,
        bundleAwsSDK: true,
        mainFields: ['module', 'main'],
        // ESM bundles of CommonJS dependencies need `require`.
        banner: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);",
      },
    });
    acknowledge(
      this.fn,
      'AwsSolutions-L1',
      'nodejs22.x is the runtime the project targets and tests (Node 22 LTS, supported by Lambda until 2027-04-30); newer runtimes are adopted deliberately, not by default.',
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'DecryptOwnEnvironment',
        actions: ['kms:Decrypt'],
        resources: [props.key.keyArn],
        conditions: viaServices(['lambda']),
      }),
    );
    if (this.deadLetterQueue) {
      const dlq = this.deadLetterQueue;
      this.fn.configureAsyncInvoke({
        retryAttempts: 2,
        maxEventAge: Duration.hours(6),
        onFailure: { bind: () => ({ destination: dlq.queueArn }) },
      });
      this.role.addToPolicy(new iam.PolicyStatement({ sid: 'SendFailedEvents', actions: ['sqs:SendMessage'], resources: [dlq.queueArn] }));
      this.role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'EncryptFailedEvents',
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: [props.key.keyArn],
          conditions: viaServices(['sqs']),
        }),
      );
    }
  }

  /** Add a statement to the function's role. @param statement an explicit-action statement */
  addToRolePolicy(statement: iam.PolicyStatement): void {
    this.role.addToPolicy(statement);
  }
}
