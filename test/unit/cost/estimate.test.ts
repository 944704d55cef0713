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

test('README example: lifecycle $53.57 against coldpack $10.22 variable + $895.57 fixed = $905.78 over 12 months', () => {
  assert.equal(readme.lifecycle.one_time_usd, 50);
  assert.ok(Math.abs(readme.lifecycle.total_usd - 53.5746729) < 1e-6); // $50 + 12 × $0.29789
  // variable: $2.0544665 + 12 × $0.6801772 (index storage + PITR) = $10.2166
  assert.ok(Math.abs(readme.coldpack.variable_total_usd - 10.2166) < 1e-4);
  // fixed: $74.630464 a month (5 endpoints × 2 AZs × 730 h × $0.01 = $73.00 + KMS $1 + 6 alarms $0.60 + ECR $0.02 + reconciler $0.0104640) × 12 = $895.565569
  assert.ok(Math.abs(readme.coldpack.fixed_monthly_usd - 74.630464) < 1e-6);
  assert.ok(Math.abs(readme.coldpack.fixed_total_usd - 895.565569) < 1e-5);
  // total includes the fixed cost (without the fix it was the variable $8.20 alone)
  assert.ok(Math.abs(readme.coldpack.total_usd - (readme.coldpack.variable_total_usd + readme.coldpack.fixed_total_usd)) < 1e-6);
  assert.ok(Math.abs(readme.coldpack.total_usd - 905.7822) < 1e-4); // 10.216593 + 895.565569
  // savings_ratio = (53.5747 − 905.7822) / 53.5747 = −15.907: for one run of 1M × 100 KB the lifecycle rule is cheaper
  assert.ok(Math.abs(readme.savings_ratio - (readme.lifecycle.total_usd - readme.coldpack.total_usd) / readme.lifecycle.total_usd) < 1e-8); // both rounded to 10 significant digits
  assert.ok(Math.abs(readme.savings_ratio - -15.9069) < 0.001);
  // the stack pays for itself above $74.630464 / ((53.574673 − 10.216593) / 1e6 per object) = 1,721,258.5 → 1,721,259 objects a month
  assert.equal(readme.stack_break_even_objects_per_month, 1_721_259);
  assert.equal(readme.coldpack.bundles, 196);
  assert.equal(readme.coldpack.requests['S3:UploadPart:DEEP_ARCHIVE'], 6055);
  assert.ok(readme.break_even_object_bytes !== null && readme.break_even_object_bytes > 11e6 && readme.break_even_object_bytes < 15e6);
  // monthly gap with the fixed cost: (0.68018 + 74.63046) − 0.29789 = 75.01275; (50 − 2.05447) / 75.01275 ≈ 0.639 months
  assert.ok(readme.crossover_months !== null && Math.abs(readme.crossover_months - 0.639) < 0.01);
  assert.equal(readme.lifecycle_default_min_size.objects_left_in_standard, 1_000_000);
  // restore defaults follow coldpack restore and the stack
  assert.equal(readme.restore.tier, 'Standard');
  assert.equal(readme.restore.days, 3);
  assert.equal(readme.restore.bucket_days, 7);
});

test('deployment options: --no-endpoints, one AZ, a shared stack, a measured fixed cost', () => {
  const run = (deployment: unknown) => estimate(parseEstimateRequest({ objects: 1_000_000, avg_size_bytes: 100_000, deployment }), prices);
  // imported VPC: $1.630464 a month × 12 = $19.5656; the variable part also loses the $0.002 endpoint processing
  const none = run({ interface_endpoints: 0 });
  assert.ok(Math.abs(none.coldpack.fixed_total_usd - 19.565569) < 1e-5);
  assert.ok(Math.abs(none.coldpack.variable_total_usd - 10.2146) < 1e-4);
  // one AZ: (5 × 1 × 730 × $0.01 = 36.50 + 1.630464) × 12 = $457.5656
  assert.ok(Math.abs(run({ azs: 1 }).coldpack.fixed_total_usd - 457.565569) < 1e-5);
  // a hundred such populations share the stack: $895.5657 / 100 = $8.9557; coldpack $10.22 + $8.96 = $19.17 < lifecycle $53.57
  const shared = run({ share: 0.01 });
  assert.ok(Math.abs(shared.coldpack.fixed_total_usd - 8.955657) < 1e-5);
  assert.ok(shared.savings_usd > 0);
  assert.equal(shared.stack_break_even_objects_per_month, 1_721_259); // the whole stack's break-even does not depend on the share
  assert.ok(Math.abs(run({ fixed_monthly_usd: 10 }).coldpack.fixed_total_usd - 120) < 1e-9);
  // the mission's volume: 1,000,000,000 objects of 100 KB: lifecycle $53,574.67, coldpack $10,216.58 + $895.57 = $11,112.14;
  // saving $42,462.53 / $53,574.67 = 0.7926
  const big = estimate(parseEstimateRequest({ objects: 1_000_000_000, avg_size_bytes: 100_000 }), prices);
  assert.ok(big.savings_ratio > 0.79 && big.savings_ratio < 0.8);
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
  assert.equal(field({ objects: 1, avg_size_bytes: 1, deployment: { azs: 0 } }), 'deployment.azs');
  assert.equal(field({ objects: 1, avg_size_bytes: 1, deployment: { share: 1.5 } }), 'deployment.share');
});

test('text and HTML reports carry the headline figures; HTML is escaped and has an SVG chart', () => {
  const text = renderEstimateText(readme);
  assert.match(text, /transition_requests\s+1,000,000 requests\s+\$50\.00/);
  assert.match(text, /coldpack over 12 months: variable \$10\.22 \+ fixed \$895\.57 = \$905\.78; lifecycle rule \$53\.57/);
  assert.match(text, /coldpack costs \$852\.21 more than the lifecycle rule over 12 months/); // 905.78 − 53.57
  assert.match(text, /pays for itself above 1,721,259 objects/);
  assert.match(text, /interface_endpoints\s+7,300 endpoint-AZ-hours\s+\$73\.00\s+\$876\.00/); // 5 × 2 × 730; × $0.01; × 12
  assert.match(text, /bundle_uploads\s+6,447 requests\s+\$0\.3224/);
  assert.match(text, /bundle_verify_heads\s+196 requests\s+\$0\.0001/);
  assert.match(text, /Lifecycle rule \(transition every object\)/);
  const gir = renderEstimateText(estimate(parseEstimateRequest({ objects: 1000, avg_size_bytes: 100_000, storage_class: 'GLACIER_IR' }), prices));
  assert.match(gir, /objects under 128 KB are never transitioned into GLACIER_IR: they stay in STANDARD/);
  assert.doesNotMatch(text, /GB-month/); // storage in GiB throughout, like the header's sizes
  const html = renderEstimateHtml(readme);
  assert.match(html, /<svg [^>]*role="img"/);
  assert.equal((html.match(/<polyline /g) ?? []).length, 2);
  assert.match(html, /lifecycle \$53\.57, coldpack \$905\.78 \(variable \$10\.22 \+ fixed \$895\.57\)/);
  assert.equal(escapeHtml('<a href="x">&\'</a>'), '&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;');
});

test('the text report says when coldpack costs more (objects of 2 GB over 36 months)', () => {
  const r = estimate(parseEstimateRequest({ objects: 5000, avg_size_bytes: 2e9, months: 36 }), prices);
  assert.ok(r.savings_usd < 0);
  assert.match(renderEstimateText(r), /coldpack costs \$[\d,]+\.\d\d more than the lifecycle rule over 36 months/);
});
