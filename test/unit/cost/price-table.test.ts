import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_PRICE_TABLE, loadPriceTable, mergePriceOverride, parsePriceTable, priceOf } from '../../../src/cost/price-table.js';
import { ValidationError } from '../../../src/domain/errors.js';

test('every default price has a unit and a non-empty source', () => {
  const entries = Object.entries(DEFAULT_PRICE_TABLE.prices);
  assert.ok(entries.length >= 77, `expected the full table, got ${entries.length} entries`);
  for (const [key, e] of entries) {
    assert.ok(e.source.length > 0, `${key} has no source`);
    assert.ok(e.unit.length > 0, `${key} has no unit`);
  }
});

test('the figures the model relies on are the researched us-east-1 values', () => {
  assert.equal(priceOf(DEFAULT_PRICE_TABLE, 's3.deep_archive.lifecycle_transition_per_1000'), 0.05);
  assert.equal(priceOf(DEFAULT_PRICE_TABLE, 's3.deep_archive.storage'), 0.00099);
  assert.equal(priceOf(DEFAULT_PRICE_TABLE, 's3.standard.storage_first_50tb'), 0.023);
  assert.equal(priceOf(DEFAULT_PRICE_TABLE, 'dynamodb.on_demand.write_request_unit_per_million'), 0.625);
  assert.equal(priceOf(DEFAULT_PRICE_TABLE, 's3.delete_requests_per_1000'), 0);
});

test('an override changes a value, keeps the unit and records where it came from', () => {
  const merged = mergePriceOverride(DEFAULT_PRICE_TABLE, { region: 'eu-west-1', prices: { 's3.deep_archive.storage': { value: 0.0018 } } }, 'eu.json');
  assert.equal(merged.region, 'eu-west-1');
  assert.equal(priceOf(merged, 's3.deep_archive.storage'), 0.0018);
  assert.equal(merged.prices['s3.deep_archive.storage']?.unit, 'USD per GB-month');
  assert.equal(merged.prices['s3.deep_archive.storage']?.source, 'override: eu.json');
  assert.equal(priceOf(DEFAULT_PRICE_TABLE, 's3.deep_archive.storage'), 0.00099, 'the default table is unchanged');
});

test('an override adding a key needs unit and source; unknown fields and other currencies are refused', () => {
  assert.throws(() => mergePriceOverride(DEFAULT_PRICE_TABLE, { prices: { 'new.key': { value: 1 } } }, 'x.json'), /new key new\.key/);
  assert.throws(() => mergePriceOverride(DEFAULT_PRICE_TABLE, { prices: {}, extra: 1 }, 'x.json'), ValidationError);
  assert.throws(() => mergePriceOverride(DEFAULT_PRICE_TABLE, { currency: 'EUR', prices: {} }, 'x.json'), ValidationError);
  assert.throws(() => parsePriceTable({ region: 'r', currency: 'USD', as_of: 'x', prices: { a: { value: 1, unit: 'u' } } }), ValidationError);
});

test('loadPriceTable reads an override file and reports unreadable ones as bad input', () => {
  const dir = mkdtempSync(join(tmpdir(), 'prices-'));
  const file = join(dir, 'negotiated.json');
  writeFileSync(file, JSON.stringify({ prices: { 's3.deep_archive.put_per_1000': { value: 0.04, source: 'contract 2026' } } }));
  const table = loadPriceTable(file);
  assert.equal(priceOf(table, 's3.deep_archive.put_per_1000'), 0.04);
  assert.equal(table.prices['s3.deep_archive.put_per_1000']?.source, 'contract 2026');
  assert.throws(
    () => loadPriceTable(join(dir, 'missing.json')),
    (e: unknown) => e instanceof ValidationError && e.field === 'prices',
  );
  writeFileSync(file, '{not json');
  assert.throws(() => loadPriceTable(file), ValidationError);
});

test('priceOf refuses missing and non-numeric keys', () => {
  assert.throws(() => priceOf(DEFAULT_PRICE_TABLE, 'no.such.price'), ValidationError);
  assert.throws(() => priceOf(DEFAULT_PRICE_TABLE, 's3.glacier_fr.restore_time.standard'), ValidationError);
});
