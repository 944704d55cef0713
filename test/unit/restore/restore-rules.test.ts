import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '../../../src/domain/errors.js';
import { DEFAULT_RESTORE_DAYS, MAX_RESTORE_DAYS, type RestoreRequestInput } from '../../../src/domain/restore-request.js';
import { checkRequest } from '../../../src/restore/restore-rules.js';

const base: RestoreRequestInput = {
  selection: { kind: 'keys', keys: ['a'] },
  tier: 'Standard',
  days: DEFAULT_RESTORE_DAYS,
  all_matches: false,
  requested_by: 't',
};
const topics = { topicArn: 'arn:main', allowed: ['arn:allowed'] };

function field(req: RestoreRequestInput): string | undefined {
  try {
    checkRequest(req, topics, 'restore-bucket');
    return undefined;
  } catch (err) {
    assert.ok(err instanceof ValidationError);
    assert.equal(err.status, 400);
    return err.field;
  }
}

test('rules: days 1-30, no whole-bucket prefix, key lists only under key-lists/ of the restore bucket, with the field named', () => {
  assert.equal(field(base), undefined);
  assert.equal(field({ ...base, days: 0 }), 'days');
  assert.equal(field({ ...base, days: 1.5 }), 'days');
  assert.equal(field({ ...base, days: MAX_RESTORE_DAYS }), undefined);
  assert.equal(field({ ...base, days: MAX_RESTORE_DAYS + 1 }), 'days');
  assert.equal(field({ ...base, selection: { kind: 'prefix', prefix: '' } }), 'prefix');
  assert.equal(field({ ...base, selection: { kind: 'prefix', prefix: 'q/' } }), undefined);
  assert.equal(field({ ...base, selection: { kind: 'manifest', bucket: 'restore-bucket', key: 'key-lists/a.txt' } }), undefined);
  assert.equal(field({ ...base, selection: { kind: 'manifest', bucket: 'other', key: 'key-lists/a.txt' } }), 'keys_manifest');
  assert.equal(field({ ...base, selection: { kind: 'manifest', bucket: 'restore-bucket', key: 'key-lists/../x' } }), 'keys_manifest');
});

test('rules: topics to notify are the configured one plus an allowed caller topic; others are TOPIC_NOT_ALLOWED', () => {
  assert.equal(field({ ...base, topic_arn: 'arn:other' }), 'sns_topic_arn');
  assert.throws(
    () => checkRequest({ ...base, topic_arn: 'arn:other' }, topics, 'b'),
    (err: unknown) => err instanceof ValidationError && err.code === 'TOPIC_NOT_ALLOWED',
  );
  assert.deepEqual(checkRequest({ ...base, topic_arn: 'arn:allowed' }, topics, 'b'), ['arn:main', 'arn:allowed']);
  assert.deepEqual(checkRequest({ ...base, topic_arn: 'arn:main' }, topics, 'b'), ['arn:main']);
  assert.deepEqual(checkRequest(base, { topicArn: undefined, allowed: [] }, 'b'), []);
});
