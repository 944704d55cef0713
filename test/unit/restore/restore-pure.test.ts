import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRestoreHeader } from '../../../src/restore/restore-header.js';
import { parseRestoreEvents } from '../../../src/restore/events.js';
import { decodeS3UrlKey } from '../../../src/domain/keys.js';
import { needsRestore, tierProblem } from '../../../src/restore/restore-rules.js';
import { compareKeys, rangeMayHoldPrefix, truncateCodePoints } from '../../../src/domain/keys.js';
import { directorySortKey } from '../../../src/domain/catalog.js';
import { newestPerObject } from '../../../src/restore/resolver.js';
import { scopeMatches } from '../../../src/restore/catalog-lookup.js';
import { restoreKeyFor } from '../../../src/restore/extractor.js';
import { fitMessage } from '../../../src/adapters/sns-notifier.js';
import type { RestoreNotification } from '../../../src/domain/ports/restore-notifier.js';
import type { ArchivedFile, JobScope } from '../../../src/domain/catalog.js';

test('x-amz-restore: absent, ongoing, done with expiry, unrecognized', () => {
  assert.deepEqual(parseRestoreHeader(undefined), { state: 'NONE' });
  assert.deepEqual(parseRestoreHeader('ongoing-request="true"'), { state: 'ONGOING' });
  const done = parseRestoreHeader('ongoing-request="false", expiry-date="Fri, 21 Dec 2012 00:00:00 GMT"');
  assert.equal(done.state, 'DONE');
  assert.equal(done.state === 'DONE' && done.expiresAt?.toISOString(), '2012-12-21T00:00:00.000Z');
  assert.deepEqual(parseRestoreHeader('something else'), { state: 'ONGOING' });
});

test('event keys are decoded exactly once with + as space (C06)', () => {
  assert.equal(decodeS3UrlKey('q/a+b.txt'), 'q/a b.txt');
  assert.equal(decodeS3UrlKey('q/a%2Bb.txt'), 'q/a+b.txt');
  assert.equal(decodeS3UrlKey('q/a%252Bb.txt'), 'q/a%2Bb.txt');
  assert.equal(decodeS3UrlKey('q/x%3Fy%23z.txt'), 'q/x?y#z.txt');
  assert.equal(decodeS3UrlKey('k/%E2%82%AC'), 'k/€');
});

test('restore events: EventBridge, S3 notification, SQS envelope; other events ignored', () => {
  const events = (e: unknown) => {
    const parsed = parseRestoreEvents(e);
    assert.deepEqual(parsed.unreadable, []);
    return parsed.events;
  };
  const eb = events({
    'detail-type': 'Object Restore Completed',
    detail: { bucket: { name: 'b' }, object: { key: 'a+b' }, 'restore-expiry-time': '2030-01-01T00:00:00Z' },
  });
  assert.deepEqual(eb, [{ bucket: 'b', key: 'a b', expiresAt: new Date('2030-01-01T00:00:00Z') }]);
  const record = { eventName: 'ObjectRestore:Completed', s3: { bucket: { name: 'b' }, object: { key: 'x%2By' } } };
  assert.deepEqual(events({ Records: [record] }), [{ bucket: 'b', key: 'x+y' }]);
  assert.deepEqual(events({ Records: [{ body: JSON.stringify({ Records: [record] }) }] }), [{ bucket: 'b', key: 'x+y' }]);
  assert.deepEqual(events({ 'detail-type': 'Object Created', detail: {} }), []);
  assert.deepEqual(events({ Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'b' }, object: { key: 'k' } } }] }), []);
  assert.deepEqual(events('nonsense'), []);
});

test('unreadable restore events are reported with a reason, never dropped silently; readable ones still come through', () => {
  const record = { eventName: 'ObjectRestore:Completed', s3: { bucket: { name: 'b' }, object: { key: 'ok' } } };
  const parsed = parseRestoreEvents({
    Records: [
      { body: 'not json {' },
      { eventName: 'ObjectRestore:Completed', s3: { bucket: { name: 'b' }, object: { key: 'bad%E2%82' } } },
      { eventName: 'ObjectRestore:Completed', s3: { bucket: { name: 'b' } } },
      record,
    ],
  });
  assert.deepEqual(parsed.events, [{ bucket: 'b', key: 'ok' }]);
  assert.equal(parsed.unreadable.length, 3);
  assert.match(parsed.unreadable[0]!.reason, /envelope body is not JSON/);
  assert.equal(parsed.unreadable[0]!.excerpt, 'not json {');
  assert.match(parsed.unreadable[1]!.reason, /not URL-encoded/);
  assert.equal(parsed.unreadable[1]!.excerpt, 'bad%E2%82');
  assert.match(parsed.unreadable[2]!.reason, /without s3\.bucket\.name or s3\.object\.key/);
});

test('tiers: Deep Archive refuses Expedited naming Standard and Bulk; GLACIER allows it; others need no restore', () => {
  assert.match(String(tierProblem('DEEP_ARCHIVE', 'Expedited')), /allowed tiers: Standard, Bulk/);
  assert.equal(tierProblem('DEEP_ARCHIVE', 'Bulk'), undefined);
  assert.equal(tierProblem('GLACIER', 'Expedited'), undefined);
  assert.equal(tierProblem('GLACIER_IR', 'Expedited'), undefined);
  assert.deepEqual(['DEEP_ARCHIVE', 'GLACIER', 'GLACIER_IR', 'STANDARD_IA', 'STANDARD'].map(needsRestore), [true, true, false, false, false]);
});

test('prefix ranges compare UTF-8 bytes like S3 listings', () => {
  assert.ok(compareKeys('\uffff', '😀') < 0, 'U+FFFF sorts before U+1F600 in UTF-8 (not in UTF-16)');
  assert.ok('\uffff' > '😀', 'UTF-16 order differs, which is why bytes are compared');
  assert.equal(rangeMayHoldPrefix('q/', 'a/1', 'p/9'), false);
  assert.equal(rangeMayHoldPrefix('q/', 'q0/a', 'z'), false);
  assert.equal(rangeMayHoldPrefix('q/', 'q/a', 'q/z'), true);
  assert.equal(rangeMayHoldPrefix('q/', 'a', 'z'), true);
  assert.equal(rangeMayHoldPrefix('q/', 'a', 'q/'), true);
  assert.equal(truncateCodePoints('abc', 2), 'ab');
  assert.equal(truncateCodePoints('a\u{1F600}b', 2), 'a\u{1F600}', 'never cut inside a surrogate pair');
  assert.ok(compareKeys(truncateCodePoints('a€€', 2), truncateCodePoints('a€z', 2)) <= 0, 'truncation keeps order as a lower bound');
});

test('the directory sort key keeps key order, also where a 1,000-byte cut would not (field input: 997 bytes + ～ / 😀)', () => {
  const p = 'M/' + 'y'.repeat(995); // 997 bytes
  const keys = [
    'M/a',
    p + 'a',
    p + '\uFF5E',
    p + '\u{1F600}',
    p + '\u{1F600}z',
    'M/z',
    'a'.repeat(249) + '\u{1F600}',
    'a'.repeat(250),
    'é'.repeat(300),
    '\u{10000}'.repeat(260),
  ];
  for (const k of keys) assert.ok(Buffer.byteLength(directorySortKey(k)) <= 1000, 'fits a DynamoDB sort key with room');
  for (const a of keys)
    for (const b of keys) if (compareKeys(a, b) <= 0) assert.ok(compareKeys(directorySortKey(a), directorySortKey(b)) <= 0, `${a.slice(-3)} <= ${b.slice(-3)}`);
});

test('generation: per object the newest, unless a job id or generation time narrows the scopes', () => {
  const file = (bucket: string, key: string, at: string, job: string): ArchivedFile => ({ bucket, key, archived_at: at, job_id: job }) as ArchivedFile;
  const items = [file('b', 'k', '2024-01-01T00:00:00Z', 'j1'), file('b', 'k', '2024-02-01T00:00:00Z', 'j2'), file('c', 'k', '2024-01-01T00:00:00Z', 'j3')];
  assert.deepEqual(
    newestPerObject(items).map((f) => f.job_id),
    ['j2', 'j3'],
  );
  const scope = { job_id: 'j1', generation: '2024-01-01T00:00:00Z', project: 'p' } as JobScope;
  assert.equal(scopeMatches(scope, {}), true);
  assert.equal(scopeMatches(scope, { generation: 'j1' }), true);
  assert.equal(scopeMatches(scope, { generation: '2024-01-01T00:00:00Z' }), true);
  assert.equal(scopeMatches(scope, { generation: 'j2' }), false);
  assert.equal(scopeMatches(scope, { project: 'q' }), false);
});

test('restore keys: restores/<id>/<bucket>/<key>; a hash when too long (C07) or when URL clients would rewrite the key (issue 11 item 8)', () => {
  assert.equal(restoreKeyFor('rst-1', 'src', 'q/a+b.txt'), 'restores/rst-1/src/q/a+b.txt');
  assert.notEqual(restoreKeyFor('rst-1', 'a', 'same.txt'), restoreKeyFor('rst-1', 'b', 'same.txt'), 'one location per source bucket');
  const long = 'k/' + '€'.repeat(340) + 'xy';
  assert.equal(long.length, 344);
  assert.match(restoreKeyFor('rst-1', 'src', long), /^restores\/rst-1\/_keys\/[0-9a-f]{64}$/);
  for (const key of ['a/../b.txt', 'a/./b.txt', 'a//b.txt', '/abs.txt', 'ctl/a\rb.txt', 'back\\slash.txt']) {
    assert.match(restoreKeyFor('rst-1', 'src', key), /^restores\/rst-1\/_keys\/[0-9a-f]{64}$/, key);
  }
  assert.equal(restoreKeyFor('rst-1', 'src', 'dir/'), 'restores/rst-1/src/dir/', 'a trailing slash is kept (S3 keys may end in /)');
});

test('SNS messages are cut to fit and flagged', () => {
  const files = Array.from({ length: 5000 }, (_, i) => ({
    key: `k/${i}/${'x'.repeat(80)}`,
    status: 'AVAILABLE' as const,
    url: 'https://example/' + 'y'.repeat(200),
  }));
  const msg = {
    event: 'restore.completed',
    restore_id: 'r',
    status: 'AVAILABLE',
    requested_by: 't',
    created_at: '',
    finished_at: '',
    counts: { files: 5000, available: 5000, failed: 0, not_found: 0 },
    url_expires_in: 1,
    files,
  } as RestoreNotification;
  const body = fitMessage(msg, 64 * 1024);
  assert.ok(Buffer.byteLength(body) <= 64 * 1024);
  const parsed = JSON.parse(body) as { files: unknown[]; files_truncated: boolean };
  assert.equal(parsed.files_truncated, true);
  assert.ok(parsed.files.length > 0 && parsed.files.length < 5000);
  assert.equal(fitMessage({ ...msg, files: files.slice(0, 2) }), JSON.stringify({ ...msg, files: files.slice(0, 2) }));
});
