import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Match } from 'aws-cdk-lib/assertions';
import { requestModels } from '../../src/api/openapi.js';
import { API_ROUTES } from '../../infra/constructs/api.js';
import { logicalId, resourcesOf, synth } from './support.js';

const s = synth();
const t = s.template;
const resources = s.template.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>;
const apiFnId = logicalId(s, s.stack.api.handler.fn);

/** Full path of an AWS::ApiGateway::Resource, from its PathPart and parents. */
function pathOf(resourceId: unknown): string {
  if (typeof resourceId === 'object' && resourceId !== null && 'Fn::GetAtt' in resourceId) return '';
  const id = (resourceId as { Ref: string }).Ref;
  const r = resources[id]!;
  return `${pathOf(r.Properties.ParentId)}/${String(r.Properties.PathPart)}`;
}

const methods = Object.values(resourcesOf(t, 'AWS::ApiGateway::Method')).map((m) => ({
  route: `${String(m.Properties!.HttpMethod)} ${pathOf(m.Properties!.ResourceId)}`,
  props: m.Properties!,
}));

describe('REST API', () => {
  it('has exactly the routes of the API, each proxied to the API Lambda', () => {
    assert.deepEqual(methods.map((m) => m.route).sort(), [...API_ROUTES].sort());
    for (const m of methods) {
      const integration = m.props.Integration as { Type: string; Uri: unknown };
      assert.equal(integration.Type, 'AWS_PROXY', m.route);
      assert.ok(JSON.stringify(integration.Uri).includes(apiFnId), m.route);
    }
  });

  it('requires IAM (SigV4) on every route except GET /health', () => {
    for (const m of methods) {
      assert.equal(m.props.AuthorizationType, m.route === 'GET /health' ? 'NONE' : 'AWS_IAM', m.route);
    }
  });

  it('validates bodies of POST routes against models generated from the zod schemas', () => {
    const models = requestModels() as Record<string, object>;
    for (const [route, schema] of Object.entries(models)) {
      const name = `${route[0]!.toUpperCase()}${route.slice(1)}Request`;
      t.hasResourceProperties('AWS::ApiGateway::Model', { Name: name, ContentType: 'application/json', Schema: schema });
      const post = methods.find((m) => m.route === `POST /${route}`)!;
      const model = (post.props.RequestModels as Record<string, { Ref: string }>)['application/json']!;
      assert.equal(resources[model.Ref]!.Properties.Name, name, route);
    }
    for (const m of methods.filter((x) => x.route.startsWith('POST'))) {
      const validator = resources[(m.props.RequestValidatorId as { Ref: string }).Ref]!;
      assert.equal(validator.Properties.ValidateRequestBody, true, m.route);
    }
  });

  it('validates required path parameters', () => {
    for (const [route, param] of [
      ['GET /archive/{job_id}', 'job_id'],
      ['GET /restore/{restore_id}', 'restore_id'],
    ] as const) {
      const m = methods.find((x) => x.route === route)!;
      assert.deepEqual(m.props.RequestParameters, { [`method.request.path.${param}`]: true }, route);
      const validator = resources[(m.props.RequestValidatorId as { Ref: string }).Ref]!;
      assert.equal(validator.Properties.ValidateRequestParameters, true, route);
    }
  });

  it('is regional, throttled, access-logged in JSON, execution-logged at ERROR, traced', () => {
    t.hasResourceProperties('AWS::ApiGateway::RestApi', { EndpointConfiguration: { Types: ['REGIONAL'] } });
    t.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'v1',
      TracingEnabled: true,
      AccessLogSetting: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('"requestId":"\\$context.requestId"') },
      MethodSettings: Match.arrayWith([
        Match.objectLike({
          HttpMethod: '*',
          ResourcePath: '/*',
          LoggingLevel: 'ERROR',
          DataTraceEnabled: false,
          ThrottlingRateLimit: 50,
          ThrottlingBurstLimit: 100,
        }),
      ]),
    });
  });

  it('throttles the unauthenticated GET /health on its own, well below the stage', () => {
    const stage = Object.values(resourcesOf(t, 'AWS::ApiGateway::Stage'))[0]!;
    const settings = stage.Properties!.MethodSettings as Array<Record<string, unknown>>;
    const health = settings.find((m) => m.ResourcePath === '/~1health' && m.HttpMethod === 'GET');
    assert.ok(health, JSON.stringify(settings));
    assert.ok(Number(health.ThrottlingRateLimit) > 0 && Number(health.ThrottlingRateLimit) <= 5, JSON.stringify(health));
    assert.ok(Number(health.ThrottlingBurstLimit) > 0 && Number(health.ThrottlingBurstLimit) <= 10, JSON.stringify(health));
  });

  it('access log records name the signing principal ($context.identity.userArn)', () => {
    const stage = Object.values(resourcesOf(t, 'AWS::ApiGateway::Stage'))[0]!;
    const format = JSON.parse(String((stage.Properties!.AccessLogSetting as { Format: string }).Format)) as Record<string, string>;
    assert.equal(format.userArn, '$context.identity.userArn');
    for (const field of ['requestId', 'ip', 'caller', 'httpMethod', 'resourcePath', 'status']) assert.ok(field in format, field);
  });

  it('answers gateway errors as JSON {code, message}', () => {
    for (const type of ['BAD_REQUEST_BODY', 'BAD_REQUEST_PARAMETERS', 'DEFAULT_4XX', 'DEFAULT_5XX']) {
      t.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
        ResponseType: type,
        ResponseTemplates: { 'application/json': Match.stringLikeRegexp('^\\{"code":"[A-Z_]+","message":\\$context.error.messageString') },
      });
    }
  });
});

describe('Lambda functions', () => {
  // coldpack's own functions; CDK's custom-resource provider (restrictDefaultSecurityGroup) is not one of them.
  const fns = Object.fromEntries(Object.entries(resourcesOf(t, 'AWS::Lambda::Function')).filter(([id]) => !id.startsWith('CustomVpcRestrictDefaultSG')));

  it('five functions: Node.js 22 on arm64, own role, JSON logs to own log group, KMS-encrypted environment', () => {
    assert.equal(Object.keys(fns).length, 5); // API, monthly schedule, reconciler, restore event, Batch job-state handler
    const roles = new Set<string>();
    for (const [id, f] of Object.entries(fns)) {
      const p = f.Properties!;
      assert.equal(p.Runtime, 'nodejs22.x', id);
      assert.deepEqual(p.Architectures, ['arm64'], id);
      assert.equal(p.Handler, 'index.handler', id);
      assert.ok(p.KmsKeyArn, id);
      assert.deepEqual((p.LoggingConfig as { LogFormat: string; LogGroup: unknown }).LogFormat, 'JSON', id);
      roles.add(JSON.stringify(p.Role));
    }
    assert.equal(roles.size, 5);
  });

  it('pass the configuration the code reads (and never the reserved AWS_REGION)', () => {
    for (const [id, f] of Object.entries(fns)) {
      const vars = (f.Properties!.Environment as { Variables: Record<string, unknown> }).Variables;
      for (const name of [
        'COLDPACK_ARCHIVE_BUCKET',
        'COLDPACK_RESTORE_BUCKET',
        'COLDPACK_TABLE_PREFIX',
        'COLDPACK_TOPIC_ARN',
        'COLDPACK_ALLOWED_TOPIC_ARNS',
        'COLDPACK_ACCOUNT',
        'COLDPACK_JOB_QUEUE',
        'COLDPACK_JOB_DEFINITION_PLAN',
        'COLDPACK_JOB_DEFINITION_SHARD',
        'COLDPACK_JOB_DEFINITION_FINALIZE',
        // the Batch job-state handler schedules nothing
        ...(id.startsWith('JobChain')
          ? []
          : [
              'COLDPACK_SCHEDULE_TIMEZONE',
              'COLDPACK_SCHEDULE_REQUEST',
              'COLDPACK_SCHEDULE_CRON',
              'COLDPACK_SCHEDULE_PREFIX_TEMPLATE',
              'COLDPACK_SCHEDULE_MONTH_OFFSET',
            ]),
        'COLDPACK_SOURCE_BUCKETS',
      ]) {
        assert.ok(name in vars, `${id} lacks ${name}`);
      }
      assert.equal('AWS_REGION' in vars, false, id);
      assert.equal(vars.COLDPACK_TABLE_PREFIX, 'coldpack-');
      if (!id.startsWith('JobChain')) assert.deepEqual(vars.COLDPACK_SCHEDULE_REQUEST, { Ref: 'ScheduledArchiveRequest' });
      assert.deepEqual(vars.COLDPACK_SOURCE_BUCKETS, { 'Fn::Join': [',', { Ref: 'SourceBucketNames' }] }, id);
    }
  });

  it('the API function (only) names the reconcile function it wakes per restore request (COLDPACK_RESTORE_WORKER_FUNCTION)', () => {
    const reconcileFnId = logicalId(s, s.stack.schedules.reconcile.fn);
    for (const [id, f] of Object.entries(fns)) {
      const vars = (f.Properties!.Environment as { Variables: Record<string, unknown> }).Variables;
      if (id === apiFnId) assert.deepEqual(vars.COLDPACK_RESTORE_WORKER_FUNCTION, { Ref: reconcileFnId });
      else assert.equal('COLDPACK_RESTORE_WORKER_FUNCTION' in vars, false, id);
    }
  });

  it('the API function may be invoked by this API only', () => {
    const perms = Object.values(resourcesOf(t, 'AWS::Lambda::Permission')).filter((p) => JSON.stringify(p.Properties!.FunctionName).includes(apiFnId));
    assert.ok(perms.length >= API_ROUTES.length);
    for (const p of perms) {
      assert.equal(p.Properties!.Principal, 'apigateway.amazonaws.com');
      assert.ok(JSON.stringify(p.Properties!.SourceArn).includes(logicalId(s, s.stack.api.restApi)));
    }
  });
});
