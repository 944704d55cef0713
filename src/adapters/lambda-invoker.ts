/**
 * Asynchronous Lambda invocation (InvocationType `Event`): the API wakes the restore worker (the
 * reconcile function) with `{"restore_id": "<id>"}` right after recording a request, instead of
 * leaving it for the hourly pass. Lambda queues the event and answers 202 without waiting for the
 * function; it retries a failed run twice, then the function's on-failure destination gets the event.
 * Source: https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html,
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { ColdpackError, awsErrorName } from '../domain/errors.js';
import { recordCallSites, type AwsClientOptions } from './aws-clients.js';

/**
 * The part of `LambdaClient` this adapter uses: `send` of an {@link InvokeCommand} (answers
 * `StatusCode`, 202 for an accepted `Event` invocation). A real `LambdaClient` satisfies it; unit
 * tests pass a recording double.
 */
export interface LambdaInvokeClient {
  send(command: InvokeCommand): Promise<{ readonly StatusCode?: number | undefined }>;
}

/** Status code of an accepted asynchronous invocation. */
const ACCEPTED = 202;

/** Invokes one Lambda function asynchronously. */
export class LambdaInvoker {
  /**
   * @param client a `LambdaClient` (or anything with its `send` for Invoke)
   * @param functionName name, partial or full ARN of the function (1-140 characters, validated by the configuration)
   */
  constructor(
    private readonly client: LambdaInvokeClient,
    readonly functionName: string,
  ) {}

  /**
   * Queue one event for the function (InvocationType `Event`; payload at most 1 MiB for async invokes).
   * @param payload JSON-serializable event
   * @throws ColdpackError `DISPATCH_FAILED` naming the operation, the function and the SDK error (its cause),
   *   also when Lambda answers another status than 202
   */
  async invokeEvent(payload: Readonly<Record<string, unknown>>): Promise<void> {
    let status: number | undefined;
    try {
      const out = await this.client.send(
        new InvokeCommand({ FunctionName: this.functionName, InvocationType: 'Event', Payload: new TextEncoder().encode(JSON.stringify(payload)) }),
      );
      status = out.StatusCode;
    } catch (err) {
      const name = awsErrorName(err);
      const reason = `${name && name !== 'Error' ? `${name}: ` : ''}${err instanceof Error ? err.message : String(err)}`;
      throw new ColdpackError('DISPATCH_FAILED', `Invoke (Event) of Lambda function ${this.functionName}: ${reason}`, { cause: err });
    }
    if (status !== ACCEPTED) {
      throw new ColdpackError(
        'DISPATCH_FAILED',
        `Invoke (Event) of Lambda function ${this.functionName}: answered status ${String(status)}, expected ${ACCEPTED}`,
      );
    }
  }
}

/**
 * The `dispatch` option of `RestoreService` (resolution `deferred`): invoke the restore worker with
 * `{"restore_id": "<id>"}` (read by `src/entrypoints/lambda/reconcile.ts`).
 * @param invoker the reconcile function's invoker
 * @returns a function that rejects with `DISPATCH_FAILED` when the invocation is refused
 */
export function restoreDispatch(invoker: LambdaInvoker): (restoreId: string) => Promise<void> {
  return (restoreId) => invoker.invokeEvent({ restore_id: restoreId });
}

/**
 * A Lambda client like the others of {@link AwsClientOptions} (region, endpoint, `standard` retries,
 * call sites recorded on failures). Default 3 attempts: it runs inside an API call (29 s budget).
 */
export function createLambdaClient(options: AwsClientOptions): LambdaClient {
  const client = new LambdaClient({
    region: options.region,
    maxAttempts: options.maxAttempts ?? 3,
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
  });
  client.middlewareStack.use(recordCallSites);
  return client;
}
