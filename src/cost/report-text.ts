import type { CostBreakdown, CostItem } from './cost-items.js';
import type { EstimateResult } from './estimate.js';
import { formatBytes, formatUsd } from './units.js';

/** Narrowest widths of the name, quantity and money columns (characters); a wider cell widens its column. */
const MIN_NAME_WIDTH = 28;
const MIN_QTY_WIDTH = 26;
const MIN_USD_WIDTH = 13;
/** Spaces at least between two cells. */
const GAP = 2;

/** One line of the table: a section title, or the cells of a row (name, quantity, one-time, per month, total). */
type Line = string | readonly [string, string, string, string, string];

function quantity(item: CostItem): string {
  const q = Number.isInteger(item.quantity) ? item.quantity.toLocaleString('en-US') : item.quantity.toPrecision(4);
  return `${q} ${item.unit}`;
}

/**
 * Lay the lines out: each column as wide as its widest cell plus {@link GAP} (at least its minimum
 * width), names left-aligned, quantities and dollar amounts right-aligned, so cells never touch
 * (10^12 objects give 20-character amounts) and every column stays aligned.
 */
function table(lines: readonly Line[]): string[] {
  const rows = lines.filter((l): l is Exclude<Line, string> => typeof l !== 'string');
  const widest = (i: number): number => Math.max(0, ...rows.map((r) => r[i]!.length));
  const name = Math.max(MIN_NAME_WIDTH, widest(0) + GAP);
  const qty = Math.max(MIN_QTY_WIDTH, widest(1) + GAP);
  const usd = Math.max(MIN_USD_WIDTH, widest(2) + GAP, widest(3) + GAP, widest(4) + GAP);
  return lines.map((l) =>
    typeof l === 'string' ? l : `  ${l[0].padEnd(name)}${l[1].padStart(qty)}${l[2].padStart(usd)}${l[3].padStart(usd)}${l[4].padStart(usd)}`.trimEnd(),
  );
}

function section(title: string, b: CostBreakdown): Line[] {
  const lines: Line[] = [title];
  for (const i of b.one_time) lines.push([i.name, quantity(i), formatUsd(i.usd), '', '']);
  for (const i of b.monthly) lines.push([i.name, quantity(i), '', formatUsd(i.usd), '']);
  lines.push(['total', '', formatUsd(b.one_time_usd), formatUsd(b.monthly_usd), formatUsd(b.total_usd)]);
  return lines;
}

/**
 * Title of the lifecycle section: the rule transitions every object (its own size filter, e.g.
 * `ObjectSizeGreaterThan` 0, overrides S3's 128 KB default for every class).
 */
export function lifecycleTitle(): string {
  return 'Lifecycle rule (transition every object: a size filter overrides the 128 KB default)';
}

function deploymentSection(r: EstimateResult): Line[] {
  const d = r.deployment;
  const months = r.input.months;
  const where =
    d.network === 'existing'
      ? `imported VPC, ${d.gateway_endpoints ? 'S3 + DynamoDB gateway endpoints' : 'no gateway endpoints'}`
      : `${d.interface_endpoints} interface endpoints × ${d.azs} AZ(s)`;
  const lines: Line[] = [`Deployed stack, fixed cost (network ${d.network}: ${where}; charged share ${d.share})`];
  for (const i of d.monthly) lines.push([i.name, quantity(i), '', formatUsd(i.usd * d.share), formatUsd(i.usd * d.share * months)]);
  lines.push(['total', '', '', formatUsd(r.coldpack.fixed_monthly_usd), formatUsd(r.coldpack.fixed_total_usd)]);
  return lines;
}

function stackBreakEven(r: EstimateResult): string {
  const v = r.stack_break_even_objects_per_month;
  const fixed = formatUsd(r.deployment.monthly_usd);
  if (v === null) return `The stack (${fixed} per month) never pays for itself with objects of this size: coldpack's variable cost is not lower`;
  return (
    `The stack (${fixed} per month) pays for itself above ${v.toLocaleString('en-US')} objects of ${formatBytes(r.input.avg_object_bytes)} ` +
    `archived per month (each kept ${r.input.months} months)`
  );
}

/**
 * Render an estimate as a plain-text table for the terminal (80-120 columns, wider only for huge
 * amounts: columns grow with their widest cell and never touch): both ways itemised in
 * one-time, monthly and horizon-total columns, the stack's fixed cost, coldpack's variable / fixed / total,
 * then savings, both break-evens, the 128 KB default rule and restore. Storage quantities are GiB (2^30 bytes).
 * @param r the estimate
 * @returns lines joined with `\n`
 */
export function renderEstimateText(r: EstimateResult): string {
  const i = r.input;
  const lines = [
    `coldpack estimate: ${i.objects.toLocaleString('en-US')} objects, ${formatBytes(i.bytes)} ` +
      `(average ${formatBytes(i.avg_object_bytes)}), ${i.storage_class}, bundles up to ${i.archive_size_bytes / 1e6} MB, ` +
      `${i.months} months, network ${i.network}, catalog ${i.catalog}, prices ${r.prices.region} as of ${r.prices.as_of}`,
    '',
    ...table([
      ['', 'quantity', 'one-time', 'per month', `${i.months}-mo total`],
      ...section(lifecycleTitle(), r.lifecycle),
      ...section(`coldpack, variable (${r.coldpack.bundles.toLocaleString('en-US')} bundles, ${r.coldpack.shards.toLocaleString('en-US')} shard(s))`, {
        ...r.coldpack,
        total_usd: r.coldpack.variable_total_usd,
      }),
      ...deploymentSection(r),
    ]),
    '',
    `coldpack over ${i.months} months: variable ${formatUsd(r.coldpack.variable_total_usd)} + fixed ${formatUsd(r.coldpack.fixed_total_usd)} ` +
      `= ${formatUsd(r.coldpack.total_usd)}; lifecycle rule ${formatUsd(r.lifecycle.total_usd)}`,
    r.savings_usd >= 0
      ? `Savings over ${i.months} months: ${formatUsd(r.savings_usd)} (${(r.savings_ratio * 100).toFixed(1)}% of the lifecycle cost)`
      : `coldpack costs ${formatUsd(-r.savings_usd)} more than the lifecycle rule over ${i.months} months ` +
        `(${(-r.savings_ratio * 100).toFixed(1)}% more than the lifecycle cost)`,
    stackBreakEven(r),
    `Break-even object size (variable cost only): ${
      r.break_even_object_bytes === null
        ? 'none up to 5 TiB'
        : r.break_even_object_bytes === 0
          ? 'bundling never pays with these settings'
          : `${formatBytes(r.break_even_object_bytes)} (larger objects are cheaper with a lifecycle rule)`
    }`,
  ];
  if (r.crossover_months !== null) {
    lines.push(`coldpack costs more per month; its one-time saving is used up after ${r.crossover_months.toFixed(r.crossover_months < 10 ? 1 : 0)} months`);
  }
  if (r.lifecycle_default_min_size.objects_left_in_standard > 0) {
    lines.push(
      `With S3's default 128 KB minimum, ${r.lifecycle_default_min_size.objects_left_in_standard.toLocaleString('en-US')} objects ` +
        `(${formatBytes(r.lifecycle_default_min_size.bytes_left_in_standard)}) would not be transitioned and stay in STANDARD: ` +
        `${formatUsd(r.lifecycle_default_min_size.monthly_usd)} per month, ${formatUsd(r.lifecycle_default_min_size.total_usd)} over ${i.months} months`,
    );
  }
  const rs = r.restore;
  lines.push(
    `Restore ${rs.files.toLocaleString('en-US')} file(s), ${rs.tier} tier, copies kept ${rs.days} day(s), files ${rs.bucket_days} day(s): coldpack ${formatUsd(rs.coldpack_spread.total_usd)} ` +
      `(${rs.coldpack_spread.objects_restored} bundles, files spread) or ${formatUsd(rs.coldpack_clustered.total_usd)} ` +
      `(${rs.coldpack_clustered.objects_restored} bundle(s), files together); individually archived ${formatUsd(rs.individual_objects.total_usd)}`,
    '',
    'Assumptions:',
    ...r.assumptions.map((a) => `  - ${a}`),
  );
  return lines.join('\n');
}
