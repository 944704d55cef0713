import { test } from 'node:test';
import assert from 'node:assert/strict';
import { estimate } from '../../../src/cost/estimate.js';
import { parseEstimateRequest } from '../../../src/cost/estimate-input.js';
import { renderEstimateText } from '../../../src/cost/report-text.js';
import { renderEstimateHtml, escapeHtml } from '../../../src/cost/report-html.js';
import { PopulationBuilder } from '../../../src/cost/population.js';
import { DEFAULT_PRICE_TABLE as prices } from '../../../src/cost/price-table.js';
import { ValidationError } from '../../../src/domain/errors.js';

const readme = estimate(parseEstimateRequest({ objects: 1_000_000, avg_size_bytes: 100_000 }), prices);

test('README example: lifecycle $53.57 (transitions $50) against coldpack $8.20 over 12 months', () => {
  assert.equal(readme.lifecycle.one_time_usd, 50);
  assert.ok(Math.abs(readme.lifecycle.total_usd - 53.5746729) < 1e-6); // $50 + 12 × $0.29789
  assert.ok(Math.abs(readme.coldpack.total_usd - 8.2029) < 1e-4); // $2.0525 + 12 × $0.51254
  // savings_ratio = (53.5747 − 8.2029) / 53.5747 = 0.8469
  assert.ok(Math.abs(readme.savings_ratio - (readme.lifecycle.total_usd - readme.coldpack.total_usd) / readme.lifecycle.total_usd) < 1e-9);
  assert.ok(Math.abs(readme.savings_ratio - 0.847) < 0.001);
  assert.equal(readme.coldpack.bundles, 196);
  assert.equal(readme.coldpack.requests['S3:UploadPart:DEEP_ARCHIVE'], 6055);
  assert.ok(readme.break_even_object_bytes !== null && readme.break_even_object_bytes > 11e6 && readme.break_even_object_bytes < 15e6);
  // coldpack's monthly cost is higher (index storage): lifecycle catches up after (50 − 2.0525) / (0.51254 − 0.29789) ≈ 223 months
  assert.ok(readme.crossover_months !== null && Math.abs(readme.crossover_months - 223.4) < 0.5);
  assert.equal(readme.lifecycle_default_min_size.objects_left_in_standard, 1_000_000);
});

test('the JSON is itemised and serialisable', () => {
  const json = JSON.parse(JSON.stringify(readme)) as Record<string, Record<string, unknown>>;
  for (const part of ['lifecycle', 'coldpack'] as const) {
    assert.equal(typeof json[part]?.total_usd, 'number');
    assert.ok(Array.isArray(json[part]?.one_time) && Array.isArray(json[part]?.monthly));
  }
  assert.equal(typeof json.savings_ratio, 'number');
  assert.ok('break_even_object_bytes' in json);
  assert.ok(readme.chart.length >= 4 && readme.chart.every((p) => p.lifecycle_usd > 0 && p.coldpack_usd > 0));
});

test('a streamed histogram can be given as the population', () => {
  const b = new PopulationBuilder();
  for (let i = 0; i < 500; i++) b.add(50_000, 40);
  for (let i = 0; i < 500; i++) b.add(500_000, 40);
  const r = estimate(parseEstimateRequest({ listing: 'manifest' }, b.build()), prices);
  assert.equal(r.input.objects, 1000);
  assert.equal(r.input.bytes, 500 * 50_000 + 500 * 500_000);
  assert.equal(r.lifecycle_default_min_size.objects_left_in_standard, 500); // the 50 KB half stays in STANDARD
  assert.equal(r.coldpack.requests['S3:ListObjectsV2:STANDARD'], undefined); // manifest source: no LIST
});

test('bad estimate requests are validation errors naming the field', () => {
  const field = (raw: unknown): string | undefined => {
    try {
      parseEstimateRequest(raw);
    } catch (e) {
      assert.ok(e instanceof ValidationError);
      return e.field;
    }
    return undefined;
  };
  assert.equal(field({ objects: 10 }), 'body'); // avg_size_bytes missing
  assert.equal(field({ objects: 10, avg_size_bytes: 1, colour: 'red' }), 'body');
  assert.equal(field({ objects: -1, avg_size_bytes: 1 }), 'objects');
  assert.equal(field({ objects: 1, avg_size_bytes: 1, storage_class: 'STANDARD' }), 'storage_class');
  assert.equal(field({ objects: 1, avg_size_bytes: 1, months: -1 }), 'months');
});

test('text and HTML reports carry the headline figures; HTML is escaped and has an SVG chart', () => {
  const text = renderEstimateText(readme);
  assert.match(text, /transition_requests\s+1,000,000 requests\s+\$50\.00/);
  assert.match(text, /Savings over 12 months: \$45\.37 \(84\.7% of the lifecycle cost\)/);
  const html = renderEstimateHtml(readme);
  assert.match(html, /<svg [^>]*role="img"/);
  assert.equal((html.match(/<polyline /g) ?? []).length, 2);
  assert.match(html, /lifecycle \$53\.57, coldpack \$8\.20/);
  assert.equal(escapeHtml('<a href="x">&\'</a>'), '&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;');
});

test('the text report says when coldpack costs more (objects of 2 GB over 36 months)', () => {
  const r = estimate(parseEstimateRequest({ objects: 5000, avg_size_bytes: 2e9, months: 36 }), prices);
  assert.ok(r.savings_usd < 0);
  assert.match(renderEstimateText(r), /coldpack costs \$\d+\.\d\d more than the lifecycle rule over 36 months/);
});
