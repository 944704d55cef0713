/**
 * Runs the monthly schedule inside a long-lived local process (`coldpack serve`) with croner, in
 * the configured time zone, never overlapping itself.
 */
import { Cron } from 'croner';
import { cronerPattern, type ScheduleTiming } from './schedule-config.js';

/** A running local schedule. */
export interface LocalSchedule {
  /** Next fire time, or undefined when stopped. */
  next(): Date | undefined;
  /** Stop firing (idempotent). */
  stop(): void;
}

/**
 * Start firing `run(fireTime)` at the schedule's times. A run still in progress makes the next
 * fire time skip (croner `protect`); a failing run is reported to `onError` and the schedule goes on.
 * @param run receives the scheduled fire time (UTC instant)
 */
export function startLocalSchedule(
  config: Pick<ScheduleTiming, 'minute' | 'hour' | 'day_of_month' | 'time_zone'>,
  run: (fireTime: Date) => Promise<unknown>,
  onError: (err: unknown) => void,
): LocalSchedule {
  const cron = new Cron(cronerPattern(config), { timezone: config.time_zone, protect: true }, async (self: Cron) => {
    const fireTime = self.currentRun() ?? new Date();
    try {
      await run(fireTime);
    } catch (err) {
      onError(err);
    }
  });
  return {
    next: () => cron.nextRun() ?? undefined,
    stop: () => cron.stop(),
  };
}
