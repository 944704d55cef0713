import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgumentError } from 'commander';
import { intFlag } from '../../../src/entrypoints/cli/int-flag.js';
import { requestFromFlags, sourceFromFlags, type ArchiveFlags } from '../../../src/entrypoints/cli/commands/archive.js';
import { toArchiveRequest } from '../../../src/api/mapping.js';
import { ValidationError } from '../../../src/domain/errors.js';

describe('intFlag', () => {
  it('takes decimal digits within the bounds', () => {
    assert.equal(intFlag('--n')('0'), 0);
    assert.equal(intFlag('--n', { min: 1, max: 10 })(' 10 '), 10);
  });

  it('refuses anything else with an InvalidArgumentError naming the flag and the bounds', () => {
    for (const bad of ['0x10', '1e3', '2.5', '-1', 'abc', '', '11', '9007199254740993']) {
      assert.throws(
        () => intFlag('--archive-size', { min: 1, max: 10 })(bad),
        (err: unknown) =>
          err instanceof InvalidArgumentError && /^--archive-size must be a whole number of decimal digits from 1 to 10, got /.test(err.message),
        bad,
      );
    }
  });
});

describe('coldpack archive flags -> ArchiveRequest', () => {
  const now = new Date('2024-04-10T03:00:00Z');
  const flags: ArchiveFlags = {
    bucket: 'src-bucket',
    prefix: '20240410/',
    project: 'amazon',
    archiveSize: 500,
    maxFilesPerBundle: 100_000,
    storageClass: 'DEEP_ARCHIVE',
    deleteSource: true,
    progress: true,
  };

  it('builds the same request as POST /archive with the same values', () => {
    const cli = requestFromFlags({ ...flags, fileCount: 5 }, now);
    const api = toArchiveRequest(
      { project_name: 'amazon', bucket_name: 'src-bucket', s3_prefix: '20240410/', archive_size: 500, file_count: 5 },
      { now, timeZone: 'UTC', requestedBy: 'cli' },
    );
    assert.deepEqual(cli, api);
  });

  it('names the CLI flag in errors', () => {
    const field = (f: ArchiveFlags): string | undefined => {
      try {
        requestFromFlags(f, now);
      } catch (err) {
        assert.ok(err instanceof ValidationError);
        return err.field;
      }
      assert.fail('expected a ValidationError');
    };
    assert.equal(field({ ...flags, bucket: 'Bad_Bucket' }), '--bucket');
    assert.equal(field({ ...flags, project: '-x' }), '--project');
    assert.equal(field({ ...flags, prefix: undefined }), '--prefix');
    assert.equal(field({ ...flags, csv: 'a.csv' }), '--bucket', 'two sources');
  });

  it('reads --csv and --inventory sources without placeholders', () => {
    assert.deepEqual(sourceFromFlags({ csv: 's3://m-bucket/lists/a.csv' }), { kind: 'csv', bucket: 'm-bucket', manifest: 'lists/a.csv' });
    assert.deepEqual(sourceFromFlags({ csv: './a.csv' }), { kind: 'csv', bucket: '', manifest: './a.csv' });
    assert.deepEqual(sourceFromFlags({ inventory: 's3://inv-bucket/x/manifest.json', prefix: '2024' }), {
      kind: 'inventory',
      bucket: 'inv-bucket',
      manifest: 'x/manifest.json',
      prefix: '2024',
    });
    const { bucket: _b, prefix: _p, ...rest } = flags;
    const r = requestFromFlags({ ...rest, csv: './a.csv' }, now);
    assert.deepEqual(r.source, { kind: 'csv', bucket: '', manifest: './a.csv' });
    assert.equal(r.period, '2024-04');
  });
});
