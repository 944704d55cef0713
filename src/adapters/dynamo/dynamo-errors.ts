/**
 * DynamoDB errors that name the operation and the table: the SDK's own messages do not
 * (`ResourceNotFoundException: Requested resource not found`). A middleware on the client prefixes
 * every error's message with `<Operation> table <name(s)>: `, keeping its name, status and
 * fields, so code that tests the error's name (e.g. ConditionalCheckFailedException) is unchanged.
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
    (next, context) => async (args) => {
      try {
        return await next(args);
      } catch (err) {
        if (err instanceof Error && !(err as { coldpackNamed?: boolean }).coldpackNamed) {
          const operation = (context.commandName ?? 'DynamoDB').replace(/Command$/, '');
          const tables = tablesOf(args.input as Loose);
          err.message = `${operation}${tables.length > 0 ? ` table ${tables.join(', ')}` : ''}: ${err.message}`;
          Object.defineProperty(err, 'coldpackNamed', { value: true, enumerable: false });
        }
        throw err;
      }
    },
    { step: 'initialize', name, priority: 'high' },
  );
}
