/**
 * Shared helpers of the infra tests: one synth per test file (memoized), without Lambda bundling
 * or CDK's built-in validation (cfn-lint and cdk-nag run in their own tests), no credentials.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import type { App, CfnElement } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { buildApp } from '../../infra/build.js';
import type { ColdpackStack } from '../../infra/stack.js';

/** A synthesized app, its stack and the stack's template. */
export interface Synthesized {
  readonly app: App;
  readonly stack: ColdpackStack;
  readonly template: Template;
}

const cache = new Map<string, Synthesized>();

/**
 * Synthesize the app once per distinct context (per test process).
 * @param context CDK context values, e.g. an imported VPC
 */
export function synth(context: Readonly<Record<string, unknown>> = {}): Synthesized {
  const key = JSON.stringify(context);
  let hit = cache.get(key);
  if (!hit) {
    const outdir = mkdtempSync(join(tmpdir(), 'coldpack-cdk-'));
    const { app, stack } = buildApp({ context, outdir, bundle: false, nag: false, builtinValidation: false });
    hit = { app, stack, template: Template.fromStack(stack) };
    cache.set(key, hit);
  }
  return hit;
}

/** A CloudFormation resource as it appears in the template. */
export interface CfnResourceJson {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
  readonly Condition?: string;
}

/** All resources of a type, by logical id. @param template the template; @param type e.g. `AWS::S3::Bucket` */
export function resourcesOf(template: Template, type: string): Record<string, CfnResourceJson> {
  return template.findResources(type) as Record<string, CfnResourceJson>;
}

/**
 * Logical id of a construct's CloudFormation resource (its default child, or itself).
 * @param s the synthesized app; @param construct an L2 construct or an L1 resource
 */
export function logicalId(s: Synthesized, construct: IConstruct): string {
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  return s.stack.getLogicalId(element);
}

/** CDK context of an imported VPC (`network=existing`), two private subnets in two zones. */
export const IMPORTED_VPC: Readonly<Record<string, string>> = Object.freeze({
  vpcId: 'vpc-0123456789abcdef0',
  vpcCidr: '10.1.0.0/16',
  privateSubnetIds: 'subnet-0aaaaaaaaaaaaaaa1,subnet-0aaaaaaaaaaaaaaa2',
  availabilityZones: 'us-east-1a,us-east-1b',
  routeTableIds: 'rtb-0aaaaaaaaaaaaaaa1,rtb-0aaaaaaaaaaaaaaa2',
});

/** The CDK context of each network mode (`network` context; see src/cost/stack-defaults.ts), by mode. */
export const NETWORK_CONTEXTS: Readonly<Record<'private' | 'public' | 'existing', Readonly<Record<string, string>>>> = Object.freeze({
  private: Object.freeze({}),
  public: Object.freeze({ network: 'public' }),
  existing: IMPORTED_VPC,
});
