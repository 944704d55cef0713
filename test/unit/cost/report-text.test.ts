/**
 * The estimate table keeps its columns apart and aligned whatever the magnitudes: 10^12 objects of
 * S3's largest size give 15-digit quantities and 20-character dollar amounts, which ran into each
 * other in fixed-width columns (`requests$50,000,000.00`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { estimate } from '../../../src/cost/estimate.js';
import { MAX_ESTIMATE_OBJECTS, MAX_ESTIMATE_OBJECT_BYTES, parseEstimateRequest } from '../../../src/cost/estimate-input.js';
import { renderEstimateText } from '../../../src/cost/report-text.js';
import { DEFAULT_PRICE_TABLE as prices } from '../../../src/cost/price-table.js';

/** The table's lines: from the column header to the blank line after the last section. */
function tableOf(text: string): { header: string; rows: string[] } {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => /quantity\s+one-time\s+per month/.test(l));
  const end = lines.indexOf('', start);
  return { header: lines[start]!, rows: lines.slice(start + 1, end) };
}

/** Where each column of the header ends (the header is right-aligned over its columns). */
function columnEnds(header: string): number[] {
  return [...header.matchAll(/\S+(?: \S+)*/g)].map((m) => m.index + m[0].length);
}

for (const [objects, avg] of [
  [MAX_ESTIMATE_OBJECTS, 4096],
  [MAX_ESTIMATE_OBJECTS, MAX_ESTIMATE_OBJECT_BYTES],
  [1_000_000, 100_000],
] as const) {
  test(`estimate table of ${objects} objects of ${avg} bytes: every cell apart (2+ spaces) and right-aligned under its header`, () => {
    const text = renderEstimateText(estimate(parseEstimateRequest({ objects, avg_size_bytes: avg }), prices));
    const { header, rows } = tableOf(text);
    const ends = columnEnds(header);
    assert.equal(ends.length, 4, header);
    for (const row of rows) {
      if (!row.startsWith('  ')) continue; // a section title
      for (const m of row.matchAll(/\$[\d,.e+]+/g)) {
        assert.match(row.slice(0, m.index), / {2}$/, `an amount is 2+ spaces from what precedes it: ${row}`);
        assert.ok(ends.slice(1).includes(m.index + m[0].length), `amount ${m[0]} ends under a money column: ${row}\n${header}`);
      }
      const qty = /^ {2}\S+( +)(\S+ \S+)/.exec(row);
      if (qty && !row.startsWith('  total')) {
        assert.ok(qty[1]!.length >= 2, `name and quantity apart: ${row}`);
        assert.equal(row.indexOf(qty[2]!) + qty[2]!.length, ends[0], `quantity ends under its header: ${row}\n${header}`);
      }
    }
  });
}
