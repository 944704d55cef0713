import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startAwsErrorServer, type AwsErrorServer } from '../../support/aws-error-server.js';

const BIN = fileURLToPath(new URL('../../../bin/coldpack.js', import.meta.url));

/** Run the real CLI in a child process with `env` over a clean AWS environment. */
function run(args: string[], env: Record<string, string>): Promise<{ code: number; out: string; err: string }> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_') && !k.startsWith('COLDPACK_')));
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { timeout: 60_000, env: { ...base, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1', ...env } },
      (error, stdout, stderr) => resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, out: stdout, err: stderr }),
    );
  });
}

const UNREACHABLE = { AWS_ENDPOINT_URL: 'http://127.0.0.1:9' };

describe('CLI errors: coldpack: <CODE>: <message>, exit code from the table', () => {
  it('an unreachable endpoint is AWS_UNREACHABLE naming the operation and the endpoint, exit 1', async () => {
    const r = await run(['status', 'job-1'], UNREACHABLE);
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, /^coldpack: AWS_UNREACHABLE: DynamoDB GetItem: cannot reach http:\/\/127\.0\.0\.1:9: connect ECONNREFUSED 127\.0\.0\.1:9$/m);
    assert.doesNotMatch(r.err, /caused by/, 'no cause chain without --debug');
    assert.doesNotMatch(r.err, /coldpack: Error:/);
  });

  it('--debug prints the cause chain', async () => {
    const r = await run(['--debug', 'status', 'job-1'], UNREACHABLE);
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, /^coldpack: AWS_UNREACHABLE: /m);
    assert.match(r.err, /^ {2}caused by: Error: connect ECONNREFUSED 127\.0\.0\.1:9 \(DynamoDB GetItem, code ECONNREFUSED, \d+ attempts?\)$/m);
  });

  it('--json also prints the error as JSON on stdout', async () => {
    const r = await run(['--json', 'status', 'job-1'], UNREACHABLE);
    assert.equal(r.code, 1);
    const body = JSON.parse(r.out) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'AWS_UNREACHABLE');
    assert.match(body.error.message, /DynamoDB GetItem/);
  });

  it('a bad environment variable is CONFIG_ERROR, exit 1; a bad flag is VALIDATION_ERROR, exit 2', async () => {
    const config = await run(['status', 'job-1'], { COLDPACK_CONCURRENCY: 'many' });
    assert.equal(config.code, 1);
    assert.match(config.err, /^coldpack: CONFIG_ERROR: invalid environment: COLDPACK_CONCURRENCY must be a whole number/m);
    const usage = await run(['status'], {});
    assert.equal(usage.code, 2);
    assert.match(usage.err, /^coldpack: VALIDATION_ERROR: missing required argument 'job_id'/m);
  });

  describe('an AWS error answer', () => {
    let server: AwsErrorServer;
    let endpoint: string;
    before(async () => {
      // Answers like DynamoDB does for a missing table.
      server = await startAwsErrorServer('REQ-7');
      endpoint = server.endpoint;
    });
    after(() => server.close());

    it('is AWS_ERROR with the operation; --debug shows the HTTP status and the request id', async () => {
      const r = await run(['--debug', 'status', 'job-1'], { AWS_ENDPOINT_URL: endpoint });
      assert.equal(r.code, 1, r.err);
      assert.match(r.err, /^coldpack: AWS_ERROR: DynamoDB GetItem failed: ResourceNotFoundException: table coldpack-jobs: Requested resource not found$/m); // the table named (dynamo-errors.ts)
      assert.match(
        r.err,
        /caused by: ResourceNotFoundException: table coldpack-jobs: Requested resource not found \(DynamoDB GetItem, HTTP 400, request id REQ-7, 1 attempt\)/,
      );
    });
  });
});
