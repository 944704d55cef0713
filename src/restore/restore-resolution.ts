/**
 * The asynchronous step of a restore request: look its files up in the catalog (the request is
 * RESOLVING meanwhile), record them in batches, then start (or join) their bundle restores. It runs
 * in the restore worker, never inside the API call: in-process after `coldpack restore` / `serve`
 * submit, in AWS in the reconciler (and whatever the composition root dispatches to it). A claim
 * (`resolving_since`) keeps two workers from resolving the same request at once; a worker that died
 * is taken over after `staleMs`.
 */
import { ColdpackError, ValidationError } from '../domain/errors.js';
import type { Clock } from '../domain/ports/clock.js';
import type { Logger } from '../domain/ports/logger.js';
import type { RestoreStore } from '../domain/ports/restore-store.js';
import type { RestoreProblem } from '../domain/restore-request.js';
import { fileRecordOf, type RestoreFileRecord } from '../domain/restore-records.js';
import { groupBy } from './group-by.js';
import { mapLimit } from './map-limit.js';
import type { Resolver } from './resolver.js';
import { tierProblem } from './restore-rules.js';
import type { RestoreWorker } from './restore-worker.js';

/** Options of {@link RestoreResolution}. */
export interface ResolutionOptions {
  /** Bundles started at once. Default 4. */
  readonly bundleConcurrency?: number;
  /** Extract readable files right away (default true); false leaves them for the reconciler. */
  readonly extract?: boolean;
  /** A claim older than this many ms belongs to a worker that died. Default 300,000 (5 min). */
  readonly staleMs?: number;
}

/** The problem recorded for a refused selection, from the error that refused it. */
function problemOf(err: ColdpackError): RestoreProblem {
  const details = (err as { details?: Record<string, unknown> }).details ?? {};
  return { code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}), ...details };
}

/** Resolves RESOLVING requests. */
export class RestoreResolution {
  /** @param parts store, resolver, worker (bundles and finishing), clock, logger; @param options tunables */
  constructor(
    private readonly parts: { store: RestoreStore; resolver: Resolver; worker: RestoreWorker; clock: Clock; logger: Logger },
    private readonly options: ResolutionOptions = {},
  ) {}

  /**
   * Resolve the request if it is RESOLVING and nobody else is at it.
   * @returns the refusal (a 4xx {@link ColdpackError}: ambiguous name, too many files, no key list,
   *   tier not available) after recording it and finishing the request FAILED; undefined otherwise
   * @throws transient errors (throttling, outages): the request stays RESOLVING for a later pass
   */
  async run(restoreId: string): Promise<ColdpackError | undefined> {
    const { store, resolver, worker, clock } = this.parts;
    const req = await store.getRequest(restoreId);
    if (req?.resolution !== 'RESOLVING') return undefined;
    const now = clock.now();
    const stale = new Date(now.getTime() - (this.options.staleMs ?? 300_000)).toISOString();
    if (!(await store.claimResolution(restoreId, now.toISOString(), stale))) return undefined;
    let resolution;
    try {
      // A list kept apart from the request record (selection_count) is read back for this step only.
      const selection = req.selection_count === undefined ? req.request.selection : await store.selection(restoreId);
      if (!selection) return undefined;
      resolution = await resolver.resolve({ ...req.request, selection });
    } catch (err) {
      if (err instanceof ColdpackError && err.status < 500) return this.refuse(restoreId, err);
      throw err;
    }
    const { found, notFound } = resolution;
    const refused = new Map<number, string>();
    found.forEach((f, i) => {
      const problem = tierProblem(f.storage_class, req.request.tier);
      if (problem) refused.set(i, problem);
    });
    if (refused.size > 0 && refused.size === found.length) {
      return this.refuse(restoreId, new ValidationError([...new Set(refused.values())].join('; '), 'retrieval_tier', 'TIER_NOT_ALLOWED'));
    }
    const at = clock.now().toISOString();
    const files: RestoreFileRecord[] = found.map((f, n) => {
      const file = fileRecordOf(restoreId, n, f, at);
      const problem = refused.get(n);
      return problem ? { ...file, status: 'FAILED', error_code: 'TIER_NOT_ALLOWED', message: problem } : file;
    });
    for (const nf of notFound) {
      files.push({ restore_id: restoreId, n: files.length, key: nf.asked, status: 'NOT_FOUND', error_code: 'NOT_FOUND', message: nf.message, updated_at: at });
    }
    const active = files.filter((f) => f.status === 'PENDING');
    const groups = groupBy(active, (f) => f.bundle_key!);
    await store.putFiles(files);
    if (
      !(await store.recordResolution(
        restoreId,
        { files: files.length, bundles: groups.size, files_failed: refused.size, files_not_found: notFound.length },
        at,
      ))
    )
      return undefined;
    if (active.length === 0) await worker.finish(restoreId);
    await mapLimit([...groups], this.options.bundleConcurrency ?? 4, ([bundleKey, group]) =>
      worker.startBundle(restoreId, req.request.tier, req.request.days, bundleKey, group, this.options.extract ?? true),
    );
    return undefined;
  }

  private async refuse(restoreId: string, err: ColdpackError): Promise<ColdpackError> {
    const { store, worker, clock, logger } = this.parts;
    if (await store.failResolution(restoreId, problemOf(err), clock.now().toISOString())) {
      logger.info({ restore_id: restoreId, code: err.code }, `restore request refused while resolving: ${err.message.slice(0, 500)}`);
      await worker.finish(restoreId);
    }
    return err;
  }
}
