/**
 * The one mapping from request fields to the CLI's flags, so that an error raised by shared code
 * (the API's field names such as `bucket_name`, `allow_mismatch`, `sns_topic_arn`, the core's
 * such as `days`, the estimate schema's paths such as `compute.spot_discount`) names, when the
 * CLI prints it, what the user typed: `--bucket`, `--allow-mismatch`, `--topic-arn`, `--days`,
 * `--spot-discount`. Used by `reportFailure` (`main.ts`) for every command and by the commands that
 * print a recorded problem (`restore-status`).
 */

/** The CLI flag (or `<argument>`) of each field name an error can carry. */
export const FIELD_FLAGS: Readonly<Record<string, string>> = Object.freeze({
  // archive (API field names of POST /archive, and the core's)
  project_name: '--project',
  project: '--project',
  bucket_name: '--bucket',
  bucket: '--bucket',
  prefix: '--prefix',
  s3_prefix: '--prefix',
  manifest: '--csv/--inventory',
  file_count: '--file-count',
  total_size: '--total-size',
  archive_size: '--archive-size',
  max_files_per_bundle: '--max-files-per-bundle',
  storage_class: '--storage-class',
  allow_mismatch: '--allow-mismatch',
  delete_source: '--no-delete-source',
  dry_run: '--dry-run',
  archive_tags: '--tags',
  job_id: '<job_id>',
  job: '--job',
  bundle_key: '<bundle_key>',
  // restore (API field names of POST /restore, and the core's)
  selection: '--key/--prefix/--name',
  filename: '--name',
  name: '--name',
  key: '--key',
  keys: '--key',
  retrieval_tier: '--tier',
  tier: '--tier',
  days: '--days',
  all_matches: '--all-matches',
  generation: '--generation',
  sns_topic_arn: '--topic-arn',
  topic_arn: '--topic-arn',
  restore_id: '<restore_id>',
  // estimate (body of POST /estimate, as `coldpack estimate` builds it)
  objects: '--objects',
  avg_size_bytes: '--avg-size',
  archive_size_mb: '--archive-size',
  months: '--months',
  restore_files: '--restore-files',
  restore_tier: '--restore-tier',
  restore_days: '--restore-days',
  network: '--network',
  catalog: '--catalog',
  'deployment.azs': '--azs',
  'deployment.gateway_endpoints': '--no-gateway-endpoints',
  'deployment.share': '--shared-stack',
  'deployment.fixed_monthly_usd': '--fixed-monthly-usd',
  'compute.objects_per_second': '--objects-per-second',
  'compute.mb_per_second': '--mb-per-second',
  'compute.spot_discount': '--spot-discount',
  prices: '--prices',
  csv: '--csv',
  inventory: '--inventory',
  html: '--html',
});

/** The CLI flag of a field, or the field itself when it is already a flag or has none. */
export function flagOf(field: string): string {
  if (field.startsWith('-') || field.startsWith('<')) return field;
  return Object.hasOwn(FIELD_FLAGS, field) ? FIELD_FLAGS[field]! : field;
}

/** Field names written with `_` or `.` (never ordinary words), longest first so `archive_size_mb` wins over `archive_size`. */
const COMPOUND = Object.keys(FIELD_FLAGS)
  .filter((f) => /[_.]/.test(f))
  .sort((a, b) => b.length - a.length);
/**
 * A compound field name standing as a word: not inside a key, a path, quotes or a longer name (no
 * letter, digit, `_`, `-`, `/`, `.` or quote next to it; a `.` after it only as the end of a sentence).
 */
const COMPOUND_RE = new RegExp(`(?<![\\w/.\\-"'\`])(${COMPOUND.map((f) => f.replace(/\./g, '\\.')).join('|')})(?![\\w/\\-"'\`]|\\.[^\\s])`, 'g');

/**
 * A message with the field names it mentions replaced by their flags (`Set allow_mismatch to
 * override` becomes `Set --allow-mismatch to override`). Only names written with `_` or `.` are
 * replaced (single words such as `days` or `prefix` are also plain English); a name inside a key or
 * path (`reports/file_count.csv`) is left as it is.
 */
export function withFlags(message: string): string {
  return message.replace(COMPOUND_RE, (name: string) => flagOf(name));
}

/** How a field is named after an error: `flag: --bucket`, `argument: <job_id>`, or `field: x` for a field without a flag. */
export function fieldNote(field: string): string {
  const flag = flagOf(field);
  if (flag.startsWith('-')) return `flag: ${flag}`;
  if (flag.startsWith('<')) return `argument: ${flag}`;
  return `field: ${flag}`;
}
