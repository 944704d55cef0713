import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { createAwsClients } from '../../../src/adapters/aws-clients.js';
import { ColdpackError } from '../../../src/domain/errors.js';
import { asColdpackError, awsCallSiteOf, causeChain, formatCauseChain } from '../../../src/domain/unexpected-errors.js';
import { startAwsErrorServer, type AwsErrorServer } from '../../support/aws-error-server.js';

describe('asColdpackError', () => {
  it('keeps a ColdpackError as it is', () => {
    const e = new ColdpackError('NOT_FOUND', 'no job x');
    assert.equal(asColdpackError(e), e);
  });

  it('a connection error anywhere in the chain is AWS_UNREACHABLE naming the endpoint', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED', address: '127.0.0.1', port: 9 });
    const e = asColdpackError(new Error('wrapped', { cause: refused }));
    assert.equal(e.code, 'AWS_UNREACHABLE');
    assert.equal(e.status, 503);
    assert.equal(e.exitCode, 1);
    assert.match(e.message, /cannot reach 127\.0\.0\.1:9: connect ECONNREFUSED/);
    assert.match(asColdpackError(refused, 'http://127.0.0.1:9').message, /cannot reach http:\/\/127\.0\.0\.1:9/);
    const aggregate = Object.assign(new AggregateError([refused], ''), { code: 'ECONNREFUSED' });
    assert.equal(asColdpackError(aggregate).code, 'AWS_UNREACHABLE');
  });

  it('an SDK error ($metadata) is AWS_ERROR; anything else INTERNAL; the original is the cause', () => {
    const sdk = Object.assign(new Error('Requested resource not found'), { name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 400 } });
    const e = asColdpackError(sdk);
    assert.equal(e.code, 'AWS_ERROR');
    assert.match(e.message, /an AWS call failed: ResourceNotFoundException: Requested resource not found/);
    assert.equal(e.cause, sdk);
    const boom = asColdpackError(new TypeError('x is undefined'));
    assert.equal(boom.code, 'INTERNAL');
    assert.match(boom.message, /TypeError: x is undefined/);
    assert.equal(asColdpackError('a string').code, 'INTERNAL');
  });

  it('the cause chain lists each cause with its code, HTTP status and request id', () => {
    const sdk = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400, requestId: 'R-1', attempts: 5 } });
    const outer = new ColdpackError('AWS_THROTTLED', 'DynamoDB Query on jobs throttled', { cause: sdk });
    assert.deepEqual(
      causeChain(outer).map((l) => l.name),
      ['ColdpackError', 'ThrottlingException'],
    );
    assert.deepEqual(formatCauseChain(outer), [
      'error: ColdpackError: DynamoDB Query on jobs throttled (code AWS_THROTTLED)',
      'caused by: ThrottlingException: Rate exceeded (HTTP 400, request id R-1, 5 attempts)',
    ]);
    const loop: { cause?: unknown } & Error = new Error('self');
    loop.cause = loop;
    assert.equal(causeChain(loop).length, 1, 'a cycle ends the chain');
  });
});

describe('AWS clients record where a failed call went', () => {
  let server: AwsErrorServer;
  let endpoint: string;
  before(async () => {
    // Answers like DynamoDB does for a missing table.
    server = await startAwsErrorServer('REQ-42');
    endpoint = server.endpoint;
  });
  after(() => server.close());

  const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

  it('an AWS error answer: AWS_ERROR naming the operation, with status and request id in the chain', async () => {
    const clients = createAwsClients({ region: 'us-east-1', endpoint, maxAttempts: 1 });
    clients.dynamo.config.credentials = async () => credentials;
    try {
      const err = await clients.dynamo.send(new GetItemCommand({ TableName: 'missing', Key: { pk: { S: 'x' } } })).then(
        () => assert.fail('expected an error'),
        (e: unknown) => e,
      );
      assert.deepEqual(awsCallSiteOf(err), { client: 'DynamoDBClient', command: 'GetItemCommand', endpoint });
      const e = asColdpackError(err);
      assert.equal(e.code, 'AWS_ERROR');
      assert.equal(e.status, 502);
      // The table is named too (src/adapters/dynamo/dynamo-errors.ts).
      assert.equal(e.message, 'DynamoDB GetItem failed: ResourceNotFoundException: table missing: Requested resource not found');
      assert.match(
        formatCauseChain(e)[1]!,
        /ResourceNotFoundException: table missing: Requested resource not found \(DynamoDB GetItem, HTTP 400, request id REQ-42, 1 attempt\)/,
      );
    } finally {
      clients.destroy();
    }
  });

  it('an unreachable endpoint: AWS_UNREACHABLE naming the operation and the endpoint', async () => {
    const clients = createAwsClients({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9', maxAttempts: 1 });
    clients.s3.config.credentials = async () => credentials;
    try {
      const err = await clients.s3.send(new (await import('@aws-sdk/client-s3')).HeadBucketCommand({ Bucket: 'b' })).then(
        () => assert.fail('expected an error'),
        (e: unknown) => e,
      );
      const e = asColdpackError(err);
      assert.equal(e.code, 'AWS_UNREACHABLE');
      assert.match(e.message, /^S3 HeadBucket: cannot reach http:\/\/127\.0\.0\.1:9: connect ECONNREFUSED/);
    } finally {
      clients.destroy();
    }
  });
});
