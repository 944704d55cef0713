import type { S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

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

/**
 * DynamoDB's rule that moto does not enforce: one BatchWriteItem may not hold two requests for the
 * same item key (moto only refuses byte-identical items). Installed on a (document) client below
 * its retry step, it answers such a call with a 400 ValidationException as DynamoDB does
 * (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchWriteItem.html).
 * @param keyAttributes the key attribute names of each table, e.g. `{ files: ['pk', 'sk'] }`
 * @returns the number of calls refused and a function removing the rule
 */
export function enforceBatchWriteKeyRule(
  client: DynamoDBDocumentClient,
  keyAttributes: Record<string, readonly string[]>,
): { refused: () => number; remove: () => void } {
  const name = `ddb-rule-${++seq}`;
  let refused = 0;
  const scalar = (v: unknown): string => (v && typeof v === 'object' ? JSON.stringify(Object.values(v)[0]) : JSON.stringify(v));
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'BatchWriteItemCommand') {
        const items =
          (
            args.input as {
              RequestItems?: Record<string, Array<{ PutRequest?: { Item: Record<string, unknown> }; DeleteRequest?: { Key: Record<string, unknown> } }>>;
            }
          ).RequestItems ?? {};
        for (const [table, requests] of Object.entries(items)) {
          const attrs = keyAttributes[table];
          if (!attrs) continue;
          const seen = new Set<string>();
          for (const r of requests) {
            const item = r.PutRequest?.Item ?? r.DeleteRequest?.Key ?? {};
            const key = attrs.map((a) => scalar(item[a])).join('|');
            if (seen.has(key)) {
              refused++;
              throw awsError('ValidationException', 400, 'Provided list of item keys contains duplicates');
            }
            seen.add(key);
          }
        }
      }
      return next(args);
    },
    { step: 'finalizeRequest', priority: 'low', name },
  );
  return { refused: () => refused, remove: () => client.middlewareStack.remove(name) };
}
