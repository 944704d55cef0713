import { systemClock, type Clock } from '../domain/ports/clock.js';
import { silentLogger, type Logger } from '../domain/ports/logger.js';
import type { Usage, UsageMeter, UsageStore } from '../domain/ports/usage-store.js';

const FIELDS = ['requests', 'unbilled', 'bytes_sent', 'bytes_received', 'dynamodb_items_written', 'dynamodb_write_units'] as const;

/** An all-zero usage. */
export function emptyUsage(): Usage {
  return { requests: {}, unbilled: {}, bytes_sent: {}, bytes_received: {}, dynamodb_items_written: {}, dynamodb_write_units: {} };
}

/** `a + sign × b`, field by field and key by key (keys that end at 0 are dropped). */
export function combineUsage(a: Usage, b: Usage, sign: 1 | -1 = 1): Usage {
  const out = emptyUsage() as Record<(typeof FIELDS)[number], Record<string, number>>;
  for (const f of FIELDS) {
    const merged: Record<string, number> = { ...a[f] };
    for (const [k, v] of Object.entries(b[f])) merged[k] = (merged[k] ?? 0) + sign * v;
    for (const [k, v] of Object.entries(merged)) if (v !== 0) out[f][k] = v;
  }
  return out;
}

/** Collaborators of {@link UsageLedger}. */
export interface UsageLedgerDeps {
  /** The meter attached to the clients doing the job's work. */
  readonly meter: UsageMeter;
  /** Where each step run's usage is kept. */
  readonly store: UsageStore;
  /** Where a failed record is reported. Default {@link silentLogger}. */
  readonly logger?: Logger;
  /** Default {@link systemClock}. */
  readonly clock?: Clock;
}

/**
 * Records what each step of an archive job cost in requests: the meter's delta over the step is
 * stored as one usage record per step run (so the requests of a failed attempt that is retried
 * are counted too), and {@link total} adds them up for the job report. Each AWS Batch step runs in
 * its own process with its own meter; in-process runs give each job its own clients and meter.
 */
export class UsageLedger {
  /** @param deps meter, usage store, logger, clock */
  constructor(private readonly deps: UsageLedgerDeps) {}

  /**
   * Run `fn` and store the requests it made under `step` (also when it throws). A failure to store
   * the usage does not fail the step: it is logged as a warning with the job id and step, and the
   * job report then undercounts that step's requests.
   */
  async step<T>(jobId: string, step: string, fn: () => Promise<T>): Promise<T> {
    const before = this.deps.meter.snapshot();
    try {
      return await fn();
    } finally {
      const delta = combineUsage(this.deps.meter.snapshot(), before, -1);
      try {
        await this.deps.store.record(jobId, step, (this.deps.clock ?? systemClock).now().toISOString(), delta);
      } catch (err) {
        (this.deps.logger ?? silentLogger).warn(
          { err, job_id: jobId, step },
          'could not record the usage of a job step; the job report will undercount its requests',
        );
      }
    }
  }

  /** The job's usage so far (all stored steps) plus `current` (e.g. the running finalize step). */
  async total(jobId: string, current: Usage = emptyUsage()): Promise<Usage> {
    let sum = current;
    for (const usage of await this.deps.store.list(jobId)) sum = combineUsage(sum, usage);
    return sum;
  }

  /** The meter's counts since `since` (a snapshot taken earlier). */
  since(since: Usage): Usage {
    return combineUsage(this.deps.meter.snapshot(), since, -1);
  }

  /** A snapshot of the meter now. */
  now(): Usage {
    return this.deps.meter.snapshot();
  }
}
