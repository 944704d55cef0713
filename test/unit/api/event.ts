/** Build API Gateway REST proxy events for unit tests. */
import type { APIGatewayProxyEvent } from 'aws-lambda';

/** A minimal proxy event for `method path` with an optional JSON/string body, headers and query. */
export function proxyEvent(
  method: string,
  path: string,
  opts: { body?: unknown; headers?: Record<string, string>; query?: Record<string, string>; stage?: string; userArn?: string } = {},
): APIGatewayProxyEvent {
  const body = opts.body === undefined ? null : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
  return {
    resource: '/{proxy+}',
    path,
    httpMethod: method,
    headers: { host: 'api.example.com', ...(opts.headers ?? {}) },
    multiValueHeaders: {},
    queryStringParameters: opts.query ?? null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body,
    isBase64Encoded: false,
    requestContext: {
      path: `${opts.stage ? `/${opts.stage}` : ''}${path}`,
      stage: opts.stage ?? '$default',
      requestId: 'req-1',
      identity: { userArn: opts.userArn ?? null },
    } as unknown as APIGatewayProxyEvent['requestContext'],
  };
}
