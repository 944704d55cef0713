/**
 * The one retry loop for DynamoDB batch calls that hand back part of their work
 * (BatchWriteItem `UnprocessedItems`, BatchGetItem `UnprocessedKeys`): exponential backoff with
 * full jitter (base 50 ms, cap 5,000 ms), 10 rounds by default. Throttling errors of single calls
 * are retried by the SDK's own retry strategy (adaptive mode, see `aws-clients.ts`).
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchWriteItem.html
 */
import { ColdpackError } from '../../domain/errors.js';

/** Options of {@link retryUnprocessed}. */
export interface RetryOptions {
  /** Rounds after the first call. Default 10. */
  readonly maxRetries?: number;
  /** Injected sleep (tests). Default setTimeout. */
  readonly sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Call `round(pending)` until it returns no pending work.
 * @param work the first round's input
 * @param round performs one call; returns what is left
 * @param what names the table and operation for the error message
 * @returns the number of calls made
 * @throws ColdpackError `UNPROCESSED_ITEMS` naming `what` and how many are left after the retries
 */
export async function retryUnprocessed<T>(
  work: readonly T[],
  round: (pending: readonly T[]) => Promise<readonly T[]>,
  what: string,
  options: RetryOptions = {},
): Promise<number> {
  const maxRetries = options.maxRetries ?? 10;
  const sleep = options.sleep ?? defaultSleep;
  let pending = work;
  let calls = 0;
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt > maxRetries) throw new ColdpackError('UNPROCESSED_ITEMS', `${what}: ${pending.length} items stayed unprocessed after ${maxRetries} retries`);
    if (attempt > 0) await sleep(Math.random() * Math.min(5000, 50 * 2 ** attempt));
    pending = await round(pending);
    calls++;
  }
  return calls;
}
