/**
 * Fault injection on an SDK v3 client: a "lost response". The call is performed (the service writes)
 * and then a network error is thrown once, below the retry middleware, so the SDK retries the call
 * exactly as it does after a dropped connection.
 */
import type { MiddlewareStack } from '@smithy/types';

let seq = 0;

/** A Node network error the SDK's retry strategy treats as transient (ECONNRESET). */
export function networkError(): Error {
  return Object.assign(new Error('socket hang up (injected lost response)'), { code: 'ECONNRESET', $metadata: {} });
}

/**
 * Perform the next `times` calls whose command name matches `command`, then throw a network error
 * instead of returning their answers.
 * @returns how many answers were dropped so far, and a remover
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function loseResponses(client: { middlewareStack: MiddlewareStack<any, any> }, command: RegExp, times = 1): { count: () => number; remove: () => void } {
  const name = `lost-response-${++seq}`;
  let lost = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (lost < times && command.test(String(context.commandName))) {
        lost++;
        throw networkError();
      }
      return result;
    },
    { step: 'finalizeRequest', priority: 'low', name },
  );
  return { count: () => lost, remove: () => void client.middlewareStack.remove(name) };
}
