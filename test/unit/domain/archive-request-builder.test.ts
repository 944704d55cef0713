import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildArchiveRequest, DOMAIN_FIELD_NAMES, type ArchiveRequestInput } from '../../../src/domain/archive-request-builder.js';
import { ValidationError } from '../../../src/domain/errors.js';

const list = { kind: 'list', bucket: 'src-bucket', prefix: '20240410/' } as const;
const base: ArchiveRequestInput = { project: 'amazon', source: list, requestedBy: 'cli' };

function refused(input: Partial<ArchiveRequestInput>, field: string, pattern?: RegExp): void {
  assert.throws(
    () => buildArchiveRequest({ ...base, ...input }),
    (err: unknown) => err instanceof ValidationError && err.field === field && (pattern === undefined || pattern.test(err.message)),
    field,
  );
}

describe('buildArchiveRequest', () => {
  it('applies the documented defaults', () => {
    assert.deepEqual(buildArchiveRequest(base), {
      project: 'amazon',
      source: list,
      max_bundle_bytes: 512_000_000,
      max_files_per_bundle: 100_000,
      storage_class: 'DEEP_ARCHIVE',
      allow_mismatch: false,
      delete_source: true,
      dry_run: false,
      requested_by: 'cli',
      shard_max_files: 1_000_000,
      shard_max_bytes: 100 * 1024 ** 3,
    });
  });

  it('takes every value the caller gives', () => {
    const r = buildArchiveRequest({
      ...base,
      archiveSizeMb: 16,
      maxFilesPerBundle: 10,
      storageClass: 'GLACIER',
      expectedFileCount: 5,
      expectedTotalBytes: 1000,
      allowMismatch: true,
      deleteSource: false,
      dryRun: true,
      outputPrefix: 'label',
      period: '2024-04',
    });
    assert.equal(r.max_bundle_bytes, 16_000_000);
    assert.equal(r.max_files_per_bundle, 10);
    assert.equal(r.storage_class, 'GLACIER');
    assert.equal(r.expected_file_count, 5);
    assert.equal(r.expected_total_bytes, 1000);
    assert.equal(r.allow_mismatch, true);
    assert.equal(r.delete_source, false);
    assert.equal(r.dry_run, true);
    assert.equal(r.output_prefix, 'label');
    assert.equal(r.period, '2024-04');
  });

  it('refuses bad values, naming the field as the caller named it', () => {
    refused({ project: 'a b' }, 'project');
    refused({ source: { kind: 'list', bucket: 'Bad_Bucket', prefix: 'x/' } }, 'bucket', /not a valid S3 bucket name/);
    refused({ source: { kind: 'list', bucket: 'src-bucket', prefix: '' } }, 'prefix');
    refused({ source: { kind: 'list', bucket: 'src-bucket', prefix: 'k'.repeat(1025) } }, 'prefix', /1024 UTF-8 bytes/);
    refused({ source: { kind: 'inventory', bucket: 'x', manifest: 'm.json' } }, 'manifest');
    refused({ source: { kind: 'csv', bucket: '', manifest: '' } }, 'manifest');
    refused({ archiveSizeMb: 0 }, 'archiveSizeMb', /from 1 to 5000000, got 0/);
    refused({ archiveSizeMb: 1.5 }, 'archiveSizeMb');
    refused({ maxFilesPerBundle: 1_000_001 }, 'maxFilesPerBundle');
    refused({ expectedFileCount: 0 }, 'expectedFileCount');
    refused({ storageClass: 'ONEZONE_IA' }, 'storageClass', /DEEP_ARCHIVE, GLACIER/);
    refused({ outputPrefix: '' }, 'outputPrefix');
    refused({ period: '2024-13' }, 'period');
    assert.throws(
      () => buildArchiveRequest({ ...base, archiveSizeMb: 0 }, { ...DOMAIN_FIELD_NAMES, archiveSizeMb: '--archive-size' }),
      (err: unknown) => err instanceof ValidationError && err.field === '--archive-size' && /^--archive-size must/.test(err.message),
    );
  });

  it('accepts a local CSV manifest (no bucket) for the CLI', () => {
    const r = buildArchiveRequest({ ...base, source: { kind: 'csv', bucket: '', manifest: './objects.csv' } });
    assert.deepEqual(r.source, { kind: 'csv', bucket: '', manifest: './objects.csv' });
  });
});
