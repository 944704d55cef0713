/**
 * The one builder of DynamoDB update expressions: attribute names and values are always
 * placeholders (`#s0`/`:s0` for SET, `#p0`/`:p0` for list appends, `#a0`/`:a0` for ADD), so any attribute name is safe
 * (reserved words, dots, `#`).
 */

/** Parts of an UpdateItem request built by {@link updateExpression}. */
export interface UpdateParts {
  readonly UpdateExpression: string;
  readonly ExpressionAttributeNames: Record<string, string>;
  readonly ExpressionAttributeValues: Record<string, unknown>;
}

/**
 * `SET` each of `set` and `ADD` each of `add` (numbers added atomically); `append` items to list
 * attributes (`list_append`, the list created when absent); `remove` attributes.
 * Undefined values in `set` are skipped.
 * @throws RangeError when nothing is to be updated
 */
export function updateExpression(changes: {
  set?: Readonly<Record<string, unknown>>;
  add?: Readonly<Record<string, number>>;
  append?: Readonly<Record<string, readonly unknown[]>>;
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
  const appends = Object.entries(changes.append ?? {}).map(([k, v], i) => {
    names[`#p${i}`] = k;
    values[`:p${i}`] = [...v];
    values[':p_empty'] = [];
    return `#p${i} = list_append(if_not_exists(#p${i}, :p_empty), :p${i})`;
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
  const setClauses = [...sets, ...appends];
  const clauses = [
    setClauses.length ? `SET ${setClauses.join(', ')}` : '',
    adds.length ? `ADD ${adds.join(', ')}` : '',
    removes.length ? `REMOVE ${removes.join(', ')}` : '',
  ].filter(Boolean);
  if (clauses.length === 0) throw new RangeError('updateExpression: nothing to update');
  return { UpdateExpression: clauses.join(' '), ExpressionAttributeNames: names, ExpressionAttributeValues: values };
}
