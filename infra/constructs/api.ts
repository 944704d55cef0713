import { Aws, Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { acknowledge, logGroup } from './defaults.js';
import { ColdpackFunction } from './function.js';
import { requestBodySchemas, type BodyRoute, type JsonSchemaObject } from './api-models.js';

/** Props of {@link Api}. */
export interface ApiProps {
  /** The stack's KMS key (Lambda environment). */
  readonly key: kms.IKey;
  /** Environment of the API Lambda (the `COLDPACK_*` configuration). */
  readonly environment: Readonly<Record<string, string>>;
  /** Steady-state requests per second for the stage (token bucket rate). @default 50 */
  readonly throttlingRateLimit?: number;
  /** Burst capacity (token bucket size) for the stage. @default 100 */
  readonly throttlingBurstLimit?: number;
  /**
   * Create the account-level role API Gateway uses to write execution logs (`AWS::ApiGateway::Account`,
   * one per account and region: set false when another stack already manages it).
   * @default true
   */
  readonly cloudWatchRole?: boolean;
  /** Request-body schemas of the POST routes. @default {@link requestBodySchemas}() */
  readonly bodySchemas?: Readonly<Record<BodyRoute, JsonSchemaObject>>;
}

/** Method throttle of the unauthenticated `GET /health` (requests/s, burst). */
export const HEALTH_THROTTLE = { rateLimit: 2, burstLimit: 5 } as const;

/**
 * Access-log record: the standard JSON fields plus the caller's IAM ARN (`userArn`), so a request
 * can be traced to the principal that signed it.
 * Source: https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-mapping-template-reference.html#context-variable-reference
 */
export const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  caller: '$context.identity.caller',
  user: '$context.identity.user',
  userArn: '$context.identity.userArn',
  requestTime: '$context.requestTime',
  httpMethod: '$context.httpMethod',
  resourcePath: '$context.resourcePath',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
} as const;

/** Routes of the API (issue 4, plus the schedule routes of `src/api/routes/files-estimate-schedule.ts`) as `METHOD path`, all proxied to the one API Lambda. */
export const API_ROUTES = [
  'GET /health',
  'POST /archive',
  'GET /archive/{job_id}',
  'POST /restore',
  'GET /restore/{restore_id}',
  'GET /files',
  'POST /estimate',
  'GET /schedule',
  'POST /schedule/preview',
] as const;

/**
 * The REST API: regional endpoint, IAM (SigV4) authorization on every route except `GET /health`,
 * request validators (JSON body models on POST routes; required path parameters), stage
 * throttling, JSON access logs and ERROR-level execution logs, X-Ray tracing, all routes proxied
 * to one Lambda (`src/entrypoints/lambda/api.ts`, 1,024 MiB, 29 s: API Gateway's integration limit).
 * Gateway errors answer JSON `{code, message}` like the handlers do.
 * Sources: https://docs.aws.amazon.com/apigateway/latest/developerguide/permissions.html,
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html
 */
export class Api extends Construct {
  /** The REST API. */
  readonly restApi: apigw.RestApi;
  /** The API Lambda. */
  readonly handler: ColdpackFunction;

  /** @param scope parent; @param id construct id; @param props see {@link ApiProps} */
  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    this.handler = new ColdpackFunction(this, 'Handler', {
      entry: 'src/entrypoints/lambda/api.ts',
      description: 'coldpack HTTP API (API Gateway REST proxy)',
      environment: props.environment,
      key: props.key,
      memorySize: 1024,
      timeout: Duration.seconds(29),
    });
    const accessLogs = logGroup(this, 'AccessLogs');
    this.restApi = new apigw.RestApi(this, 'RestApi', {
      description: 'coldpack: archive and restore API (IAM auth)',
      endpointConfiguration: { types: [apigw.EndpointType.REGIONAL] },
      cloudWatchRole: props.cloudWatchRole ?? true,
      defaultMethodOptions: { authorizationType: apigw.AuthorizationType.IAM },
      deployOptions: {
        stageName: 'v1',
        accessLogDestination: new apigw.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigw.AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
        loggingLevel: apigw.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        metricsEnabled: true,
        tracingEnabled: true,
        throttlingRateLimit: props.throttlingRateLimit ?? 50,
        throttlingBurstLimit: props.throttlingBurstLimit ?? 100,
        // The unauthenticated probe gets its own small bucket, so anonymous callers cannot use up the stage's.
        methodOptions: { '/health/GET': { throttlingRateLimit: HEALTH_THROTTLE.rateLimit, throttlingBurstLimit: HEALTH_THROTTLE.burstLimit } },
      },
    });
    const api = this.restApi;
    api.node.tryRemoveChild('Endpoint'); // the stack outputs it once, as ApiUrl
    const integration = new apigw.LambdaIntegration(this.handler.fn, { proxy: true, allowTestInvoke: false });
    const bodyValidator = api.addRequestValidator('BodyValidator', { validateRequestBody: true, validateRequestParameters: true });
    const paramValidator = api.addRequestValidator('ParameterValidator', { validateRequestBody: false, validateRequestParameters: true });
    const schemas = props.bodySchemas ?? requestBodySchemas();
    const models = {} as Record<BodyRoute, apigw.Model>;
    for (const route of Object.keys(schemas) as BodyRoute[]) {
      models[route] = api.addModel(`${route[0]!.toUpperCase()}${route.slice(1)}Request`, {
        modelName: `${route[0]!.toUpperCase()}${route.slice(1)}Request`,
        contentType: 'application/json',
        description: `POST /${route === 'schedulePreview' ? 'schedule/preview' : route} body`,
        schema: schemas[route] as apigw.JsonSchema,
      });
    }
    const post = (resource: apigw.IResource, route: BodyRoute) =>
      resource.addMethod('POST', integration, { requestValidator: bodyValidator, requestModels: { 'application/json': models[route] } });
    const getById = (resource: apigw.IResource, param: string) =>
      resource.addResource(`{${param}}`).addMethod('GET', integration, {
        requestValidator: paramValidator,
        requestParameters: { [`method.request.path.${param}`]: true },
      });

    const health = api.root.addResource('health').addMethod('GET', integration, { authorizationType: apigw.AuthorizationType.NONE });
    const healthReason =
      'GET /health is the unauthenticated liveness probe (issue 4); it returns no data and has its own low method throttle (HEALTH_THROTTLE).';
    acknowledge(health, 'AwsSolutions-APIG4', healthReason);
    acknowledge(health, 'AwsSolutions-COG4', healthReason);
    acknowledge(
      api,
      'AwsSolutions-COG4',
      'Callers are AWS principals of the account (the source application, operators) authenticated with IAM SigV4 (AuthorizationType AWS_IAM); there are no end users for a Cognito user pool.',
    );
    acknowledge(
      api.deploymentStage,
      'AwsSolutions-APIG3',
      'No WAF web ACL by default: every route but /health needs a SigV4 signature of an account principal, so API Gateway rejects anonymous traffic before the integration, and the stage is throttled. A web ACL (about $5/month plus rules and requests) can be associated with the stage after deployment.',
    );
    const cloudWatchRole = api.node.tryFindChild('CloudWatchRole');
    if (cloudWatchRole) {
      // Only API Gateway acting for this account may assume it (confused-deputy protection).
      ((cloudWatchRole as iam.Role).node.defaultChild as iam.CfnRole).addPropertyOverride('AssumeRolePolicyDocument.Statement.0.Condition', {
        StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
      });
      acknowledge(
        cloudWatchRole,
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        'The account-level API Gateway logging role uses the AWS managed policy AWS documents for it; it can only write CloudWatch Logs (https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html).',
      );
    }
    const archive = api.root.addResource('archive');
    post(archive, 'archive');
    getById(archive, 'job_id');
    const restore = api.root.addResource('restore');
    post(restore, 'restore');
    getById(restore, 'restore_id');
    api.root.addResource('files').addMethod('GET', integration, {
      requestValidator: paramValidator,
      requestParameters: { 'method.request.querystring.key': false, 'method.request.querystring.name': false },
    });
    post(api.root.addResource('estimate'), 'estimate');
    const schedule = api.root.addResource('schedule');
    schedule.addMethod('GET', integration);
    post(schedule.addResource('preview'), 'schedulePreview');

    const json = (code: string) => ({
      'application/json': `{"code":"${code}","message":$context.error.messageString,"request_id":"$context.requestId"}`,
    });
    api.addGatewayResponse('BadBody', { type: apigw.ResponseType.BAD_REQUEST_BODY, templates: json('VALIDATION_ERROR') });
    api.addGatewayResponse('BadParameters', { type: apigw.ResponseType.BAD_REQUEST_PARAMETERS, templates: json('VALIDATION_ERROR') });
    api.addGatewayResponse('Default4xx', { type: apigw.ResponseType.DEFAULT_4XX, templates: json('CLIENT_ERROR') });
    api.addGatewayResponse('Default5xx', { type: apigw.ResponseType.DEFAULT_5XX, templates: json('INTERNAL_ERROR') });
  }
}
