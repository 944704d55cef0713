import type { DeserializeHandler, DeserializeHandlerArguments, DeserializeHandlerOutput, HandlerExecutionContext, MetadataBearer } from '@smithy/types';
import { requestKey } from '../cost/requests.js';
import type { Usage, UsageMeter } from '../domain/ports/usage-store.js';

/**
 * What a {@link RequestMeter} has counted: the domain's {@link Usage}. Keys are request keys
 * `<Service>:<Operation>[:<qualifier>]` as produced by `predictRequests` (src/cost/requests.ts): the
 * qualifier is the S3 storage class (from the input `StorageClass`, the multipart upload's class, or the
 * GET/HEAD response), or the tier for RestoreObject; DynamoDB keys have none. Requests that got an HTTP
 * response below 500 are billed (4xx included); 5xx and network failures are `unbilled`. Response bytes
 * are 0 for HEAD. DynamoDB write units come only from writes that asked for `ConsumedCapacity`. Price a
 * snapshot with `priceMeterSnapshot` (src/cost/meter-pricing.ts).
 */
export type MeterSnapshot = Usage;

/** Any SDK v3 client (S3Client, DynamoDBClient, DynamoDBDocumentClient, ...): only its middleware stack is used. */
export interface MeterableClient {
  readonly middlewareStack: {
    add(middleware: unknown, options: { step: 'deserialize'; name: string; priority: 'high'; override: boolean }): void;
    remove(name: string): boolean;
  };
}

/** Name of the meter middleware in a client's stack. */
export const REQUEST_METER_MIDDLEWARE = 'coldpackRequestMeter';

type Counter = Record<string, number>;
type Loose = Record<string, unknown> | undefined;

function bump(counter: Counter, key: string, n = 1): void {
  if (n !== 0) counter[key] = (counter[key] ?? 0) + n;
}

function header(headers: Record<string, string> | undefined, name: string): number {
  if (!headers) return 0;
  const found = Object.entries(headers).find(([k]) => k.toLowerCase() === name);
  const n = Number(found?.[1]);
  return Number.isFinite(n) ? n : 0;
}

function bodyBytes(request: unknown): number {
  const r = request as { headers?: Record<string, string>; body?: unknown } | undefined;
  const length = header(r?.headers, 'content-length');
  if (length > 0) return length;
  if (typeof r?.body === 'string') return Buffer.byteLength(r.body);
  if (r?.body instanceof Uint8Array) return r.body.byteLength;
  return 0;
}

const MULTIPART_FOLLOW_UPS = new Set(['UploadPart', 'UploadPartCopy', 'CompleteMultipartUpload', 'AbortMultipartUpload', 'ListParts']);

/**
 * Counts the requests SDK v3 clients send, by operation (`context.commandName`) and storage class, with the
 * body bytes each way, as SDK middleware in the `deserialize` step (so every retry attempt is counted).
 * One meter can be attached to several clients; counting is synchronous and needs no locking.
 *
 * Example: `const meter = new RequestMeter().attach(clients.s3).attach(clients.dynamo);` … `meter.snapshot()`.
 */
export class RequestMeter implements UsageMeter {
  private requests: Counter = {};
  private unbilled: Counter = {};
  private sent: Counter = {};
  private received: Counter = {};
  private itemsWritten: Counter = {};
  private writeUnits: Counter = {};
  /** Storage class of each open multipart upload, by UploadId. */
  private readonly uploadClasses = new Map<string, string>();

  /**
   * Add the meter to a client's middleware stack (replacing an earlier meter on that client).
   * @param client an SDK v3 client
   * @returns this meter, for chaining
   */
  attach(client: MeterableClient): this {
    client.middlewareStack.add(
      (next: DeserializeHandler<object, MetadataBearer>, context: HandlerExecutionContext) => (args: DeserializeHandlerArguments<object>) =>
        this.measure(next, context, args),
      { step: 'deserialize', name: REQUEST_METER_MIDDLEWARE, priority: 'high', override: true },
    );
    return this;
  }

  /** Remove the meter from a client. @returns whether it was attached */
  detach(client: MeterableClient): boolean {
    return client.middlewareStack.remove(REQUEST_METER_MIDDLEWARE);
  }

  /** A copy of the counts so far. */
  snapshot(): MeterSnapshot {
    return {
      requests: { ...this.requests },
      unbilled: { ...this.unbilled },
      bytes_sent: { ...this.sent },
      bytes_received: { ...this.received },
      dynamodb_items_written: { ...this.itemsWritten },
      dynamodb_write_units: { ...this.writeUnits },
    };
  }

  /** Set every count to zero. */
  reset(): void {
    this.requests = {};
    this.unbilled = {};
    this.sent = {};
    this.received = {};
    this.itemsWritten = {};
    this.writeUnits = {};
  }

  private async measure(
    next: DeserializeHandler<object, MetadataBearer>,
    context: HandlerExecutionContext,
    args: DeserializeHandlerArguments<object>,
  ): Promise<DeserializeHandlerOutput<MetadataBearer>> {
    const service = (context.clientName ?? 'Unknown').replace(/Client$/, '');
    const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
    const input = args.input as Loose;
    const sent = bodyBytes(args.request);
    try {
      const result = await next(args);
      const output = result.output as unknown as Loose;
      const key = requestKey(service, operation, this.qualifier(service, operation, input, output));
      bump(this.requests, key);
      bump(this.sent, key, sent);
      const isHead = (args.request as { method?: string } | undefined)?.method === 'HEAD';
      bump(this.received, key, isHead ? 0 : header((result.response as { headers?: Record<string, string> }).headers, 'content-length'));
      if (service === 'S3') this.trackUpload(operation, input, output);
      if (service === 'DynamoDB') this.countDynamoWrites(operation, input, output);
      return result;
    } catch (err) {
      const failure = err as { $metadata?: { httpStatusCode?: number }; StorageClass?: string } | undefined;
      const status = failure?.$metadata?.httpStatusCode;
      const key = requestKey(service, operation, this.qualifier(service, operation, input, failure as Loose));
      bump(status !== undefined && status < 500 ? this.requests : this.unbilled, key);
      bump(this.sent, key, sent);
      throw err;
    }
  }

  private qualifier(service: string, operation: string, input: Loose, output: Loose): string | undefined {
    if (service !== 'S3') return undefined;
    if (operation === 'RestoreObject') {
      const tier = (input?.RestoreRequest as Loose)?.Tier;
      return typeof tier === 'string' ? tier : 'Standard';
    }
    if (MULTIPART_FOLLOW_UPS.has(operation)) return this.uploadClasses.get(String(input?.UploadId)) ?? 'STANDARD';
    if (operation === 'GetObject' || operation === 'HeadObject') {
      return typeof output?.StorageClass === 'string' ? output.StorageClass : 'STANDARD';
    }
    return typeof input?.StorageClass === 'string' ? input.StorageClass : 'STANDARD';
  }

  private trackUpload(operation: string, input: Loose, output: Loose): void {
    if (operation === 'CreateMultipartUpload' && typeof output?.UploadId === 'string') {
      this.uploadClasses.set(output.UploadId, typeof input?.StorageClass === 'string' ? input.StorageClass : 'STANDARD');
    } else if (operation === 'CompleteMultipartUpload' || operation === 'AbortMultipartUpload') {
      this.uploadClasses.delete(String(input?.UploadId));
    }
  }

  private countDynamoWrites(operation: string, input: Loose, output: Loose): void {
    if (operation === 'BatchWriteItem') {
      const unprocessed = (output?.UnprocessedItems ?? {}) as Record<string, unknown[]>;
      for (const [table, requests] of Object.entries((input?.RequestItems ?? {}) as Record<string, unknown[]>)) {
        bump(this.itemsWritten, table, requests.length - (unprocessed[table]?.length ?? 0));
      }
    } else if (operation === 'PutItem' || operation === 'UpdateItem' || operation === 'DeleteItem') {
      bump(this.itemsWritten, String(input?.TableName), 1);
    } else if (operation === 'TransactWriteItems') {
      for (const item of (input?.TransactItems ?? []) as Record<string, Loose>[]) {
        for (const [kind, action] of Object.entries(item)) {
          if (kind !== 'ConditionCheck' && typeof action?.TableName === 'string') bump(this.itemsWritten, action.TableName, 1);
        }
      }
    } else {
      return; // reads: their ConsumedCapacity is read units
    }
    if (input?.ReturnConsumedCapacity !== 'TOTAL' && input?.ReturnConsumedCapacity !== 'INDEXES') return;
    const consumed = output?.ConsumedCapacity;
    for (const c of (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) as Loose[]) {
      if (typeof c?.TableName === 'string' && typeof c.CapacityUnits === 'number') bump(this.writeUnits, c.TableName, c.CapacityUnits);
    }
  }
}
