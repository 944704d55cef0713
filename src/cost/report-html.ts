import type { CostBreakdown } from './cost-items.js';
import type { ChartPoint, EstimateResult } from './estimate.js';
import { formatBytes, formatUsd } from './units.js';
import { lifecycleTitle } from './report-text.js';

/** Escape text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const W = 640;
const H = 320;
const PAD = { left: 70, right: 20, top: 20, bottom: 50 };

function logScale(min: number, max: number, from: number, to: number): (v: number) => number {
  const lo = Math.log10(min);
  const span = Math.max(1e-9, Math.log10(max) - lo);
  return (v) => from + ((Math.log10(Math.max(v, min)) - lo) / span) * (to - from);
}

/**
 * An inline SVG line chart of total cost (USD, log scale) against object count (log scale) for the lifecycle
 * rule and coldpack.
 * @param points chart points (objects ascending)
 * @returns an `<svg>` element as a string
 */
export function renderCostChartSvg(points: readonly ChartPoint[]): string {
  if (points.length === 0) return '<svg xmlns="http://www.w3.org/2000/svg" width="0" height="0"></svg>';
  const xs = points.map((p) => p.objects);
  const ys = points.flatMap((p) => [p.lifecycle_usd, p.coldpack_usd]).filter((v) => v > 0);
  const yMin = 10 ** Math.floor(Math.log10(Math.min(...ys, 1)));
  const yMax = 10 ** Math.ceil(Math.log10(Math.max(...ys, 1)));
  const x = logScale(Math.min(...xs), Math.max(...xs), PAD.left, W - PAD.right);
  const y = logScale(yMin, yMax, H - PAD.bottom, PAD.top);
  const line = (pick: (p: ChartPoint) => number): string => points.map((p) => `${x(p.objects).toFixed(1)},${y(pick(p)).toFixed(1)}`).join(' ');
  const yTicks: string[] = [];
  for (let v = yMin; v <= yMax * 1.0001; v *= 10) {
    yTicks.push(
      `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#ddd"/>` +
        `<text x="${PAD.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" font-size="11">${escapeHtml(formatUsd(v))}</text>`,
    );
  }
  const xTicks = points.map(
    (p) => `<text x="${x(p.objects).toFixed(1)}" y="${H - PAD.bottom + 16}" text-anchor="middle" font-size="10">${p.objects.toExponential(0)}</text>`,
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="Total cost against object count">`,
    ...yTicks,
    ...xTicks,
    `<text x="${(PAD.left + W - PAD.right) / 2}" y="${H - 10}" text-anchor="middle" font-size="12">objects (same average size)</text>`,
    `<polyline fill="none" stroke="#c0392b" stroke-width="2" points="${line((p) => p.lifecycle_usd)}"/>`,
    `<polyline fill="none" stroke="#2471a3" stroke-width="2" points="${line((p) => p.coldpack_usd)}"/>`,
    `<text x="${PAD.left + 10}" y="${PAD.top + 12}" font-size="12" fill="#c0392b">lifecycle rule</text>`,
    `<text x="${PAD.left + 10}" y="${PAD.top + 28}" font-size="12" fill="#2471a3">coldpack</text>`,
    '</svg>',
  ].join('\n');
}

function table(title: string, b: CostBreakdown): string {
  const rows = [
    ...b.one_time.map((i) => [i.name, `${i.quantity.toLocaleString('en-US', { maximumFractionDigits: 4 })} ${i.unit}`, formatUsd(i.usd), '', i.price_key]),
    ...b.monthly.map((i) => [i.name, `${i.quantity.toLocaleString('en-US', { maximumFractionDigits: 4 })} ${i.unit}`, '', formatUsd(i.usd), i.price_key]),
    ['total', '', formatUsd(b.one_time_usd), formatUsd(b.monthly_usd), `${b.months}-month total ${formatUsd(b.total_usd)}`],
  ];
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n');
  return `<h2>${escapeHtml(title)}</h2>\n<table><thead><tr><th>item</th><th>quantity</th><th>one-time</th><th>per month</th><th>price (table key)</th></tr></thead>\n<tbody>${body}</tbody></table>`;
}

/**
 * A self-contained one-page HTML report of an estimate (no scripts, no external resources): headline
 * figures (coldpack variable + fixed = total), the stack's break-even volume, the SVG chart, both itemised
 * breakdowns, the stack's fixed cost (whole stack per month; the total is the charged share), restore and assumptions.
 * @param r the estimate
 * @returns the HTML document
 */
export function renderEstimateHtml(r: EstimateResult): string {
  const i = r.input;
  const headline =
    `${i.objects.toLocaleString('en-US')} objects, ${formatBytes(i.bytes)}, ${i.storage_class}, ${i.months} months: ` +
    `lifecycle ${formatUsd(r.lifecycle.total_usd)}, coldpack ${formatUsd(r.coldpack.total_usd)} ` +
    `(variable ${formatUsd(r.coldpack.variable_total_usd)} + fixed ${formatUsd(r.coldpack.fixed_total_usd)}), ` +
    (r.savings_usd >= 0 ? `saving ${formatUsd(r.savings_usd)} (${(r.savings_ratio * 100).toFixed(1)}%)` : `coldpack costs ${formatUsd(-r.savings_usd)} more`);
  const stack =
    r.stack_break_even_objects_per_month === null
      ? `The stack (${formatUsd(r.deployment.monthly_usd)} per month) never pays for itself with objects of this size.`
      : `The stack (${formatUsd(r.deployment.monthly_usd)} per month) pays for itself above ` +
        `${r.stack_break_even_objects_per_month.toLocaleString('en-US')} objects of this size archived per month.`;
  const breakEven =
    r.break_even_object_bytes === null ? 'none up to 5 TiB' : r.break_even_object_bytes === 0 ? 'bundling never pays' : formatBytes(r.break_even_object_bytes);
  const rs = r.restore;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>coldpack estimate</title>
<style>body{font-family:system-ui,sans-serif;max-width:960px;margin:2em auto;color:#222}table{border-collapse:collapse;width:100%;font-size:13px}td,th{border-bottom:1px solid #ddd;padding:3px 6px;text-align:left}td:nth-child(3),td:nth-child(4){text-align:right}</style>
</head><body>
<h1>coldpack estimate</h1>
<p><strong>${escapeHtml(headline)}</strong></p>
<p>${escapeHtml(stack)}</p>
<p>Break-even object size (variable cost only): ${escapeHtml(breakEven)}. Prices: ${escapeHtml(r.prices.region)} as of ${escapeHtml(r.prices.as_of)}.</p>
${renderCostChartSvg(r.chart)}
${table(lifecycleTitle(), r.lifecycle)}
${table(`coldpack, variable (${r.coldpack.bundles} bundles)`, { ...r.coldpack, total_usd: r.coldpack.variable_total_usd })}
${table(`Deployed stack, fixed cost (share ${r.deployment.share})`, {
  one_time: [],
  one_time_usd: 0,
  monthly: r.deployment.monthly,
  monthly_usd: r.deployment.monthly_usd,
  months: r.input.months,
  total_usd: r.coldpack.fixed_total_usd,
})}
<h2>Restore ${rs.files} file(s), ${escapeHtml(rs.tier)} tier, copies kept ${rs.days} day(s), files ${rs.bucket_days} day(s)</h2>
<p>coldpack: ${escapeHtml(formatUsd(rs.coldpack_spread.total_usd))} with files spread over ${rs.coldpack_spread.objects_restored} bundles,
${escapeHtml(formatUsd(rs.coldpack_clustered.total_usd))} with files together (${rs.coldpack_clustered.objects_restored} bundle(s));
individually archived objects: ${escapeHtml(formatUsd(rs.individual_objects.total_usd))}.</p>
<h2>Assumptions</h2>
<ul>${r.assumptions.map((a) => `<li>${escapeHtml(a)}</li>`).join('')}</ul>
</body></html>
`;
}
