/**
 * The list of a restore selection (its keys or names), for stores that keep a large list apart
 * from the request record (`RestoreRequestRecord.selection_count`). Pure.
 */
import type { RestoreSelection } from './restore-request.js';

/** The keys or names of a selection; undefined for a prefix or a key list in S3 (no list held). */
export function selectionList(selection: RestoreSelection): readonly string[] | undefined {
  if (selection.kind === 'keys') return selection.keys;
  if (selection.kind === 'names') return selection.names;
  return undefined;
}

/** The selection with its list replaced by `list` (a prefix or key-list selection is returned as is). */
export function withSelectionList(selection: RestoreSelection, list: readonly string[]): RestoreSelection {
  if (selection.kind === 'keys') return { ...selection, keys: list };
  if (selection.kind === 'names') return { ...selection, names: list };
  return selection;
}

/** UTF-8 bytes of a list as DynamoDB sizes it: each string's bytes plus 1 per element (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html). */
export function listBytes(list: readonly string[]): number {
  let n = 0;
  for (const s of list) n += Buffer.byteLength(s, 'utf8') + 1;
  return n;
}

/** `list` cut into consecutive chunks of at most `maxBytes` ({@link listBytes}); a string longer than that is a chunk alone. */
export function chunkList(list: readonly string[], maxBytes: number): string[][] {
  const chunks: string[][] = [];
  let cur: string[] = [];
  let bytes = 0;
  for (const s of list) {
    const b = Buffer.byteLength(s, 'utf8') + 1;
    if (cur.length > 0 && bytes + b > maxBytes) {
      chunks.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(s);
    bytes += b;
  }
  if (cur.length > 0) chunks.push(cur);
  return chunks;
}
