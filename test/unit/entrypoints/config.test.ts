import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CONFIG_DEFAULTS, loadConfig, readProcessConfig, restoreOptionsOf } from '../../../src/entrypoints/config.js';
import { ENV } from '../../../src/domain/env-names.js';
import { ColdpackError } from '../../../src/domain/errors.js';
import { isLastAttempt } from '../../../src/domain/config.js';

/** Asserts `fn` throws CONFIG_ERROR (HTTP 500, exit 1) whose message matches `pattern`. */
function configError(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ColdpackError, String(err));
    assert.equal(err.code, 'CONFIG_ERROR');
    assert.equal(err.status, 500);
    assert.equal(err.exitCode, 1);
    assert.match(err.message, pattern);
    return true;
  });
}

describe('readProcessConfig', () => {
  it('applies the documented defaults to an empty environment and freezes the result', () => {
    const s = readProcessConfig({});
    assert.equal(s.coldpack.region, CONFIG_DEFAULTS.region);
    assert.equal(s.coldpack.archiveBucket, 'coldpack-archive');
    assert.equal(s.coldpack.restoreBucket, 'coldpack-restore');
    assert.equal(s.coldpack.tablePrefix, 'coldpack-');
    assert.equal(s.coldpack.concurrency, 64);
    assert.deepEqual(s.coldpack.allowedTopicArns, []);
    assert.equal(s.coldpack.sourceBuckets, undefined);
    assert.equal(s.jobRunner, undefined);
    assert.equal(s.schedule, undefined);
    assert.equal(s.scheduleTimeZone, 'UTC');
    assert.deepEqual(s.worker, { attempt: 1, attempts: 1 });
    assert.ok(Object.isFrozen(s) && Object.isFrozen(s.coldpack) && Object.isFrozen(s.worker));
    assert.deepEqual(restoreOptionsOf(s), {});
  });

  it('reads every variable under its ENV name; empty values count as unset', () => {
    const s = readProcessConfig({
      [ENV.DEFAULT_REGION]: 'eu-west-1',
      [ENV.ENDPOINT_URL]: 'http://127.0.0.1:5000',
      [ENV.ACCOUNT]: '123456789012',
      [ENV.ARCHIVE_BUCKET]: 'a-bucket',
      [ENV.RESTORE_BUCKET]: '',
      [ENV.ALLOWED_TOPIC_ARNS]: ' arn:aws:sns:eu-west-1:123456789012:a , arn:aws:sns:eu-west-1:123456789012:b,',
      [ENV.SOURCE_BUCKETS]: 'src-1,src-2',
      [ENV.CONCURRENCY]: '8',
      [ENV.PRESIGN_EXPIRES_SECONDS]: '3600',
      [ENV.JOB_RUNNER]: 'aws-batch',
      [ENV.JOB_QUEUE]: 'q',
      [ENV.JOB_DEFINITION_SHARD]: 'shard:1',
      [ENV.JOB_DEFINITION_FINALIZE]: 'finalize:1',
      [ENV.BATCH_JOB_ATTEMPT]: '3',
      [ENV.WORKER_ATTEMPTS]: '3',
      [ENV.BATCH_JOB_ARRAY_INDEX]: '7',
      [ENV.SCHEDULE_TIMEZONE]: 'Europe/London',
      [ENV.SCHEDULE_REQUEST]: JSON.stringify({ project_name: 'amazon', bucket_name: 'src-1' }),
    });
    assert.equal(s.coldpack.region, 'eu-west-1');
    assert.equal(s.coldpack.endpoint, 'http://127.0.0.1:5000');
    assert.equal(s.coldpack.account, '123456789012');
    assert.equal(s.coldpack.archiveBucket, 'a-bucket');
    assert.equal(s.coldpack.restoreBucket, 'coldpack-restore');
    assert.deepEqual(s.coldpack.allowedTopicArns, ['arn:aws:sns:eu-west-1:123456789012:a', 'arn:aws:sns:eu-west-1:123456789012:b']);
    assert.deepEqual(s.coldpack.sourceBuckets, ['src-1', 'src-2']);
    assert.equal(s.coldpack.concurrency, 8);
    assert.deepEqual(restoreOptionsOf(s), { presignSeconds: 3600 });
    assert.deepEqual(s.jobRunner, { jobQueue: 'q', shardJobDefinition: 'shard:1', finalizeJobDefinition: 'finalize:1' });
    assert.deepEqual(s.worker, { attempt: 3, attempts: 3, arrayIndex: 7 });
    assert.equal(isLastAttempt(s.worker), true);
    assert.equal(s.schedule?.time_zone, 'Europe/London');
    assert.equal(s.scheduleTimeZone, 'Europe/London');
    assert.ok(Object.isFrozen(s.schedule) && Object.isFrozen(s.schedule?.request));
  });

  it('COLDPACK_RESTORE_WORKER_FUNCTION: a Lambda function name or ARN, unset by default, anything else a CONFIG_ERROR', () => {
    assert.equal(readProcessConfig({}).restoreWorkerFunction, undefined);
    assert.equal(
      readProcessConfig({ [ENV.RESTORE_WORKER_FUNCTION]: 'Coldpack-SchedulesReconcileFunction-AbC_12' }).restoreWorkerFunction,
      'Coldpack-SchedulesReconcileFunction-AbC_12',
    );
    const arn = 'arn:aws:lambda:eu-west-1:123456789012:function:coldpack-reconcile:live';
    assert.equal(readProcessConfig({ [ENV.RESTORE_WORKER_FUNCTION]: arn }).restoreWorkerFunction, arn);
    configError(
      () => readProcessConfig({ [ENV.RESTORE_WORKER_FUNCTION]: 'no spaces allowed' }),
      /COLDPACK_RESTORE_WORKER_FUNCTION must be a Lambda function name/,
    );
    configError(() => readProcessConfig({ [ENV.RESTORE_WORKER_FUNCTION]: 'x'.repeat(65) }), /COLDPACK_RESTORE_WORKER_FUNCTION/);
  });

  it('COLDPACK_CATALOG: compact by default, per_file when asked, anything else a CONFIG_ERROR', () => {
    assert.equal(loadConfig({}).catalog, 'compact');
    assert.equal(loadConfig({ [ENV.CATALOG]: 'per_file' }).catalog, 'per_file');
    configError(() => loadConfig({ [ENV.CATALOG]: 'full' }), /COLDPACK_CATALOG must be one of compact, per_file/);
  });

  it('CLI overrides win over the variables', () => {
    const c = loadConfig({ [ENV.ARCHIVE_BUCKET]: 'from-env' }, { archiveBucket: 'from-flag', restoreBucket: undefined });
    assert.equal(c.archiveBucket, 'from-flag');
    assert.equal(c.restoreBucket, 'coldpack-restore');
  });

  it('a bad value is a CONFIG_ERROR (500) naming the variable and the value, never a 400', () => {
    configError(() => loadConfig({ [ENV.CONCURRENCY]: 'lots' }), /COLDPACK_CONCURRENCY must be a whole number .* got "lots"/);
    configError(() => loadConfig({ [ENV.CONCURRENCY]: '0' }), /COLDPACK_CONCURRENCY must be at least 1/);
    configError(() => loadConfig({ [ENV.PRESIGN_EXPIRES_SECONDS]: '604801' }), /COLDPACK_PRESIGN_EXPIRES_SECONDS must be at most 604800/);
    configError(() => loadConfig({ [ENV.ENDPOINT_URL]: 'localhost:4566' }), /AWS_ENDPOINT_URL must be an http\(s\) URL/);
    configError(() => loadConfig({ [ENV.REGION]: 'US East' }), /AWS_REGION must be an AWS region/);
    configError(() => loadConfig({ [ENV.JOB_RUNNER]: 'aws_batch' }), /COLDPACK_JOB_RUNNER/);
    configError(() => loadConfig({ [ENV.SCHEDULE_TIMEZONE]: 'Mars/Olympus' }), /COLDPACK_SCHEDULE_TIMEZONE must be an IANA time zone/);
  });

  it('lists every bad variable in one message', () => {
    configError(
      () => loadConfig({ [ENV.CONCURRENCY]: 'x', [ENV.ACCOUNT]: '12' }),
      /COLDPACK_ACCOUNT must be a 12-digit.*; COLDPACK_CONCURRENCY|COLDPACK_CONCURRENCY.*; COLDPACK_ACCOUNT/,
    );
  });

  it('aws-batch needs the queue and the shard and finalize definitions', () => {
    configError(
      () => readProcessConfig({ [ENV.JOB_RUNNER]: 'aws-batch', [ENV.JOB_DEFINITION_SHARD]: 's' }),
      /COLDPACK_JOB_QUEUE must be set when COLDPACK_JOB_RUNNER=aws-batch; COLDPACK_JOB_DEFINITION_FINALIZE must be set/,
    );
  });

  it('a malformed schedule is a CONFIG_ERROR with the schedule problem in it', () => {
    configError(() => readProcessConfig({ [ENV.SCHEDULE_REQUEST]: '{not json' }), /invalid schedule configuration: .*malformed JSON/);
    configError(
      () => readProcessConfig({ [ENV.SCHEDULE_CRON]: 'rate(1 day)', [ENV.SCHEDULE_REQUEST]: '{"project_name":"a","bucket_name":"src-1"}' }),
      /COLDPACK_SCHEDULE_CRON must look like cron/,
    );
  });

  it('never echoes the API token', () => {
    configError(() => readProcessConfig({ [ENV.API_TOKEN]: 'short-secret' }), /COLDPACK_API_TOKEN must be at least 16 characters, got 12 characters/);
    assert.throws(
      () => readProcessConfig({ [ENV.API_TOKEN]: 'short-secret' }),
      (err: Error) => !err.message.includes('short-secret'),
    );
  });
});
