/**
 * The restore part of the local demo (`npm start`): after archiving, restore three files — one from
 * the deepest folder, one with a non-ASCII key, the largest — through the real pipeline (SNS
 * notification delivered to an SQS subscription on the emulator), verify their SHA-256 against the
 * originals, and report for each the bytes read from its bundle against the bundle's size.
 * Plug it in as `runDemo({ after: restoreDemo })`.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { DynamoBundleStore } from '../adapters/dynamo/dynamo-bundle-store.js';
import { tableNames } from '../domain/config.js';
import { createRestoreService } from '../entrypoints/restore-composition.js';
import type { DemoEnv } from './demo.js';

/** What the restore demo reports per file. */
export interface RestoreDemoFile {
  readonly why: string;
  readonly key: string;
  readonly status: string;
  /** Bytes of the file. */
  readonly size: number;
  /** Bytes read from the bundle (ranged GET responses). */
  readonly bytes_read: number;
  /** Size of the bundle holding it, in bytes. */
  readonly bundle_bytes: number;
  readonly sha256_ok: boolean;
  readonly location?: string;
}

/** Run the restore demo. @returns a record for the demo report (`files`, `notification`) */
export async function restoreDemo(env: DemoEnv): Promise<Record<string, unknown>> {
  const { s3, sns, sqs, dynamo } = env.clients;
  const topic = await sns.send(new CreateTopicCommand({ Name: 'coldpack-demo-restores' }));
  const queue = await sqs.send(new CreateQueueCommand({ QueueName: 'coldpack-demo-restores' }));
  const qa = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queue.QueueUrl!, AttributeNames: ['QueueArn'] }));
  await sns.send(new SubscribeCommand({ TopicArn: topic.TopicArn!, Protocol: 'sqs', Endpoint: qa.Attributes!.QueueArn! }));
  const service = createRestoreService({ ...env.config, topicArn: topic.TopicArn! }, env.clients);

  const depth = (k: string): number => k.split('/').length;
  const files = [...env.files];
  const picks: { why: string; key: string; source: string | Buffer; size: number }[] = [];
  const add = (why: string, f: (typeof files)[number] | undefined): void => {
    if (f && !picks.some((p) => p.key === env.prefix + f.key)) picks.push({ why, key: env.prefix + f.key, source: f.source, size: f.size });
  };
  add('deepest folder', [...files].sort((a, b) => depth(b.key) - depth(a.key))[0]);
  add(
    'non-ASCII key',
    files.find((f) => /[^\x20-\x7e]/.test(f.key)),
  );
  add('largest file', [...files].sort((a, b) => b.size - a.size)[0]);

  const reads: { key: string; range: string; bytes: number }[] = [];
  const name = 'restore-demo-meter';
  s3.middlewareStack.add(
    (next, context) => async (args) => {
      const res = await next(args);
      const input = args.input as { Bucket?: string; Key?: string; Range?: string };
      if (context.commandName === 'GetObjectCommand' && input.Bucket === env.config.archiveBucket && input.Range) {
        reads.push({ key: input.Key ?? '', range: input.Range, bytes: Number((res.output as { ContentLength?: number }).ContentLength ?? 0) });
      }
      return res;
    },
    { step: 'initialize', name },
  );
  try {
    const submitted = await service.submit(
      {
        selection: { kind: 'keys', keys: picks.map((p) => p.key) },
        bucket: env.sourceBucket,
        tier: 'Standard',
        days: 1,
        all_matches: false,
        requested_by: 'demo',
      },
      {},
    );
    let view = submitted;
    for (let i = 0; i < 20 && !['AVAILABLE', 'PARTIAL', 'FAILED'].includes(view.status); i++) {
      await service.reconcile(submitted.restore_id);
      view = (await service.get(submitted.restore_id))!;
    }
    const bundles = new DynamoBundleStore(dynamo, tableNames(env.config.tablePrefix).bundles);
    const out: RestoreDemoFile[] = [];
    for (const p of picks) {
      const f = view.files.find((x) => x.key === p.key)!;
      const bundle = f.bundle_key ? await bundles.get(f.bundle_key) : undefined;
      const original = typeof p.source === 'string' ? await readFile(p.source) : p.source;
      let ok = false;
      const m = /^s3:\/\/[^/]+\/(.+)$/s.exec(String(f.location ?? ''));
      if (m) {
        const got = await s3.send(new GetObjectCommand({ Bucket: env.config.restoreBucket, Key: m[1]! }));
        const bytes = Buffer.from(await got.Body!.transformToByteArray());
        ok = createHash('sha256').update(bytes).digest('hex') === createHash('sha256').update(original).digest('hex');
      }
      const item = (await service.byKey(env.sourceBucket, p.key, { limit: 100 })).items.at(-1);
      const range = item ? `bytes=${item.offset}-${item.offset + item.length - 1}` : '';
      const read = reads.filter((r) => r.key === f.bundle_key && r.range === range).reduce((s, r) => s + r.bytes, 0);
      out.push({
        why: p.why,
        key: p.key,
        status: f.status,
        size: p.size,
        bytes_read: read,
        bundle_bytes: bundle?.bytes ?? 0,
        sha256_ok: ok,
        ...(f.location ? { location: String(f.location) } : {}),
      });
    }
    const msg = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.QueueUrl!, WaitTimeSeconds: 2, MaxNumberOfMessages: 1 }));
    const body = msg.Messages?.[0]?.Body;
    const note = body ? (JSON.parse((JSON.parse(body) as { Message: string }).Message) as Record<string, unknown>) : undefined;
    return {
      restore_id: submitted.restore_id,
      restore_status: view.status,
      restored_files: out,
      notification: note
        ? { event: note.event, status: note.status, files: (note.files as unknown[]).length, url_expires_in: note.url_expires_in }
        : 'none received',
    };
  } finally {
    s3.middlewareStack.remove(name);
  }
}
