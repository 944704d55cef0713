import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ArchiveBody, RestoreBody } from '../../../src/api/schemas.js';
import { validate } from '../../../src/api/http.js';
import { bucketNameProblem } from '../../../src/api/fields.js';
import { checkDeployment, normalizeAccount, splitFileNames, toArchiveRequest, toRestoreInput } from '../../../src/api/mapping.js';
import { ValidationError } from '../../../src/domain/errors.js';

const ctx = { now: new Date('2024-04-10T03:00:00Z'), timeZone: 'UTC', requestedBy: 'api' };
const base = { project_name: 'amazon', bucket_name: 'src-bucket', prefix: '20240410', file_count: 50000, archive_size: 500 };

function fieldOf(fn: () => unknown): { field: string | undefined; message: string } {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ValidationError, `expected ValidationError, got ${String(err)}`);
    return { field: err.field, message: err.message };
  }
  assert.fail('expected a ValidationError');
}

describe('archive body', () => {
  it('maps the source application fields onto an ArchiveRequest with the documented defaults', () => {
    const body = validate(
      ArchiveBody,
      { ...base, account: '1234567890', region: 'us-east-1', storage_class: 'GLACIER', output_prefix: 'amazon-20240410' },
      'x',
    );
    const req = toArchiveRequest(body, ctx);
    assert.deepEqual(req.source, { kind: 'list', bucket: 'src-bucket', prefix: '20240410/' });
    assert.equal(req.max_bundle_bytes, 500_000_000);
    assert.equal(req.expected_file_count, 50000);
    assert.equal(req.storage_class, 'GLACIER');
    assert.equal(req.output_prefix, 'amazon-20240410');
    assert.equal(req.delete_source, true);
    assert.equal(req.dry_run, false);
    assert.equal(req.allow_mismatch, false);
    assert.equal(req.max_files_per_bundle, 100_000);
    assert.equal(req.shard_max_files, 1_000_000);
    assert.equal(req.shard_max_bytes, 100 * 1024 ** 3);
    assert.equal(req.period, '2024-04');
    assert.equal(req.requested_by, 'api');
  });

  it('defaults to DEEP_ARCHIVE and 512 MB bundles', () => {
    const req = toArchiveRequest(validate(ArchiveBody, { project_name: 'p', bucket_name: 'src-bucket', prefix: 'a' }, 'x'), ctx);
    assert.equal(req.storage_class, 'DEEP_ARCHIVE');
    assert.equal(req.max_bundle_bytes, 512_000_000);
  });

  it('keeps a prefix that already ends with "/" and uses s3_prefix as is', () => {
    const a = toArchiveRequest(validate(ArchiveBody, { ...base, prefix: '20240410/' }, 'x'), ctx);
    assert.equal(a.source.kind === 'list' && a.source.prefix, '20240410/');
    const { prefix: _p, ...noPrefix } = base;
    const b = toArchiveRequest(validate(ArchiveBody, { ...noPrefix, s3_prefix: '2024041' }, 'x'), ctx);
    assert.equal(b.source.kind === 'list' && b.source.prefix, '2024041');
  });

  it('requires exactly one of prefix and s3_prefix', () => {
    const { prefix: _p, ...noPrefix } = base;
    assert.equal(fieldOf(() => validate(ArchiveBody, noPrefix, 'x')).field, 'prefix');
    assert.equal(fieldOf(() => validate(ArchiveBody, { ...base, s3_prefix: 'x/' }, 'x')).field, 's3_prefix');
  });

  it('rejects the sample bucket name amazon-1234567890-us-east-1_src on bucket_name', () => {
    const e = fieldOf(() => validate(ArchiveBody, { ...base, bucket_name: 'amazon-1234567890-us-east-1_src' }, 'x'));
    assert.equal(e.field, 'bucket_name');
    assert.match(e.message, /not a valid S3 bucket name.*"_"/);
  });

  it('names unknown fields, wrong types, zero and negative sizes, unknown storage classes', () => {
    assert.deepEqual(fieldOf(() => validate(ArchiveBody, { ...base, colour: 'red' }, 'x')).field, 'colour');
    assert.match(fieldOf(() => validate(ArchiveBody, { ...base, colour: 'red' }, 'x')).message, /unknown field "colour"; allowed: project_name/);
    const t = fieldOf(() => validate(ArchiveBody, { ...base, file_count: '50000' }, 'x'));
    assert.equal(t.field, 'file_count');
    assert.match(t.message, /expected number, received string \(got "50000"\)/);
    for (const [f, v] of [
      ['archive_size', 0],
      ['archive_size', -5],
      ['file_count', 0],
      ['total_size', -1],
      ['max_files_per_bundle', 0],
      ['archive_size', 1.5],
    ] as const) {
      assert.equal(fieldOf(() => validate(ArchiveBody, { ...base, [f]: v }, 'x')).field, f, `${f}=${v}`);
    }
    assert.equal(fieldOf(() => validate(ArchiveBody, { ...base, storage_class: 'GLACIER_DEEP' }, 'x')).field, 'storage_class');
    assert.equal(fieldOf(() => validate(ArchiveBody, { ...base, prefix: '/abs' }, 'x')).field, 'prefix');
  });

  it('refuses a non-object body', () => {
    assert.match(fieldOf(() => validate(ArchiveBody, [1], 'archive request')).message, /must be a JSON object, got an array/);
  });
});

describe('bucket names', () => {
  it('follows the S3 general purpose bucket naming rules', () => {
    for (const ok of ['abc', 'my.bucket-1', 'a'.repeat(63), 'amazon-1234567890-us-east-1-src']) assert.equal(bucketNameProblem(ok), undefined, ok);
    for (const bad of [
      'ab',
      'a'.repeat(64),
      'Upper',
      'under_score',
      '-start',
      'end-',
      'a..b',
      '192.168.5.4',
      'xn--abc',
      'sthree-x',
      'amzn-s3-demo-x',
      'x-s3alias',
      'x--ol-s3',
      'x.mrap',
      'x--x-s3',
    ]) {
      assert.ok(bucketNameProblem(bad), bad);
    }
  });
});

describe('restore body', () => {
  it('splits the comma-separated filename and applies tier Standard and 3 days', () => {
    const body = validate(RestoreBody, { project_name: 'amazon', filename: '5000_20240517_003.csv, 5000_20240517_004.csv,,5000_20240517_003.csv' }, 'x');
    const input = toRestoreInput(body, 'api');
    assert.deepEqual(input.selection, { kind: 'names', names: ['5000_20240517_003.csv', '5000_20240517_004.csv'] });
    assert.equal(input.tier, 'Standard');
    assert.equal(input.days, 3);
    assert.equal(input.all_matches, false);
    assert.equal(input.project, 'amazon');
  });

  it('maps key, keys, prefix and keys_manifest', () => {
    assert.deepEqual(toRestoreInput(validate(RestoreBody, { key: 'q/a+b.txt' }, 'x'), 'api').selection, { kind: 'keys', keys: ['q/a+b.txt'] });
    assert.deepEqual(toRestoreInput(validate(RestoreBody, { keys: ['a', 'b', 'a'] }, 'x'), 'api').selection, { kind: 'keys', keys: ['a', 'b'] });
    assert.deepEqual(toRestoreInput(validate(RestoreBody, { prefix: 'r/' }, 'x'), 'api').selection, { kind: 'prefix', prefix: 'r/' });
    assert.deepEqual(toRestoreInput(validate(RestoreBody, { keys_manifest: 's3://lists/k/keys.txt' }, 'x'), 'api').selection, {
      kind: 'manifest',
      bucket: 'lists',
      key: 'k/keys.txt',
    });
  });

  it('keeps Expedited (refused later per storage class) and refuses unknown tiers', () => {
    assert.equal(toRestoreInput(validate(RestoreBody, { key: 'k', retrieval_tier: 'Expedited' }, 'x'), 'api').tier, 'Expedited');
    assert.equal(fieldOf(() => validate(RestoreBody, { key: 'k', retrieval_tier: 'Fast' }, 'x')).field, 'retrieval_tier');
  });

  it('refuses days 0, non-integer days, no selector and two selectors', () => {
    assert.equal(fieldOf(() => validate(RestoreBody, { key: 'k', days: 0 }, 'x')).field, 'days');
    assert.equal(fieldOf(() => validate(RestoreBody, { key: 'k', days: 2.5 }, 'x')).field, 'days');
    assert.match(fieldOf(() => validate(RestoreBody, {}, 'x')).message, /one of filename, keys, key, prefix, keys_manifest/);
    assert.equal(fieldOf(() => validate(RestoreBody, { key: 'k', filename: 'a.csv' }, 'x')).field, 'key');
  });

  it('counts key length in UTF-8 bytes (1,024 max)', () => {
    const key1024 = 'k/' + '€'.repeat(340) + 'xy';
    assert.equal(Buffer.byteLength(key1024), 1024);
    validate(RestoreBody, { key: key1024 }, 'x');
    assert.equal(fieldOf(() => validate(RestoreBody, { key: key1024 + 'z' }, 'x')).field, 'key');
  });

  it('refuses file names with folders', () => {
    assert.equal(fieldOf(() => splitFileNames('a/b.csv')).field, 'filename');
    assert.equal(fieldOf(() => splitFileNames(' , ')).field, 'filename');
  });
});

describe('deployment check', () => {
  const dep = { region: 'us-east-1', account: '001234567890' };
  it('refuses another region with a message naming both', () => {
    const e = fieldOf(() => checkDeployment({ region: 'ap-south-1' }, dep));
    assert.equal(e.field, 'region');
    assert.match(e.message, /ap-south-1.*us-east-1/);
  });
  it('compares accounts as 12-digit ids', () => {
    checkDeployment({ region: 'us-east-1', account: '1234567890' }, dep);
    assert.equal(fieldOf(() => checkDeployment({ account: '999' }, dep)).field, 'account');
    assert.equal(normalizeAccount('1'), '000000000001');
  });
  it('accepts any account when the deployment account is unknown', () => {
    checkDeployment({ account: '999' }, { region: 'us-east-1' });
  });
});
