import type { PriceTable } from './price-table.js';
import { populationFromAverage } from './population.js';
import { lifecycleCost } from './lifecycle-cost.js';
import { coldpackCost, type ColdpackCostInput } from './coldpack-cost.js';
import { GIB } from './units.js';

/** Objects in the reference population used to compare per-object costs (1,000,000). */
export const BREAK_EVEN_REFERENCE_OBJECTS = 1_000_000;
/** Largest object size searched: 5 TiB. */
const MAX_SEARCH_BYTES = 5 * 1024 * GIB;
const MIN_SEARCH_BYTES = 1;

/** Settings of the comparison: everything of {@link ColdpackCostInput} except the population. */
export type BreakEvenInput = Omit<ColdpackCostInput, 'population'> & {
  /** Average key length in bytes of the objects compared. Default 60. */
  readonly avgKeyBytes?: number;
};

/**
 * Saving per object, in USD over the horizon, of archiving objects of `sizeBytes` with coldpack rather
 * than with a lifecycle rule that transitions every object: (lifecycle total − coldpack total) / N for
 * N = 1,000,000 objects of that size. Positive = coldpack is cheaper.
 * @param sizeBytes object size in bytes
 * @param input class, horizon, packing and compute settings
 * @param table price table
 */
export function savingPerObjectUsd(sizeBytes: number, input: BreakEvenInput, table: PriceTable): number {
  const population = populationFromAverage(BREAK_EVEN_REFERENCE_OBJECTS, sizeBytes, input.avgKeyBytes);
  const lifecycle = lifecycleCost({ population, storageClass: input.storageClass, months: input.months }, table);
  const coldpack = coldpackCost({ ...input, population }, table);
  return (lifecycle.total_usd - coldpack.total_usd) / BREAK_EVEN_REFERENCE_OBJECTS;
}

/**
 * The object size above which bundling no longer pays: the smallest size (bytes) at which
 * {@link savingPerObjectUsd} is ≤ 0, searched upward over sizes 1 B … 5 TiB in steps of 2^(1/8) and refined
 * by bisection to 1 byte. Per object, a lifecycle rule pays one transition request and the 40 KB archive
 * overhead every month; coldpack pays a GET, index writes and index storage, and a share of bundle PUTs and
 * compute that grows with the size. Objects as large as the bundle cap become one-object bundles whose
 * upload costs at least as much as one transition, so the answer is at most the cap.
 * @returns the break-even size in bytes; 0 when coldpack never pays (e.g. long horizons where index storage
 *   outweighs the transition fee); null when coldpack pays up to 5 TiB
 */
export function breakEvenObjectBytes(input: BreakEvenInput, table: PriceTable): number | null {
  const saving = (size: number): number => savingPerObjectUsd(size, input, table);
  if (saving(MIN_SEARCH_BYTES) <= 0) return 0;
  let low = MIN_SEARCH_BYTES;
  let high = 0;
  for (let size = 2; size <= MAX_SEARCH_BYTES; size = Math.ceil(size * Math.SQRT2 ** 0.25)) {
    if (saving(size) <= 0) {
      high = size;
      break;
    }
    low = size;
  }
  if (high === 0) return null;
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (saving(mid) <= 0) high = mid;
    else low = mid;
  }
  return high;
}
