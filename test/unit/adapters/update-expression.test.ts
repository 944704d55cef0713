/**
 * The one UpdateItem expression builder: placeholders for every name and value, and no way to grow
 * a list in an item (issue 11 item 10: a list appended to on every use passed DynamoDB's 400 KB item
 * limit). Something that grows with use is one item per element.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { updateExpression } from '../../../src/adapters/dynamo/update-expression.js';

test('SET, ADD and REMOVE use placeholders for every name and value; undefined values are skipped', () => {
  const parts = updateExpression({ set: { status: 'DONE', 'a.b': 1, skip: undefined }, add: { n_files: 2 }, remove: ['tmp'] });
  assert.equal(parts.UpdateExpression, 'SET #s0 = :s0, #s1 = :s1 ADD #a0 :a0 REMOVE #r0');
  assert.deepEqual(parts.ExpressionAttributeNames, { '#s0': 'status', '#s1': 'a.b', '#a0': 'n_files', '#r0': 'tmp' });
  assert.deepEqual(parts.ExpressionAttributeValues, { ':s0': 'DONE', ':s1': 1, ':a0': 2 });
  assert.throws(() => updateExpression({}), RangeError);
});

test('no list append: not an option of the builder, and no list_append anywhere in src/', async () => {
  // @ts-expect-error -- appending to a list attribute is deliberately not offered (typecheck fails if it comes back)
  assert.doesNotMatch(updateExpression({ set: { a: 1 }, append: { waiting: ['x'] } }).UpdateExpression, /list_append/);
  const offenders: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, e.name);
      if (e.isDirectory()) await walk(path);
      else if (path.endsWith('.ts') && /list_append\s*\(/i.test(await readFile(path, 'utf8'))) offenders.push(path);
    }
  };
  await walk('src');
  assert.deepEqual(offenders, []);
});
