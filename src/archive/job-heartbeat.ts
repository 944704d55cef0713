import type { Clock } from '../domain/ports/clock.js';
import type { JobStore } from '../domain/ports/job-store.js';
import type { Logger } from '../domain/ports/logger.js';

/** What {@link startHeartbeat} needs. */
export interface HeartbeatDeps {
  readonly jobs: JobStore;
  /** Source of the `heartbeat_at` timestamps. */
  readonly clock: Clock;
  /** Where a failed heartbeat write is reported (warn); the step goes on. */
  readonly logger: Logger;
  /** Milliseconds between heartbeats (> 0). */
  readonly intervalMs: number;
}

/**
 * Write the job's `heartbeat_at` now and then every `intervalMs` while a step runs, so a job whose
 * process died (or whose final writes failed) is recognised as stale and can be taken over by a
 * resume. A failed write is logged, never fatal. The timer does not keep the process alive.
 * @returns stop: ends the heartbeat (idempotent)
 */
export function startHeartbeat(jobId: string, deps: HeartbeatDeps): () => void {
  const beat = (): void => {
    deps.jobs.update(jobId, { heartbeat_at: deps.clock.now().toISOString() }).catch((err: unknown) => {
      deps.logger.warn({ err, job_id: jobId }, 'job heartbeat write failed; the step goes on');
    });
  };
  beat();
  const timer = setInterval(beat, deps.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
