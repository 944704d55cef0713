/** `--json` errors of the CLI carry the error's details, e.g. every candidate key of an ambiguous name (ISSUE-11 item 12). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reportFailure } from '../../../src/entrypoints/cli/main.js';
import { AmbiguousNameError } from '../../../src/restore/ambiguity.js';

test('an ambiguous name prints every candidate in the JSON error, the first five in the message', () => {
  const candidates = Array.from({ length: 40 }, (_, i) => `s3://src/d${String(i).padStart(2, '0')}/part-00000.csv`);
  const err = new AmbiguousNameError('file name matches several archived keys', 'filename', [{ asked: 'part-00000.csv', candidates }]);
  const out: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  const errWrite = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string) => (out.push(s), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => (out.push(s), true)) as typeof process.stderr.write;
  let code: number;
  try {
    code = reportFailure(err, { json: true }, undefined);
  } finally {
    process.stdout.write = write;
    process.stderr.write = errWrite;
  }
  assert.equal(code, 2);
  const body = JSON.parse(out[0]!) as { error: { code: string; candidates: string[]; candidates_total: number; message: string } };
  assert.equal(body.error.code, 'AMBIGUOUS_NAME');
  assert.deepEqual(body.error.candidates, candidates);
  assert.equal(body.error.candidates_total, 40);
  assert.match(body.error.message, /d04\/part-00000\.csv and 35 more/);
  assert.match(out[1]!, /^coldpack: AMBIGUOUS_NAME: .* and 35 more/);
});
