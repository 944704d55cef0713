/**
 * The human output of `coldpack restore` and `coldpack restore-status`: the request's status, each
 * file, and why the request failed as a whole (`errors`: an ambiguous name with its candidates, too
 * many files, a refused tier, a failed notification), with request fields named by their CLI flags;
 * and the report of a selection refused after its request was recorded.
 */
import { ColdpackError } from '../../domain/errors.js';
import type { RestoreProblem, RestoreView } from '../../domain/restore-request.js';
import { withFlags } from './cli-flags.js';

/** Final request statuses: nothing more happens to the request. */
export const FINAL_RESTORE_STATUSES: ReadonlySet<string> = new Set(['AVAILABLE', 'PARTIAL', 'FAILED']);

/** Candidates listed one per line before "and N more" (`--json` carries every one). */
export const CANDIDATES_LISTED = 50;

/** The candidate lines of a problem (at most {@link CANDIDATES_LISTED}, then how many more). */
export function candidateLines(p: Pick<RestoreProblem, 'candidates' | 'candidates_total'>, indent: string): string[] {
  const all = p.candidates ?? [];
  if (all.length === 0) return [];
  const total = Math.max(p.candidates_total ?? all.length, all.length);
  const lines = all.slice(0, CANDIDATES_LISTED).map((c) => `${indent}${c}`);
  if (total > lines.length)
    lines.push(`${indent}... and ${total - lines.length} more (--json lists ${all.length === total ? 'them all' : `${all.length} of them`})`);
  return lines;
}

/** One problem of the request: `error CODE: message`, then its candidates. */
function problemLines(p: RestoreProblem): string[] {
  const total = p.candidates_total ?? p.candidates?.length ?? 0;
  return [`  error ${p.code}: ${withFlags(p.message)}`, ...(total > 0 ? [`    candidates (${total}):`, ...candidateLines(p, '      ')] : [])];
}

/**
 * A restore request as text: `restore <id>: <status> (<n> files)`, its problems (reason of a FAILED
 * request, failed notification), one line per file, and how to follow a request not final yet.
 */
export function restoreText(v: RestoreView): string {
  const lines = [`restore ${v.restore_id}: ${v.status} (${v.files.length} files)`];
  for (const p of v.errors ?? []) lines.push(...problemLines(p));
  // A found file is named s3://<source bucket>/<key>: the same key from two buckets stays two lines one can tell apart.
  for (const f of v.files) {
    const name = f.bucket ? `s3://${f.bucket}/${f.key}` : f.key;
    lines.push(`  ${f.status.padEnd(10)} ${name}${f.location ? `  ->  ${f.location}` : ''}${f.message ? `  (${f.message})` : ''}`);
  }
  if (!FINAL_RESTORE_STATUSES.has(v.status)) lines.push(`  follow with: coldpack restore-status ${v.restore_id}`);
  return lines.join('\n');
}

/** Whether a view found nothing for some file, or failed: `coldpack restore` exits 1 then. */
export function missedSome(v: RestoreView): boolean {
  return v.status === 'FAILED' || v.files.some((f) => f.status === 'NOT_FOUND' || f.status === 'FAILED');
}

/**
 * A selection refused after the request was recorded (inline resolution records, then looks up): the
 * error as raised, with the request's id and status in its details (`--json` prints them with it).
 */
class RecordedRefusal extends ColdpackError {
  /** The refusal's own details (e.g. every candidate), `restore_id` and `status: FAILED`. */
  readonly details: Record<string, unknown>;
  /** @param err the refusal; @param restoreId the request it failed */
  constructor(err: ColdpackError, restoreId: string) {
    super(err.code, err.message, { ...(err.field ? { field: err.field } : {}), cause: err });
    this.details = { restore_id: restoreId, status: 'FAILED', ...((err as { details?: Record<string, unknown> }).details ?? {}) };
  }
}

/**
 * Say on stderr that the request `restoreId` is recorded FAILED with the reason `err`, listing its
 * candidates (an ambiguous name), and return the error to throw: `err` with the request's id and
 * status in its details. The exit code stays the refusal's (2).
 */
export function recordedRefusal(err: ColdpackError, restoreId: string): ColdpackError {
  const problem = (err as { details?: Pick<RestoreProblem, 'candidates' | 'candidates_total'> }).details ?? {};
  const total = problem.candidates_total ?? problem.candidates?.length ?? 0;
  process.stderr.write(
    `coldpack: restore ${restoreId}: FAILED, recorded with the reason (coldpack restore-status ${restoreId} shows it)${total > 0 ? `; ${total} candidates:` : ''}\n`,
  );
  for (const line of candidateLines(problem, '  ')) process.stderr.write(`${line}\n`);
  return new RecordedRefusal(err, restoreId);
}
