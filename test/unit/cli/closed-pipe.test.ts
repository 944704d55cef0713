import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { endQuietlyOnClosedPipe } from '../../../src/entrypoints/cli/closed-pipe.js';

test('EPIPE on stdout ends the CLI with exit code 0; any other stream error is not swallowed', () => {
  const out = new EventEmitter();
  const exits: number[] = [];
  endQuietlyOnClosedPipe([out as never], (code) => exits.push(code));
  out.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
  assert.deepEqual(exits, [0]);
  assert.throws(() => out.emit('error', Object.assign(new Error('write EIO'), { code: 'EIO' })), /EIO/);
});
