import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ValidationError } from '../domain/errors.js';
import defaultTableJson from './prices/aws-us-east-1.json' with { type: 'json' };

const priceValue = z.union([z.number(), z.string(), z.boolean(), z.array(z.string())]);

const priceEntrySchema = z.strictObject({
  value: priceValue,
  unit: z.string().min(1),
  source: z.string().min(1),
  note: z.string().optional(),
});

const priceTableSchema = z.strictObject({
  region: z.string().min(1),
  currency: z.literal('USD'),
  as_of: z.string().min(1),
  as_of_note: z.string().optional(),
  prices: z.record(z.string().min(1), priceEntrySchema),
});

const overrideEntrySchema = z.strictObject({
  value: priceValue,
  unit: z.string().min(1).optional(),
  source: z.string().min(1).optional(),
  note: z.string().optional(),
});

const overrideSchema = z.strictObject({
  region: z.string().min(1).optional(),
  currency: z.literal('USD').optional(),
  as_of: z.string().min(1).optional(),
  as_of_note: z.string().optional(),
  prices: z.record(z.string().min(1), overrideEntrySchema),
});

/** One price or fact: its `value`, `unit` (e.g. "USD per GB-month"), `source` page URL and an optional `note`. */
export type PriceEntry = z.infer<typeof priceEntrySchema>;

/**
 * A validated price table: `{ region, currency: 'USD', as_of, prices }` where `prices` maps keys such as
 * `s3.deep_archive.storage` to a {@link PriceEntry}. The default is `prices/aws-us-east-1.json`, copied
 * from the shared research table with every `source` kept (see its README for caveats).
 */
export type PriceTable = z.infer<typeof priceTableSchema>;

/**
 * An override file: any subset of `prices` (a known key may give just `value`; a new key must give
 * `value`, `unit` and `source`), and optionally `region`/`as_of`. Used for other regions or negotiated prices.
 */
export type PriceOverride = z.infer<typeof overrideSchema>;

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

/**
 * Validate an unknown value as a full price table.
 * @param raw parsed JSON
 * @param field input field name for errors (default `prices`)
 * @throws ValidationError listing every schema problem
 */
export function parsePriceTable(raw: unknown, field = 'prices'): PriceTable {
  const result = priceTableSchema.safeParse(raw);
  if (!result.success) throw new ValidationError(`invalid price table: ${describeIssues(result.error)}`, field);
  return result.data;
}

/** The built-in us-east-1 price table (validated once, frozen). */
export const DEFAULT_PRICE_TABLE: PriceTable = Object.freeze(parsePriceTable(defaultTableJson));

/**
 * Merge an override onto a base table, key by key. The merged entry keeps the base `unit`/`note` unless the
 * override gives them; its `source` is the override's `source`, else `override: <label>`.
 *
 * @param base a validated table (usually {@link DEFAULT_PRICE_TABLE})
 * @param rawOverride parsed JSON of the override file
 * @param label where the override came from (file path), recorded as the source of overridden values
 * @returns a new table; `base` is not modified
 * @throws ValidationError when the override does not match the schema, or a new key lacks `unit`/`source`
 */
export function mergePriceOverride(base: PriceTable, rawOverride: unknown, label: string): PriceTable {
  const parsed = overrideSchema.safeParse(rawOverride);
  if (!parsed.success) {
    throw new ValidationError(`invalid price override ${label}: ${describeIssues(parsed.error)}`, 'prices');
  }
  const override = parsed.data;
  const prices: Record<string, PriceEntry> = { ...base.prices };
  for (const [key, entry] of Object.entries(override.prices)) {
    const known = base.prices[key];
    const unit = entry.unit ?? known?.unit;
    if (unit === undefined || (known === undefined && entry.source === undefined)) {
      throw new ValidationError(`price override ${label}: new key ${key} needs value, unit and source`, 'prices');
    }
    const note = entry.note ?? known?.note;
    prices[key] = { value: entry.value, unit, source: entry.source ?? `override: ${label}`, ...(note ? { note } : {}) };
  }
  return {
    region: override.region ?? base.region,
    currency: base.currency,
    as_of: override.as_of ?? base.as_of,
    ...((override.as_of_note ?? base.as_of_note) ? { as_of_note: override.as_of_note ?? base.as_of_note } : {}),
    prices,
  };
}

/**
 * Load the default table merged with an optional override file (JSON).
 * @param overridePath path of the override file; undefined = the default table
 * @throws ValidationError when the file cannot be read, is not JSON, or fails validation
 */
export function loadPriceTable(overridePath?: string): PriceTable {
  if (overridePath === undefined) return DEFAULT_PRICE_TABLE;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(overridePath, 'utf8'));
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new ValidationError(`cannot read price override ${overridePath}: ${reason}`, 'prices');
  }
  return mergePriceOverride(DEFAULT_PRICE_TABLE, raw, overridePath);
}

/**
 * A numeric price from the table.
 * @param table the price table
 * @param key e.g. `s3.deep_archive.storage`
 * @returns the value in the entry's unit (see the table)
 * @throws ValidationError (field `prices`) when the key is missing or not a number
 */
export function priceOf(table: PriceTable, key: string): number {
  const entry = table.prices[key];
  if (entry === undefined || typeof entry.value !== 'number') {
    throw new ValidationError(`price table ${table.region} has no numeric price ${key}`, 'prices');
  }
  return entry.value;
}
