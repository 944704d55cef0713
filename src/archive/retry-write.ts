import { silentLogger, type Logger } from '../domain/ports/logger.js';

/** How {@link retryWrite} retries. */
export interface RetryWriteOptions {
  /** Attempts including the first. Default 8. */
  readonly attempts?: number;
  /** Wait before the second attempt, in ms; doubled each time up to `maxMs`. Default 250. */
  readonly baseMs?: number;
  /** Longest wait between attempts, in ms. Default 8,000 (the default schedule spans ~24 s, past a 20 s outage). */
  readonly maxMs?: number;
  /** Where each failed attempt is logged (warn). Default {@link silentLogger}. */
  readonly logger?: Logger;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Run a write that must not be lost (a job's final status, its lock release) with bounded retries
 * and exponential backoff on top of the SDK's own retries, so an outage of a few tens of seconds
 * does not leave a job RUNNING forever. The write must be idempotent.
 * @param what names the write in logs (e.g. `mark job X FAILED`)
 * @returns the write's result
 * @throws the last attempt's error once the attempts are spent
 */
export async function retryWrite<T>(what: string, write: () => Promise<T>, options: RetryWriteOptions = {}): Promise<T> {
  const attempts = Math.max(1, options.attempts ?? 8);
  let wait = options.baseMs ?? 250;
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (err) {
      if (attempt >= attempts) throw err;
      (options.logger ?? silentLogger).warn({ err, attempt, retry_in_ms: wait }, `${what} failed; retrying`);
      await sleep(wait);
      wait = Math.min(wait * 2, options.maxMs ?? 8_000);
    }
  }
}
