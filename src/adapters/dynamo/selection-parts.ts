/**
 * The keys or names of a restore request kept beside its request item when the list is large:
 * `RESTORE#<id>` / `SELECTION#<ref>#<part, 4 digits>` items with attribute `items` (at most
 * 300,000 bytes each), and on the request item `selection_count`, `selection_ref` and
 * `selection_parts` with the list itself emptied. The API takes 10,000 keys of up to 1,024 bytes
 * (10 MB) while a DynamoDB item holds at most 400 KB
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html), and the
 * request item must also fit a resolve error with up to 256 KiB of candidates.
 */
import { randomBytes } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ColdpackError } from '../../domain/errors.js';
import type { RestoreSelection } from '../../domain/restore-request.js';
import type { RestoreRequestRecord } from '../../domain/restore-records.js';
import { chunkList, listBytes, selectionList, withSelectionList } from '../../domain/selection-list.js';
import { queryPrefix } from './query-all.js';

/** A selection list over this many bytes is kept apart from the request item: 65,536 (64 KiB). */
export const INLINE_SELECTION_MAX_BYTES = 64 * 1024;
/** Bytes of keys or names per `SELECTION#` item: 300,000 (under the 400 KB item limit with keys and overhead). */
const PART_MAX_BYTES = 300_000;
const skPrefix = (ref: string): string => `SELECTION#${ref}#`;

/** A request item to write, and the `SELECTION#` items to write before it (none for a small list). */
export interface SplitRequest {
  readonly item: Record<string, unknown>;
  readonly parts: readonly Record<string, unknown>[];
}

/**
 * The request item of `request` under `pk`/`sk`, with a list over {@link INLINE_SELECTION_MAX_BYTES}
 * moved to parts under a fresh reference (so a retried create never overwrites a recorded request's parts).
 */
export function splitRequest(pk: string, sk: string, request: RestoreRequestRecord): SplitRequest {
  const item = { pk, sk, ...request };
  const list = selectionList(request.request.selection);
  if (list === undefined || listBytes(list) <= INLINE_SELECTION_MAX_BYTES) return { item, parts: [] };
  const ref = randomBytes(6).toString('hex');
  const parts = chunkList(list, PART_MAX_BYTES).map((items, i) => ({ pk, sk: `${skPrefix(ref)}${String(i).padStart(4, '0')}`, items }));
  const selection = withSelectionList(request.request.selection, []);
  return {
    item: { ...item, request: { ...request.request, selection }, selection_count: list.length, selection_ref: ref, selection_parts: parts.length },
    parts,
  };
}

/**
 * The whole selection of a stored request item: its own, or the list read back from its parts (one Query).
 * @throws ColdpackError `INTERNAL` when parts are missing (they are written before the request item, so only a bug leaves them short)
 */
export async function readSelection(dynamo: DynamoDBDocumentClient, table: string, item: Record<string, unknown>): Promise<RestoreSelection> {
  const selection = (item.request as RestoreRequestRecord['request']).selection;
  if (typeof item.selection_ref !== 'string') return selection;
  const parts = await queryPrefix<{ items: string[] }>(dynamo, table, String(item.pk), skPrefix(item.selection_ref));
  const list = parts.flatMap((p) => p.items);
  if (parts.length !== Number(item.selection_parts) || list.length !== Number(item.selection_count)) {
    throw new ColdpackError(
      'INTERNAL',
      `${String(item.pk)}: the selection list should be ${String(item.selection_count)} items in ${String(item.selection_parts)} parts, found ${list.length} in ${parts.length}`,
    );
  }
  return withSelectionList(selection, list);
}
