/**
 * The CLI logger: without --debug a warning is one `coldpack: warning:` line naming the ids, with no
 * stack and no JSON; info is dropped.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cliLogger } from '../../../src/entrypoints/cli/cli-logger.js';

test('without --debug: one line per warning or error, ids named, no stack, info dropped', () => {
  const lines: string[] = [];
  const log = cliLogger(false, (l) => lines.push(l));
  const err = new Error('Publish arn:aws:sns:us-east-1:123456789012:gone-topic: NotFoundException');
  log.warn({ restore_id: 'rst-1', err, stack: err.stack }, 'notification failed; it is retried by the next pass');
  log.info({ restore_id: 'rst-1' }, 'resolved');
  log.error({ job_id: 'j-1', bucket: 'src' }, 'finalize failed');
  assert.deepEqual(lines, [
    'coldpack: warning: notification failed; it is retried by the next pass (restore_id rst-1)\n',
    'coldpack: error: finalize failed (job_id j-1, bucket src)\n',
  ]);
  assert.ok(lines.every((l) => !l.includes('    at ') && !l.startsWith('{')));
});
