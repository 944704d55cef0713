import { test } from 'node:test';
import assert from 'node:assert/strict';
import { estimate } from '../../../src/cost/estimate.js';
import { MAX_ESTIMATE_OBJECTS, MAX_ESTIMATE_OBJECT_BYTES, parseEstimateRequest } from '../../../src/cost/estimate-input.js';
import { renderEstimateText } from '../../../src/cost/report-text.js';
import { renderEstimateHtml, escapeHtml } from '../../../src/cost/report-html.js';
import { PopulationBuilder } from '../../../src/cost/population.js';
import { DEFAULT_PRICE_TABLE as prices } from '../../../src/cost/price-table.js';
import { ValidationError } from '../../../src/domain/errors.js';

const readme = estimate(parseEstimateRequest({ objects: 1_000_000, avg_size_bytes: 100_000 }), prices);

test('README example: lifecycle $53.57 against coldpack $1.62 variable + $283.57 fixed (private network) = $285.19 over 12 months', () => {
  assert.equal(readme.lifecycle.one_time_usd, 50);
  assert.ok(Math.abs(readme.lifecycle.total_usd - 53.5746729) < 1e-6); // $50 + 12 × $0.29789
  // variable: $0.5003989 + 12 × $0.0935550 = $1.6231 (compact catalog; see coldpack-cost.test.ts) — target ≤ $2.00
  assert.ok(Math.abs(readme.coldpack.variable_total_usd - 1.6230587) < 1e-6);
  assert.ok(readme.coldpack.variable_total_usd <= 2);
  // fixed: $23.630464 a month (3 endpoints × 1 AZ × 730 h × $0.01 = $21.90 + KMS $1 + 7 alarms $0.70 + ECR $0.02 + reconciler $0.0104640) × 12
  assert.ok(Math.abs(readme.coldpack.fixed_monthly_usd - 23.630464) < 1e-6);
  assert.ok(readme.coldpack.fixed_monthly_usd <= 25);
  assert.ok(Math.abs(readme.coldpack.fixed_total_usd - 283.565569) < 1e-5);
  assert.ok(Math.abs(readme.coldpack.total_usd - (readme.coldpack.variable_total_usd + readme.coldpack.fixed_total_usd)) < 1e-6);
  assert.ok(Math.abs(readme.coldpack.total_usd - 285.1886277) < 1e-6);
  // for one run of 1M × 100 KB a month the private stack still costs more than the lifecycle rule: (53.5747 − 285.1886) / 53.5747
  assert.ok(Math.abs(readme.savings_ratio - -4.3231987) < 1e-6);
  // the stack pays for itself above $23.630464 / ((53.574673 − 1.623059) / 1e6 per object) = 454,855.x → 454,856 objects a month
  assert.equal(readme.stack_break_even_objects_per_month, 454_856);
  assert.equal(readme.coldpack.bundles, 196);
  assert.equal(readme.coldpack.requests['S3:UploadPart:DEEP_ARCHIVE'], 6055);
  assert.equal(readme.coldpack.requests['DynamoDB:BatchWriteItem'], undefined); // compact catalog: no per-file rows
  assert.equal(readme.input.network, 'private');
  assert.equal(readme.input.catalog, 'compact');
  assert.ok(readme.break_even_object_bytes !== null && readme.break_even_object_bytes > 60e6 && readme.break_even_object_bytes < 110e6);
  // monthly gap with the fixed cost: (0.0935550 + 23.630464) − 0.2978894 = 23.4261296; (50 − 0.5003989) / 23.4261296 ≈ 2.113 months
  assert.ok(readme.crossover_months !== null && Math.abs(readme.crossover_months - 2.113) < 0.001);
  assert.equal(readme.lifecycle_default_min_size.objects_left_in_standard, 1_000_000);
  assert.ok(readme.assumptions.some((a) => /ASSUMPTION: measure it with `npm run bench`/.test(a)));
  // restore defaults follow coldpack restore and the stack
  assert.equal(readme.restore.tier, 'Standard');
  assert.equal(readme.restore.days, 3);
  assert.equal(readme.restore.bucket_days, 7);
});

test('network modes, a shared stack, a measured fixed cost, and a billion files', () => {
  const run = (extra: Record<string, unknown>) => estimate(parseEstimateRequest({ objects: 1_000_000, avg_size_bytes: 100_000, ...extra }), prices);
  // public and existing: $1.730464 a month × 12 = $20.765569 (no interface endpoints) — target ≤ $2 a month
  for (const network of ['public', 'existing']) {
    const r = run({ network });
    assert.ok(Math.abs(r.coldpack.fixed_monthly_usd - 1.730464) < 1e-6, network);
    assert.ok(Math.abs(r.coldpack.fixed_total_usd - 20.765569) < 1e-5, network);
  }
  // public: the variable part swaps the $0.006 endpoint processing for 1.4222 task-hours × $0.005 public IPv4 = $0.0071111
  assert.ok(Math.abs(run({ network: 'public' }).coldpack.variable_total_usd - (1.6230587 - 0.006 + 0.0071111)) < 1e-6);
  // existing without gateway endpoints: S3 traffic through the VPC's NAT gateway, about $8.40 per million 100 KB files
  const nat = run({ network: 'existing', deployment: { gateway_endpoints: false } });
  assert.ok(nat.coldpack.variable_total_usd > 9.9 && nat.coldpack.variable_total_usd < 10.2);
  // two AZs: (3 × 2 × 730 × $0.01 = 43.80 + 1.730464) × 12 = $546.365569
  assert.ok(Math.abs(run({ deployment: { azs: 2 } }).coldpack.fixed_total_usd - 546.365569) < 1e-5);
  // a hundred such populations share the stack: $283.5657 / 100 = $2.8357; coldpack $1.62 + $2.84 < lifecycle $53.57
  const shared = run({ deployment: { share: 0.01 } });
  assert.ok(Math.abs(shared.coldpack.fixed_total_usd - 2.835656) < 1e-5);
  assert.ok(shared.savings_usd > 0);
  assert.equal(shared.stack_break_even_objects_per_month, 454_856); // the whole stack's break-even does not depend on the share
  assert.ok(Math.abs(run({ deployment: { fixed_monthly_usd: 10 } }).coldpack.fixed_total_usd - 120) < 1e-9);
  // per-file catalog: + 1e6 × 2 WRU × $0.78125e-6 = $1.5625 once and 1e6 × 1,260 B × $0.10/GiB = $0.1173466 a month:
  // 1.6230587 + 1.5625 + 12 × 0.1173466 = $4.593718 variable
  assert.ok(Math.abs(run({ catalog: 'per_file' }).coldpack.variable_total_usd - 4.593718) < 1e-6);
  // the mission's volume: 1,000,000,000 objects of 100 KB: lifecycle $53,574.67; coldpack $1,617.13 + $283.57 = $1,900.70,
  // 28.2 times less (target ≥ 25x)
  const big = estimate(parseEstimateRequest({ objects: 1_000_000_000, avg_size_bytes: 100_000 }), prices);
  assert.ok(big.lifecycle.total_usd / big.coldpack.total_usd >= 25, String(big.lifecycle.total_usd / big.coldpack.total_usd));
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
  assert.equal(field({ objects: 1, avg_size_bytes: 1, network: 'lan' }), 'network');
  assert.equal(field({ objects: 1, avg_size_bytes: 1, catalog: 'full' }), 'catalog');
  assert.equal(field({ objects: 1, avg_size_bytes: 1, deployment: { gateway_endpoints: false } }), 'deployment.gateway_endpoints');
  assert.equal(field({ objects: 1, avg_size_bytes: 1, deployment: { interface_endpoints: 5 } }), 'deployment'); // derived from the network mode now
});

test('every numeric estimate input has an upper bound (issue 12 item 1)', () => {
  const field = (raw: Record<string, unknown>): string | undefined => {
    try {
      parseEstimateRequest({ objects: 1000, avg_size_bytes: 1000, ...raw });
    } catch (e) {
      assert.ok(e instanceof ValidationError);
      return e.field;
    }
    return undefined;
  };
  assert.equal(field({ avg_size_bytes: 1e308 }), 'avg_size_bytes');
  assert.equal(field({ avg_size_bytes: 1e16 }), 'avg_size_bytes');
  assert.equal(field({ avg_size_bytes: MAX_ESTIMATE_OBJECT_BYTES }), undefined);
  assert.equal(field({ objects: MAX_ESTIMATE_OBJECTS + 1 }), 'objects');
  assert.equal(field({ max_files_per_bundle: 1e9 }), 'max_files_per_bundle');
  assert.equal(field({ restore_files: 1e15 }), 'restore_files');
  assert.equal(field({ compute: { objects_per_second: 1e-300 } }), 'compute.objects_per_second');
  assert.equal(field({ compute: { mb_per_second: 1e300 } }), 'compute.mb_per_second');
  assert.equal(field({ compute: { vcpu: 1e6 } }), 'compute.vcpu');
  assert.equal(field({ deployment: { fixed_monthly_usd: 1e300 } }), 'deployment.fixed_monthly_usd');
  const bucket = { min_bytes: 0, max_bytes: 1024, objects: 1, bytes: 10 };
  assert.equal(field({ objects: undefined, avg_size_bytes: undefined, histogram: Array(65).fill(bucket) }), 'histogram');
  assert.equal(field({ objects: undefined, avg_size_bytes: undefined, histogram: [{ ...bucket, objects: 1e300 }] }), 'histogram.0.objects');
});

test('the largest accepted population is estimated at once, not per shard (issue 12 item 1)', () => {
  const started = Date.now();
  const r = estimate(parseEstimateRequest({ objects: MAX_ESTIMATE_OBJECTS, avg_size_bytes: MAX_ESTIMATE_OBJECT_BYTES }), prices);
  assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
  assert.ok(Number.isFinite(r.coldpack.total_usd) && Number.isFinite(r.lifecycle.total_usd));
  const tiny = estimate(parseEstimateRequest({ objects: 1000, avg_size_bytes: MAX_ESTIMATE_OBJECT_BYTES }), prices);
  assert.ok(Number.isFinite(tiny.coldpack.total_usd));
});

test('text and HTML reports carry the headline figures; HTML is escaped and has an SVG chart', () => {
  const text = renderEstimateText(readme);
  assert.match(text, /transition_requests\s+1,000,000 requests\s+\$50\.00/);
  assert.match(text, /coldpack over 12 months: variable \$1\.62 \+ fixed \$283\.57 = \$285\.19; lifecycle rule \$53\.57/);
  assert.match(text, /coldpack costs \$231\.61 more than the lifecycle rule over 12 months/); // 285.1886 − 53.5747
  assert.match(text, /pays for itself above 454,856 objects/);
  assert.match(text, /interface_endpoints\s+2,190 endpoint-AZ-hours\s+\$21\.90\s+\$262\.80/); // 3 × 1 × 730; × $0.01; × 12
  assert.match(text, /network private: 3 interface endpoints × 1 AZ\(s\)/);
  assert.match(text, /bundle_part_uploads\s+6,251 requests\s+\$0\.0313/);
  assert.match(text, /bundle_commits\s+196 requests\s+\$0\.0098/);
  assert.match(text, /bundle_verify_heads\s+196 requests\s+\$0\.0001/);
  assert.match(text, /Lifecycle rule \(transition every object: a size filter overrides the 128 KB default\)/);
  assert.doesNotMatch(text, /GB-month/); // storage in GiB throughout, like the header's sizes
  const html = renderEstimateHtml(readme);
  assert.match(html, /<svg [^>]*role="img"/);
  assert.equal((html.match(/<polyline /g) ?? []).length, 2);
  assert.match(html, /lifecycle \$53\.57, coldpack \$285\.19 \(variable \$1\.62 \+ fixed \$283\.57\)/);
  assert.equal(escapeHtml('<a href="x">&\'</a>'), '&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;');
});

test('the text report says when coldpack costs more (objects of 2 GB over 36 months)', () => {
  const r = estimate(parseEstimateRequest({ objects: 5000, avg_size_bytes: 2e9, months: 36 }), prices);
  assert.ok(r.savings_usd < 0);
  assert.match(renderEstimateText(r), /coldpack costs \$[\d,]+\.\d\d more than the lifecycle rule over 36 months/);
});
