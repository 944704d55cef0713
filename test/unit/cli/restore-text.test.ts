/** The human output of `coldpack restore-status` prints why a request failed, not only with `--json`. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CANDIDATES_LISTED, restoreText } from '../../../src/entrypoints/cli/restore-text.js';
import type { RestoreView } from '../../../src/domain/restore-request.js';

const view = (errors: RestoreView['errors']): RestoreView => ({
  restore_id: 'rst-1',
  status: 'FAILED',
  request: { selection: { kind: 'names', names: ['part.csv'] }, tier: 'Standard', days: 3, all_matches: false, requested_by: 'cli' },
  files: [],
  created_at: '2024-05-01T00:00:00.000Z',
  updated_at: '2024-05-01T00:00:00.000Z',
  ...(errors ? { errors } : {}),
});

test('a FAILED request shows its reason with flags, and its candidates up to a bound', () => {
  const candidates = Array.from({ length: 120 }, (_, i) => `s3://src/d${i}/part.csv`);
  const text = restoreText(
    view([
      {
        code: 'AMBIGUOUS_NAME',
        message: 'file name matches several archived keys; set all_matches',
        field: 'filename',
        candidates,
        candidates_total: 130,
        candidates_truncated: true,
      },
      { code: 'NOTIFY_FAILED', message: 'SNS Publish failed' },
    ]),
  );
  const lines = text.split('\n');
  assert.equal(lines[0], 'restore rst-1: FAILED (0 files)');
  assert.equal(lines[1], '  error AMBIGUOUS_NAME: file name matches several archived keys; set --all-matches');
  assert.equal(lines[2], '    candidates (130):');
  assert.equal(lines[3], '      s3://src/d0/part.csv');
  assert.equal(lines[2 + CANDIDATES_LISTED], `      s3://src/d${CANDIDATES_LISTED - 1}/part.csv`);
  assert.equal(lines[3 + CANDIDATES_LISTED], `      ... and ${130 - CANDIDATES_LISTED} more (--json lists 120 of them)`);
  assert.equal(lines[4 + CANDIDATES_LISTED], '  error NOTIFY_FAILED: SNS Publish failed');
});

test('a request without errors prints no error line', () => {
  assert.doesNotMatch(restoreText(view(undefined)), /error/);
});

test('files are named s3://<source bucket>/<key>: the same key from two buckets reads as two files', () => {
  const file = (bucket: string) => ({ n: 0, key: 's/same.txt', bucket, status: 'AVAILABLE', location: `s3://rst/restores/rst-1/${bucket}/s/same.txt` });
  const text = restoreText({ ...view(undefined), status: 'AVAILABLE', files: [file('src-a'), file('src-b')] } as unknown as RestoreView);
  const lines = text.split('\n');
  assert.equal(lines[1], '  AVAILABLE  s3://src-a/s/same.txt  ->  s3://rst/restores/rst-1/src-a/s/same.txt');
  assert.equal(lines[2], '  AVAILABLE  s3://src-b/s/same.txt  ->  s3://rst/restores/rst-1/src-b/s/same.txt');
});
