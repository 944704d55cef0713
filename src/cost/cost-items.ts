/**
 * One line of an itemised cost: `quantity` (in `unit`) × `unit_usd` = `usd`. `price_key` names the
 * price-table entry that gave `unit_usd` (its `source` is in the table); `detail` explains the quantity.
 */
export interface CostItem {
  /** Machine-readable name, e.g. `transition_requests`. */
  readonly name: string;
  /** Quantity in `unit`. */
  readonly quantity: number;
  /** Unit of the quantity, e.g. `requests`, `GB-month`, `WRU`, `task-hours`. */
  readonly unit: string;
  /** USD per one `unit`. */
  readonly unit_usd: number;
  /** quantity × unit_usd, USD. */
  readonly usd: number;
  /** Price-table key(s) of unit_usd. */
  readonly price_key: string;
  /** How the quantity was computed. */
  readonly detail?: string;
}

/**
 * The cost of one way of archiving over a horizon: what is paid once (archiving) and what is paid
 * every month after (storage, index), all in USD.
 */
export interface CostBreakdown {
  /** One-time items (requests, compute). */
  readonly one_time: readonly CostItem[];
  /** Sum of `one_time`, USD. */
  readonly one_time_usd: number;
  /** Items billed every month (storage). */
  readonly monthly: readonly CostItem[];
  /** Sum of `monthly`, USD per month. */
  readonly monthly_usd: number;
  /** Horizon in months over which `total_usd` is counted. */
  readonly months: number;
  /** one_time_usd + monthly_usd × months, USD. */
  readonly total_usd: number;
}

/**
 * Build a {@link CostItem}.
 * @param name machine-readable name
 * @param quantity quantity in `unit`
 * @param unit unit label
 * @param unitUsd USD per unit
 * @param priceKey price-table key(s)
 * @param detail how the quantity was computed (optional)
 */
export function costItem(name: string, quantity: number, unit: string, unitUsd: number, priceKey: string, detail?: string): CostItem {
  return { name, quantity, unit, unit_usd: unitUsd, usd: quantity * unitUsd, price_key: priceKey, ...(detail ? { detail } : {}) };
}

/**
 * Sum items into a {@link CostBreakdown}.
 * @param oneTime one-time items
 * @param monthly monthly items
 * @param months horizon in months (≥ 0)
 */
export function breakdown(oneTime: readonly CostItem[], monthly: readonly CostItem[], months: number): CostBreakdown {
  const oneTimeUsd = oneTime.reduce((s, i) => s + i.usd, 0);
  const monthlyUsd = monthly.reduce((s, i) => s + i.usd, 0);
  return { one_time: oneTime, one_time_usd: oneTimeUsd, monthly, monthly_usd: monthlyUsd, months, total_usd: oneTimeUsd + monthlyUsd * months };
}
