/**
 * The one builder of DynamoDB update expressions: attribute names and values are always
 * placeholders (`#s0`/`:s0` for SET, `#a0`/`:a0` for ADD), so any attribute name is safe
 * (reserved words, dots, `#`).
 *
 * It has no list append on purpose (issue 11 item 10): an attribute appended to on every use grows
 * until its item passes DynamoDB's 400 KB limit and every later write fails. Something that grows
 * with use is one item per element (a partition read with a paged Query), e.g. the requests waiting
 * for a bundle restore (`dynamo-bundle-restore-store.ts`). ADD takes numbers only (counters).
 */

/** Parts of an UpdateItem request built by {@link updateExpression}. */
export interface UpdateParts {
  readonly UpdateExpression: string;
  readonly ExpressionAttributeNames: Record<string, string>;
  readonly ExpressionAttributeValues: Record<string, unknown>;
}

/**
 * `SET` each of `set` and `ADD` each of `add` (numbers added atomically); `remove` attributes.
 * Undefined values in `set` are skipped.
 * @throws RangeError when nothing is to be updated
 */
export function updateExpression(changes: {
  set?: Readonly<Record<string, unknown>>;
  add?: Readonly<Record<string, number>>;
  remove?: readonly string[];
}): UpdateParts {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets = Object.entries(changes.set ?? {})
    .filter(([, v]) => v !== undefined)
    .map(([k, v], i) => {
      names[`#s${i}`] = k;
      values[`:s${i}`] = v;
      return `#s${i} = :s${i}`;
    });
  const adds = Object.entries(changes.add ?? {}).map(([k, v], i) => {
    names[`#a${i}`] = k;
    values[`:a${i}`] = v;
    return `#a${i} :a${i}`;
  });
  const removes = (changes.remove ?? []).map((k, i) => {
    names[`#r${i}`] = k;
    return `#r${i}`;
  });
  const clauses = [
    sets.length ? `SET ${sets.join(', ')}` : '',
    adds.length ? `ADD ${adds.join(', ')}` : '',
    removes.length ? `REMOVE ${removes.join(', ')}` : '',
  ].filter(Boolean);
  if (clauses.length === 0) throw new RangeError('updateExpression: nothing to update');
  return { UpdateExpression: clauses.join(' '), ExpressionAttributeNames: names, ExpressionAttributeValues: values };
}
