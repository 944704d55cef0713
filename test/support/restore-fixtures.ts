/**
 * Fixtures for restore tests against moto: buckets, tables, an SNS topic with an SQS subscription,
 * bundles written with the real {@link ZipBundleWriter} (PutObject with an archive storage class),
 * their manifests, COMMITTED bundle items (the directory entries), job scopes and (perFile) index items; request counters and fault
 * injection through SDK middleware (no SDK mocks).
 */
import { committedBundle } from './committed-bundle.js';
import { gzipSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { ZipBundleWriter, type WrittenEntry } from '../../src/bundle/zip-bundle-writer.js';
import { crc32Hex } from '../../src/bundle/zip-entry-reader.js';
import { manifestHeader, manifestRow } from '../../src/bundle/manifest.js';
import { ensureTables } from '../../src/adapters/dynamo/tables.js';
import { DynamoFileIndexStore } from '../../src/adapters/dynamo/dynamo-file-index-store.js';
import { DynamoBundleStore } from '../../src/adapters/dynamo/dynamo-bundle-store.js';
import { tableNames, type TableNames } from '../../src/domain/config.js';
import { bundleKeys, compareKeys, filePk, nameKey } from '../../src/domain/keys.js';
import { DynamoBundleDirectoryStore } from '../../src/adapters/dynamo/dynamo-bundle-directory-store.js';
import type { JobScope } from '../../src/domain/catalog.js';
import type { ArchiveStorageClass, EntryRecord, FileIndexItem } from '../../src/domain/model.js';
import type { RestoreService } from '../../src/restore/restore-service.js';
import { composeRestoreService, type RestoreSettings } from '../../src/entrypoints/restore-composition.js';
import type { MotoFixture } from './moto.js';

/** Buckets, tables and the notification topic of one test environment. */
export interface RestoreEnv {
  readonly fx: MotoFixture;
  readonly tables: TableNames;
  readonly archiveBucket: string;
  readonly restoreBucket: string;
  readonly sourceBucket: string;
  readonly topicArn: string;
  readonly queueUrl: string;
  /** A RestoreService on this environment (options override the defaults). */
  service(options?: Partial<RestoreSettings>): RestoreService;
  /** Scopes written by {@link putBundle}, by `<bucket>#<job>` (merged bundle by bundle). */
  readonly scopes: Map<string, JobScope>;
}

/** Create buckets, tables, a topic and an SQS queue subscribed to it. */
export async function setupRestoreEnv(fx: MotoFixture): Promise<RestoreEnv> {
  const { s3, dynamo, sns, sqs } = fx.clients;
  const tables = tableNames('rt-');
  const env = { archiveBucket: 'rt-archive', restoreBucket: 'rt-restore', sourceBucket: 'rt-source' };
  for (const b of Object.values(env)) await s3.send(new CreateBucketCommand({ Bucket: b }));
  await ensureTables(dynamo, tables, 'per_file');
  const topic = await sns.send(new CreateTopicCommand({ Name: 'rt-topic' }));
  const queue = await sqs.send(new CreateQueueCommand({ QueueName: 'rt-queue' }));
  const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queue.QueueUrl!, AttributeNames: ['QueueArn'] }));
  await sns.send(new SubscribeCommand({ TopicArn: topic.TopicArn!, Protocol: 'sqs', Endpoint: attrs.Attributes!.QueueArn! }));
  return {
    fx,
    tables,
    ...env,
    topicArn: topic.TopicArn!,
    queueUrl: queue.QueueUrl!,
    scopes: new Map(),
    service(options = {}) {
      return composeRestoreService(fx.clients, {
        tables,
        archiveBucket: env.archiveBucket,
        restoreBucket: env.restoreBucket,
        topicArn: topic.TopicArn!,
        ...options,
      });
    },
  };
}

/** One file to put in a fixture bundle. */
export interface FixtureFile {
  readonly key: string;
  readonly data: Buffer;
  /** 0 stored, 8 deflated (default 8). */
  readonly method?: 0 | 8;
  /** Write it with a data descriptor (streamed entry). Default false. */
  readonly stream?: boolean;
  readonly contentType?: string;
}

/** A bundle written by {@link putBundle}. */
export interface FixtureBundle {
  readonly bundleKey: string;
  /** Bundle size in bytes. */
  readonly bytes: number;
  readonly items: FileIndexItem[];
}

/** Options of {@link putBundle}. */
export interface PutBundleOptions {
  readonly project?: string;
  readonly jobId?: string;
  readonly shard?: number;
  readonly seq?: number;
  readonly storageClass?: ArchiveStorageClass;
  readonly archivedAt?: string;
  /** Source bucket recorded in the index (default the env's). */
  readonly sourceBucket?: string;
  /** Also write per-file index items and mark the job's scope `per_file`. */
  readonly perFile?: boolean;
  /** Change the bundle bytes before upload (e.g. flip a byte) — the index keeps the true values. */
  readonly mutate?: (bundle: Buffer, entries: readonly WrittenEntry[]) => void;
}

async function* once(b: Buffer): AsyncGenerator<Buffer> {
  yield b;
}

/** Write a bundle, its manifest, its COMMITTED bundle item (directory entry), its job's scope and (perFile) index items. */
export async function putBundle(env: RestoreEnv, files: readonly FixtureFile[], o: PutBundleOptions = {}): Promise<FixtureBundle> {
  const { s3, dynamo } = env.fx.clients;
  const project = o.project ?? 'proj';
  const jobId = o.jobId ?? `job-${randomBytes(4).toString('hex')}`;
  const shard = o.shard ?? 0;
  const seq = o.seq ?? 0;
  const storageClass = o.storageClass ?? 'DEEP_ARCHIVE';
  const archivedAt = o.archivedAt ?? new Date().toISOString();
  const bucket = o.sourceBucket ?? env.sourceBucket;
  const sorted = [...files].sort((a, b) => compareKeys(a.key, b.key));
  const chunks: Buffer[] = [];
  const writer = new ZipBundleWriter({ write: async (c) => void chunks.push(Buffer.from(c)) });
  const written: WrittenEntry[] = [];
  const modified = new Date('2024-04-10T00:00:00Z');
  for (const f of sorted) {
    const method = f.method ?? 8;
    written.push(
      f.stream
        ? await writer.addStream({ name: f.key, modified }, once(f.data), method, f.data.length)
        : await writer.addBuffer({ name: f.key, modified }, f.data, method),
    );
  }
  await writer.finish();
  const bundle = Buffer.concat(chunks);
  o.mutate?.(bundle, written);
  const keys = bundleKeys(project, jobId, shard, seq);
  await s3.send(new PutObjectCommand({ Bucket: env.archiveBucket, Key: keys.bundle, Body: bundle, StorageClass: storageClass }));
  const entries: EntryRecord[] = sorted.map((f, i) => {
    const w = written[i]!;
    return {
      key: f.key,
      size: w.size,
      etag: `etag-${i}`,
      last_modified: modified.toISOString(),
      ...(f.contentType ? { content_type: f.contentType } : {}),
      offset: w.offset,
      length: w.length,
      compressed_size: w.compressedSize,
      method: w.method,
      crc32: crc32Hex(w.crc32),
      sha256: w.sha256,
    };
  });
  const manifest = gzipSync(manifestHeader() + entries.map((e) => manifestRow(bucket, e)).join(''));
  await s3.send(new PutObjectCommand({ Bucket: env.archiveBucket, Key: keys.manifest, Body: manifest }));
  const items: FileIndexItem[] = entries.map((e) => ({
    ...e,
    pk: filePk(bucket, e.key),
    sk: `${archivedAt}#${jobId}`,
    name_key: nameKey(bucket, e.key),
    bucket,
    archive_bucket: env.archiveBucket,
    bundle_key: keys.bundle,
    storage_class: storageClass,
    job_id: jobId,
    project,
    archived_at: archivedAt,
  }));
  if (o.perFile) await new DynamoFileIndexStore(dynamo, env.tables.files).putMany(items);
  const min = sorted[0]?.key ?? '';
  const max = sorted[sorted.length - 1]?.key ?? '';
  await new DynamoBundleStore(dynamo, env.tables.bundles).markCommitted({
    ...committedBundle(
      { keys, archiveBucket: env.archiveBucket, sourceBucket: bucket, jobId, project, shard, seq, storageClass, archivedAt, bytes: bundle.length },
      entries,
    ),
    restore_state: 'NONE',
  });
  const prior = env.scopes.get(`${bucket}#${jobId}`);
  const scope: JobScope = {
    bucket,
    job_id: jobId,
    project,
    generation: archivedAt,
    min_key: prior && compareKeys(prior.min_key, min) < 0 ? prior.min_key : min,
    max_key: prior && compareKeys(prior.max_key, max) > 0 ? prior.max_key : max,
    sorted: (prior?.sorted ?? true) && (!prior || compareKeys(prior.max_key, min) < 0),
    files: (prior?.files ?? 0) + entries.length,
    catalog: o.perFile ? 'per_file' : 'compact',
  };
  env.scopes.set(`${bucket}#${jobId}`, scope);
  await new DynamoBundleDirectoryStore(dynamo, env.tables).putScope(scope);
  return { bundleKey: keys.bundle, bytes: bundle.length, items };
}

/** Counts of S3 commands and GetObject response bytes, recorded by {@link countS3}. */
export interface S3Counter {
  readonly commands: Map<string, number>;
  /** Inputs of each command, in order (GetObject: with the response's ContentLength as `bytes`). */
  readonly inputs: { command: string; input: Record<string, unknown>; bytes?: number }[];
  /** Sum of GetObject ContentLength (bytes transferred from S3). */
  getBytes: number;
  count(command: string): number;
  stop(): void;
}

let mwSeq = 0;

/** Record every S3 command sent by `s3` (initialize step: once per command, retries not counted). */
export function countS3(s3: S3Client): S3Counter {
  const name = `test-counter-${mwSeq++}`;
  const counter: S3Counter = {
    commands: new Map(),
    inputs: [],
    getBytes: 0,
    count: (c) => counter.commands.get(c) ?? 0,
    stop: () => void s3.middlewareStack.remove(name),
  };
  s3.middlewareStack.add(
    (next, context) => async (args) => {
      const command = String(context.commandName).replace(/Command$/, '');
      counter.commands.set(command, (counter.commands.get(command) ?? 0) + 1);
      const entry: { command: string; input: Record<string, unknown>; bytes?: number } = {
        command,
        input: structuredClone(args.input as Record<string, unknown>),
      };
      counter.inputs.push(entry);
      const res = await next(args);
      if (command === 'GetObject') {
        entry.bytes = Number((res.output as { ContentLength?: number }).ContentLength ?? 0);
        counter.getBytes += entry.bytes;
      }
      return res;
    },
    { step: 'initialize', name },
  );
  return counter;
}

/**
 * Inject faults into S3 commands. `fault` runs for every attempt (deserialize step, inside the SDK
 * retry loop) and may throw an error instead of sending; `output` may rewrite a command's output.
 * @returns a function removing the middleware
 */
export function injectS3(
  s3: S3Client,
  hooks: {
    fault?: (command: string, input: Record<string, unknown>) => Error | undefined;
    output?: (command: string, output: Record<string, unknown>) => void;
  },
): () => void {
  const a = `test-fault-${mwSeq++}`;
  const b = `test-output-${mwSeq++}`;
  if (hooks.fault) {
    const fault = hooks.fault;
    s3.middlewareStack.add(
      (next, context) => async (args) => {
        const err = fault(String(context.commandName).replace(/Command$/, ''), args.input as Record<string, unknown>);
        if (err) throw err;
        return next(args);
      },
      { step: 'deserialize', name: a },
    );
  }
  if (hooks.output) {
    const output = hooks.output;
    s3.middlewareStack.add(
      (next, context) => async (args) => {
        const res = await next(args);
        output(String(context.commandName).replace(/Command$/, ''), res.output as unknown as Record<string, unknown>);
        return res;
      },
      { step: 'initialize', name: b },
    );
  }
  return () => {
    s3.middlewareStack.remove(a);
    s3.middlewareStack.remove(b);
  };
}

/**
 * Send DynamoDB requests one at a time. moto's threaded server checks a ConditionExpression and
 * applies the write without a lock, so two concurrent conditional updates of one item can both
 * pass; real DynamoDB applies writes to an item atomically, condition included
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html).
 * Serializing the calls gives moto that guarantee; coldpack's calls still interleave freely.
 * @returns a function removing the middleware
 */
export function serializeDynamo(dynamo: DynamoDBDocumentClient): () => void {
  const name = `test-serialize-${mwSeq++}`;
  let tail: Promise<unknown> = Promise.resolve();
  dynamo.middlewareStack.add(
    (next) => async (args) => {
      const run = tail.then(() => next(args));
      tail = run.catch(() => undefined);
      return run;
    },
    { step: 'finalizeRequest', name },
  );
  return () => void dynamo.middlewareStack.remove(name);
}

/** An error shaped like an S3 service error of the SDK. */
export function s3Error(name: string, status: number, message = name): Error {
  return Object.assign(new Error(message), { name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status, attempts: 1 } });
}

/** Receive (and delete) every notification delivered to the env's queue; returns the parsed messages. */
export async function drainNotifications(env: RestoreEnv): Promise<{ message: Record<string, unknown>; attributes: Record<string, { Value?: string }> }[]> {
  const out: { message: Record<string, unknown>; attributes: Record<string, { Value?: string }> }[] = [];
  for (;;) {
    const res = await env.fx.clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: env.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    const msgs = res.Messages ?? [];
    if (msgs.length === 0) return out;
    for (const m of msgs) {
      const envelope = JSON.parse(m.Body!) as { Message: string; MessageAttributes?: Record<string, { Value?: string }> };
      out.push({ message: JSON.parse(envelope.Message) as Record<string, unknown>, attributes: envelope.MessageAttributes ?? {} });
      await env.fx.clients.sqs.send(new DeleteMessageCommand({ QueueUrl: env.queueUrl, ReceiptHandle: m.ReceiptHandle! }));
    }
  }
}
