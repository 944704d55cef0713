/** CLI errors name the CLI's flags, not the API's request fields behind them (one mapping: `cli-flags.ts`). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { reportFailure } from '../../../src/entrypoints/cli/main.js';
import { QcMismatchError, ValidationError } from '../../../src/domain/errors.js';
import { flagOf, withFlags } from '../../../src/entrypoints/cli/cli-flags.js';
import { AmbiguousNameError } from '../../../src/restore/ambiguity.js';

/** What reportFailure writes: stderr lines and the stdout JSON. */
function report(err: unknown, json = false): { code: number; err: string; out: string } {
  const out: string[] = [];
  const errs: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  const errWrite = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string) => (out.push(s), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => (errs.push(s), true)) as typeof process.stderr.write;
  try {
    return { code: reportFailure(err, { json }, undefined), err: errs.join(''), out: out.join('') };
  } finally {
    process.stdout.write = write;
    process.stderr.write = errWrite;
  }
}

describe('CLI errors name flags', () => {
  it('the field of an error raised with an API field name is printed as the flag', () => {
    const r = report(new ValidationError('bucket nosuch does not exist', 'bucket_name', 'SOURCE_NOT_FOUND'));
    assert.equal(r.code, 2);
    assert.equal(r.err, 'coldpack: SOURCE_NOT_FOUND: bucket nosuch does not exist (flag: --bucket)\n');
    const j = report(new ValidationError('sns_topic_arn "x" is not allowed', 'sns_topic_arn', 'TOPIC_NOT_ALLOWED'), true);
    assert.deepEqual(JSON.parse(j.out), { error: { code: 'TOPIC_NOT_ALLOWED', message: '--topic-arn "x" is not allowed', field: '--topic-arn' } });
  });

  it('field names in the message become flags; the same words inside keys, paths and quotes stay', () => {
    const qc = report(
      new QcMismatchError(
        'listing does not match the request (file_count: expected 6, listed 5); nothing was written or deleted. Set allow_mismatch to override.',
      ),
    );
    assert.equal(
      qc.err,
      'coldpack: QC_MISMATCH: listing does not match the request (--file-count: expected 6, listed 5); nothing was written or deleted. Set --allow-mismatch to override.\n',
    );
    assert.equal(withFlags('key "reports/file_count.csv" and s3://b/all_matches.txt'), 'key "reports/file_count.csv" and s3://b/all_matches.txt');
    assert.equal(withFlags('set all_matches.'), 'set --all-matches.');
    assert.equal(withFlags('deployment.share: Too big'), '--shared-stack: Too big');
    assert.equal(withFlags('archive_size_mb must be > 0'), '--archive-size must be > 0');
  });

  it('an ambiguous name tells the CLI user --all-matches and --bucket', () => {
    const err = new AmbiguousNameError('key is archived from several buckets (give bucket_name)', 'keys', [
      { asked: 'k', candidates: ['s3://a/k', 's3://b/k'] },
    ]);
    const r = report(err);
    assert.match(r.err, /\(give --bucket\); name the key exactly or set --all-matches: k: s3:\/\/a\/k, s3:\/\/b\/k \(flag: --key\)$/m);
    assert.doesNotMatch(r.err, /bucket_name|all_matches/);
  });

  it('flags, arguments and fields without a flag', () => {
    assert.equal(flagOf('--csv'), '--csv');
    assert.equal(flagOf('allow_mismatch'), '--allow-mismatch');
    assert.equal(flagOf('job_id'), '<job_id>');
    assert.equal(flagOf('Idempotency-Key'), 'Idempotency-Key');
    assert.match(report(new ValidationError('no such job', 'job_id')).err, /\(argument: <job_id>\)$/m);
  });
});
