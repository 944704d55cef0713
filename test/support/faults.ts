import type { S3Client } from '@aws-sdk/client-s3';

let seq = 0;

/** An error shaped like an AWS service error (the SDK's retry strategy reads name and status). */
export function awsError(name: string, status: number, message = `injected ${name}`): Error {
  return Object.assign(new Error(message), { name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status, attempts: 1 } });
}

/**
 * Inject a fault into an S3 client below its retry middleware, so injected throttling is retried
 * like a real 503 SlowDown. `when` picks the calls (command name and input); `times` bounds how many
 * calls fail. @returns a function that removes the injection and the number of faults thrown
 */
export function injectFault(
  client: S3Client,
  options: { command: string; when?: (input: Record<string, unknown>, call: number) => boolean; times: number; error: () => Error },
): { remove: () => void; count: () => number } {
  const name = `fault-${++seq}`;
  let calls = 0;
  let thrown = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === options.command) {
        calls++;
        if (thrown < options.times && (options.when?.(args.input as Record<string, unknown>, calls) ?? true)) {
          thrown++;
          throw options.error();
        }
      }
      return next(args);
    },
    { step: 'finalizeRequest', priority: 'low', name },
  );
  return { remove: () => client.middlewareStack.remove(name), count: () => thrown };
}

/** Record the inputs of every call of `command` (at the initialize step, once per call, not per retry). */
export function recordCalls(client: S3Client, command: string): { inputs: Record<string, unknown>[]; remove: () => void } {
  const name = `rec-${++seq}`;
  const inputs: Record<string, unknown>[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === command) inputs.push(structuredClone(args.input as Record<string, unknown>));
      return next(args);
    },
    { step: 'initialize', name },
  );
  return { inputs, remove: () => client.middlewareStack.remove(name) };
}
