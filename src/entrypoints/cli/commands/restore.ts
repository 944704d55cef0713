/**
 * `coldpack restore`, `coldpack restore-status` and `coldpack reconcile`.
 *
 *   coldpack restore (--key K ... | --prefix P | --name N ...) [--bucket B] [--project P]
 *                    [--tier Standard|Bulk|Expedited] [--days N] [--all-matches] [--generation G]
 *                    [--topic-arn ARN] [--wait [--interval S] [--timeout S]] [--json]
 *   coldpack restore-status <restore_id> [--no-reconcile] [--json]     (exit 1 when the request FAILED)
 *   coldpack reconcile [--json]
 *
 * Exit codes: 0 ok (with --wait: every file AVAILABLE); 1 a file FAILED or NOT_FOUND (also without
 * --wait: nothing found is not a success), a request FAILED, or an AWS error; 2 bad input: refused
 * flags and a source bucket never archived write nothing; a selection refused while its files are
 * looked up (an ambiguous name, too many files, a tier) leaves the request recorded FAILED with the
 * reason (resolution is asynchronous by design), and its id and candidates are printed.
 */
import type { Command } from 'commander';
import { cliLogger } from '../cli-logger.js';
import { ColdpackError, NotFoundError, ValidationError } from '../../../domain/errors.js';
import { utf8Length } from '../../../domain/keys.js';
import {
  DEFAULT_RESTORE_DAYS,
  RETRIEVAL_TIERS,
  type RestoreRequestInput,
  type RestoreSelection,
  type RestoreView,
  type RetrievalTier,
} from '../../../domain/restore-request.js';
import { createRestoreService } from '../../restore-composition.js';
import type { RestoreService } from '../../../restore/restore-service.js';
import { restoreOptionsOf } from '../../config.js';
import type { CliContext } from '../context.js';
import type { RegisterCommand } from './index.js';
import { bucketNameProblem } from '../../../api/fields.js';
import { FINAL_RESTORE_STATUSES as FINAL, missedSome, recordedRefusal, restoreText } from '../restore-text.js';

interface RestoreOptions {
  key?: string[];
  prefix?: string;
  name?: string[];
  bucket?: string;
  project?: string;
  tier: string;
  days: string;
  allMatches?: boolean;
  generation?: string;
  topicArn?: string;
  wait?: boolean;
  interval: string;
  timeout: string;
  json?: boolean;
}

const collect = (v: string, prev: string[] | undefined): string[] => [...(prev ?? []), v];

function integer(text: string, field: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isInteger(n)) throw new ValidationError(`--${field} must be an integer, got ${JSON.stringify(text)}`, `--${field}`);
  return n;
}

function int(text: string, field: string, min: number): number {
  const n = integer(text, field);
  if (n < min) throw new ValidationError(`--${field} must be an integer >= ${min}, got ${JSON.stringify(text)}`, `--${field}`);
  return n;
}

/**
 * Map CLI options onto a {@link RestoreRequestInput}, checking their shape (the restore service
 * checks the rules: days range, tier per storage class, topic allow-list).
 * @throws ValidationError on a malformed flag: not exactly one selection, a key that is not 1-1,024
 *   UTF-8 bytes, a name with "/", an unknown tier, a non-integer number, a bad bucket name
 */
export function restoreInputFromOptions(o: RestoreOptions): RestoreRequestInput {
  const given = [o.key && 'key', o.prefix !== undefined && 'prefix', o.name && 'name'].filter(Boolean);
  if (given.length !== 1)
    throw new ValidationError('give exactly one of --key K (repeatable), --prefix P, --name N (repeatable or comma-separated)', 'selection');
  let selection: RestoreSelection;
  if (o.key) {
    const bad = o.key.find((k) => k.length === 0 || utf8Length(k) > 1024);
    if (bad !== undefined) throw new ValidationError(`--key: an S3 key is 1-1,024 UTF-8 bytes, got ${utf8Length(bad)} bytes`, 'key');
    selection = { kind: 'keys', keys: [...new Set(o.key)] };
  } else if (o.name) {
    const names = [
      ...new Set(
        o.name
          .flatMap((n) => n.split(','))
          .map((n) => n.trim())
          .filter(Boolean),
      ),
    ];
    if (names.length === 0) throw new ValidationError('--name holds no file name', 'name');
    const withSlash = names.find((n) => n.includes('/'));
    if (withSlash !== undefined)
      throw new ValidationError(`--name takes base names without folders, got ${JSON.stringify(withSlash)} (use --key for full keys)`, 'name');
    selection = { kind: 'names', names };
  } else selection = { kind: 'prefix', prefix: o.prefix ?? '' };
  const bucketProblem = o.bucket !== undefined ? bucketNameProblem(o.bucket) : undefined;
  if (bucketProblem) throw new ValidationError(`--bucket ${JSON.stringify(o.bucket)}: ${bucketProblem}`, 'bucket');
  if (!RETRIEVAL_TIERS.includes(o.tier as RetrievalTier))
    throw new ValidationError(`--tier must be one of ${RETRIEVAL_TIERS.join(', ')}, got ${JSON.stringify(o.tier)}`, 'tier');
  return {
    selection,
    tier: o.tier as RetrievalTier,
    days: integer(o.days, 'days'),
    all_matches: o.allMatches === true,
    requested_by: 'cli',
    ...(o.bucket ? { bucket: o.bucket } : {}),
    ...(o.project ? { project: o.project } : {}),
    ...(o.generation ? { generation: o.generation } : {}),
    ...(o.topicArn ? { topic_arn: o.topicArn } : {}),
  };
}

function service(ctx: CliContext): RestoreService {
  // Warnings (e.g. a RestoreObject left for a later pass) go to stderr, apart from the output; stacks only with --debug.
  return createRestoreService(ctx.config, ctx.clients, { ...restoreOptionsOf(ctx.settings), logger: cliLogger(ctx.debug) });
}

/** Poll (reconcile + read) until the request is final or `timeoutMs` passes (0 = no limit). */
async function waitFor(svc: RestoreService, id: string, intervalMs: number, timeoutMs: number): Promise<RestoreView> {
  const deadline = timeoutMs > 0 ? Date.now() + timeoutMs : Infinity;
  for (;;) {
    await svc.reconcile(id);
    const v = await svc.get(id);
    if (!v) throw new NotFoundError(`restore ${id} not found`, 'restore_id');
    if (FINAL.has(v.status) || Date.now() >= deadline) return v;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Registers `restore`, `restore-status` and `reconcile`. */
export const registerRestore: RegisterCommand = (program: Command, ctx, setExit) => {
  program
    .command('restore')
    .description('Restore archived files (by key, prefix or file name) to s3://<restore bucket>/restores/<restore_id>/<bucket>/<key>')
    .option('--key <key>', 'full source key (repeatable)', collect)
    .option('--prefix <prefix>', 'every archived key under this raw S3 prefix')
    .option('--name <name>', 'base file name (repeatable, or comma-separated)', collect)
    .option('--bucket <bucket>', 'source bucket (default: every archived bucket)')
    .option('--project <project>', 'project name (narrows the lookup)')
    .option('--tier <tier>', 'retrieval tier: Standard (12 h) or Bulk (48 h) for Deep Archive; Expedited only for GLACIER', 'Standard')
    .option('--days <n>', 'days the restored bundle copy stays readable (1-30)', String(DEFAULT_RESTORE_DAYS))
    .option('--all-matches', 'restore every key a --name matches instead of failing on an ambiguous name')
    .option('--generation <g>', 'archive generation (job id or archived_at); default the newest')
    .option('--topic-arn <arn>', 'extra SNS topic to notify (must be on COLDPACK_ALLOWED_TOPIC_ARNS)')
    .option('--wait', 'wait until every file is available or failed (runs the reconciler while waiting)')
    .option('--interval <seconds>', 'seconds between checks with --wait (each check is one HeadObject per pending bundle)', '60')
    .option('--timeout <seconds>', 'give up waiting after this many seconds (0 = never)', '0')
    .option('--json', 'machine-readable JSON output')
    .action(async (o: RestoreOptions) => {
      const input = restoreInputFromOptions(o);
      const interval = int(o.interval, 'interval', 1) * 1000;
      const timeout = int(o.timeout, 'timeout', 0) * 1000;
      const c = ctx();
      const svc = service(c);
      // With --wait the id is printed as soon as the request is recorded (as `archive` does with the job id).
      let recorded: string | undefined;
      const onRecorded = (id: string): void => {
        recorded = id;
        if (o.wait) process.stderr.write(`coldpack: restore ${id} recorded (follow it with: coldpack restore-status ${id})\n`);
      };
      let view: RestoreView;
      try {
        view = await svc.submit(input, { onRecorded });
      } catch (err) {
        // Refused while its files were looked up: the request stays recorded, FAILED with the reason.
        if (recorded !== undefined && err instanceof ColdpackError) throw recordedRefusal(err, recorded);
        throw err;
      }
      if (o.wait) view = await waitFor(svc, view.restore_id, interval, timeout);
      if (o.json || c.json) c.print(view);
      else c.print(view, restoreText(view));
      if ((o.wait && view.status !== 'AVAILABLE') || missedSome(view)) setExit(1);
    });

  program
    .command('restore-status')
    .description('Show a restore request, why it failed and its files (runs one reconcile pass for it first); exit 1 when it FAILED')
    .argument('<restore_id>', 'restore id printed by coldpack restore')
    .option('--no-reconcile', 'only read the status, do not check pending bundles')
    .option('--json', 'machine-readable JSON output')
    .action(async (id: string, o: { reconcile: boolean; json?: boolean }) => {
      const c = ctx();
      const svc = service(c);
      if (o.reconcile) await svc.reconcile(id);
      const view = await svc.get(id);
      if (!view) throw new NotFoundError(`restore ${JSON.stringify(id)} not found`, 'restore_id');
      if (o.json || c.json) c.print(view);
      else c.print(view, restoreText(view));
      if (view.status === 'FAILED') setExit(1);
    });

  program
    .command('reconcile')
    .description('One pass over open restores: check pending bundles (HeadObject x-amz-restore), extract ready files, retry notifications')
    .option('--json', 'machine-readable JSON output')
    .action(async (o: { json?: boolean }) => {
      const c = ctx();
      const summary = await service(c).reconcile();
      if (o.json || c.json) c.print(summary);
      else
        c.print(
          summary,
          `reconciled ${summary.requests} open restores: ${summary.bundles_checked} bundles checked, ${summary.bundles_ready} ready, ${summary.requests_finished} finished`,
        );
    });
};
