/**
 * DynamoDB errors that name the table: the SDK's own messages do not
 * (`ResourceNotFoundException: Requested resource not found`). A middleware on the client prefixes
 * the message of every error DynamoDB answered with `table <name(s)>: `, keeping its name, status
 * and fields, so code that tests the error's name (e.g. ConditionalCheckFailedException) is
 * unchanged. The operation and endpoint are recorded on the error by the clients' call-site
 * middleware (`recordCallSites` in `src/adapters/aws-clients.ts`); the edges and the job's error
 * record print `DynamoDB GetItem failed: ResourceNotFoundException: table cp-files: ...`.
 * Connection failures are left as they are (they name the endpoint).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

type Loose = Record<string, unknown> | undefined;

/** The tables a DynamoDB call names (TableName, the keys of RequestItems, the items of a transaction). */
export function tablesOf(input: Loose): string[] {
  if (!input) return [];
  if (typeof input.TableName === 'string') return [input.TableName];
  if (input.RequestItems && typeof input.RequestItems === 'object') return Object.keys(input.RequestItems);
  if (Array.isArray(input.TransactItems)) {
    const names = new Set<string>();
    for (const t of input.TransactItems as Array<Record<string, Loose>>) {
      for (const op of Object.values(t)) if (op && typeof op.TableName === 'string') names.add(op.TableName);
    }
    return [...names];
  }
  return [];
}

/** Add the naming middleware to a (document) client. Idempotent per client. */
export function nameDynamoErrors(client: DynamoDBDocumentClient): void {
  const name = 'coldpack-name-dynamo-errors';
  if (client.middlewareStack.identify().some((m) => m.startsWith(name))) return;
  client.middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (err) {
        const answered = typeof (err as { $metadata?: { httpStatusCode?: unknown } } | undefined)?.$metadata?.httpStatusCode === 'number';
        const tables = tablesOf(args.input as Loose);
        if (err instanceof Error && answered && tables.length > 0 && !(err as { coldpackNamed?: boolean }).coldpackNamed) {
          err.message = `table ${tables.join(', ')}: ${err.message}`;
          Object.defineProperty(err, 'coldpackNamed', { value: true, enumerable: false });
        }
        throw err;
      }
    },
    { step: 'initialize', name, priority: 'high' },
  );
}
