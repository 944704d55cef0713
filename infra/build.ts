import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readContext } from './context.js';
import { ColdpackStack } from './stack.js';

/**
 * CDK feature flags the app relies on (merged under any given context).
 * `serverAccessLogsUseBucketPolicy`: access-log delivery is granted by a bucket policy, not the
 * legacy LogDeliveryWrite ACL (ACLs stay disabled on every bucket).
 * Source: https://docs.aws.amazon.com/cdk/v2/guide/featureflags.html
 */
export const FEATURE_FLAGS: Readonly<Record<string, unknown>> = {
  '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
};

/** Options of {@link buildApp}. */
export interface BuildAppOptions {
  /** CDK context values (as `-c key=value` would give). @default {} (plus what `cdk.json` or the CLI pass) */
  readonly context?: Readonly<Record<string, unknown>>;
  /** Cloud assembly directory. @default the CLI's (`CDK_OUTDIR`) or a temporary directory */
  readonly outdir?: string;
  /** Register the cdk-nag AwsSolutions pack as a policy-validation plugin (synth fails on an unacknowledged error). @default true */
  readonly nag?: boolean;
  /**
   * Bundle the Lambda functions with esbuild. Tests turn it off (`aws:cdk:bundling-stacks` = [])
   * to keep synth fast; the template is the same apart from asset hashes.
   * @default true
   */
  readonly bundle?: boolean;
  /**
   * Run CDK's built-in CloudFormation validation at synth (it found a function in a `Fn::Join`
   * delimiter once). Tests turn it off to save ~10 s per synth: they run cfn-lint on the template.
   * @default true
   */
  readonly builtinValidation?: boolean;
}

/**
 * Build the coldpack CDK app with its one stack, named by context `stackName` (default `Coldpack`).
 * @param options see {@link BuildAppOptions}
 * @returns the app and the stack
 * @throws ContextError on malformed context (see `infra/context.ts`)
 */
export function buildApp(options: BuildAppOptions = {}): { app: App; stack: ColdpackStack } {
  const app = new App({
    ...(options.outdir === undefined ? {} : { outdir: options.outdir }),
    ...(options.builtinValidation === false ? { builtinCloudFormationValidation: false } : {}),
    context: { ...FEATURE_FLAGS, ...options.context, ...(options.bundle === false ? { 'aws:cdk:bundling-stacks': [] } : {}) },
  });
  const context = readContext(app.node);
  const stack = new ColdpackStack(app, context.stackName, { context });
  if (options.nag !== false) Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, stack };
}
