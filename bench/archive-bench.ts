/**
 * Archive benchmark against the moto emulator (not a test: numbers vary by machine).
 *
 *   npm run bench -- --objects 20000 --size 4096 [--concurrency 64] [--archive-size 512]
 *
 * Seeds N objects of S bytes (timing the PUTs), measures the floor on the same endpoint — a plain
 * concurrent GET of every object plus a plain PUT of the same total bytes as one object — then
 * archives the prefix with coldpack (delete_source on) and prints objects/s, MB/s, peak RSS, the
 * ratio to the floor, and the requests per archived object (from the job report's request meter).
 *
 *   npm run bench -- --mode bundle-memory [--size 4096]
 *
 * Peak RSS of one process archiving 10,000 and then (another process) 100,000 entries into ONE
 * bundle through the real engine on a synthetic store (bench/bundle-memory.ts): what an open bundle
 * holds per entry. Objects are incompressible, so both bundles are multipart uploads (40 MB and
 * 400 MB: the same part buffers) and the difference is the per-entry state. Target: ≤ 300 MB and within 1.15x of the 10,000 figure.
 */
import { Command } from 'commander';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { startMoto } from '../src/local/moto-server.js';
import { createAwsClients } from '../src/adapters/aws-clients.js';
import { ensureTables } from '../src/adapters/dynamo/tables.js';
import { tableNames, type ColdpackConfig } from '../src/domain/config.js';
import { composeArchive } from '../src/entrypoints/archive-composition.js';

async function pool<T>(items: T[], concurrency: number, fn: (t: T) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (i < items.length) await fn(items[i++]!);
    }),
  );
}

async function timed(fn: () => Promise<void>): Promise<number> {
  const t = performance.now();
  await fn();
  return (performance.now() - t) / 1000;
}

/** `--mode bundle-memory`: one child process per size, each reporting its own peak RSS. */
function bundleMemory(size: string): void {
  const script = fileURLToPath(new URL('./bundle-memory.ts', import.meta.url));
  const runs = [10_000, 100_000].map((n) => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', script, '--entries', String(n), '--size', size], { encoding: 'utf8', maxBuffer: 1 << 20 });
    return JSON.parse(out.trim().split('\n').at(-1)!) as { entries: number; peak_rss_mib: number; seconds: number; bundle_bytes: number; status: string };
  });
  const [small, big] = runs as [(typeof runs)[number], (typeof runs)[number]];
  console.log(
    JSON.stringify(
      {
        command: `npm run bench -- --mode bundle-memory --size ${size}`,
        runs,
        ratio_100k_to_10k: +(big.peak_rss_mib / small.peak_rss_mib).toFixed(3),
        target: 'peak RSS ≤ 300 MB with 100,000 entries, within 1.15x of the 10,000 figure',
        met: big.peak_rss_mib * 1024 * 1024 <= 300e6 && big.peak_rss_mib <= 1.15 * small.peak_rss_mib,
      },
      null,
      2,
    ),
  );
}

async function main(): Promise<void> {
  if (process.argv.includes('--mode')) {
    const m = new Command()
      .option('--mode <mode>', 'bundle-memory')
      .option('--size <bytes>', 'bytes per object', '4096')
      .parse(process.argv)
      .opts<{ mode: string; size: string }>();
    if (m.mode !== 'bundle-memory') throw new Error(`--mode must be bundle-memory, got ${m.mode}`);
    bundleMemory(m.size);
    return;
  }
  const o = new Command()
    .option('--objects <n>', 'objects to seed', '20000')
    .option('--size <bytes>', 'bytes per object', '4096')
    .option('--concurrency <n>', 'GET concurrency (seeding, floor and coldpack)', '64')
    .option('--archive-size <MB>', 'bundle cap in MB', '512')
    .parse(process.argv)
    .opts<{ objects: string; size: string; concurrency: string; archiveSize: string }>();
  const n = Number(o.objects);
  const size = Number(o.size);
  const concurrency = Number(o.concurrency);
  process.env.AWS_ACCESS_KEY_ID ??= 'bench';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'bench';
  const moto = await startMoto();
  const clients = createAwsClients({ region: 'us-east-1', endpoint: moto.endpoint, maxSockets: concurrency });
  try {
    const s3: S3Client = clients.s3;
    for (const b of ['bench-src', 'bench-archive']) await s3.send(new CreateBucketCommand({ Bucket: b }));
    const config: ColdpackConfig = Object.freeze({
      region: 'us-east-1',
      endpoint: moto.endpoint,
      archiveBucket: 'bench-archive',
      restoreBucket: 'bench-archive',
      tablePrefix: 'bench-',
      allowedTopicArns: [],
      concurrency,
    });
    await ensureTables(clients.dynamo, tableNames(config.tablePrefix));
    const keys = Array.from({ length: n }, (_, i) => `b/${String(Math.floor(i / 1000)).padStart(4, '0')}/${String(i).padStart(8, '0')}_20240410.csv`);
    const body = (i: number): Buffer => Buffer.from(`${i},`.repeat(size).slice(0, size));
    const putSecs = await timed(() =>
      pool(keys, concurrency, async (k) => void (await s3.send(new PutObjectCommand({ Bucket: 'bench-src', Key: k, Body: body(keys.indexOf(k)) })))),
    );
    const getSecs = await timed(() =>
      pool(keys, concurrency, async (k) => {
        const r = await s3.send(new GetObjectCommand({ Bucket: 'bench-src', Key: k }));
        await r.Body!.transformToByteArray();
      }),
    );
    const bigPutSecs = await timed(
      async () => void (await s3.send(new PutObjectCommand({ Bucket: 'bench-archive', Key: 'floor.bin', Body: Buffer.alloc(n * size, 7) }))),
    );
    const floorSecs = getSecs + bigPutSecs;

    const { service, engine } = composeArchive(config, clients, { starter: { start: async () => undefined } });
    const rssBefore = process.resourceUsage().maxRSS;
    let report: Awaited<ReturnType<typeof engine.run>> | undefined;
    const archiveSecs = await timed(async () => {
      const view = await service.submit(
        {
          project: 'bench',
          source: { kind: 'list', bucket: 'bench-src', prefix: 'b/' },
          max_bundle_bytes: Number(o.archiveSize) * 1e6,
          max_files_per_bundle: 100_000,
          storage_class: 'DEEP_ARCHIVE',
          expected_file_count: n,
          allow_mismatch: false,
          delete_source: true,
          dry_run: false,
          requested_by: 'bench',
          shard_max_files: 1_000_000,
          shard_max_bytes: 100 * 1024 ** 3,
        },
        {},
      );
      report = await engine.run(view.job_id);
    });
    // The engine's own request meter counts every request of the job into its report.
    const counted = (report?.requests ?? {}) as Record<string, number>;
    const totalRequests = Object.values(counted).reduce((a, b) => a + b, 0);
    const mb = (n * size) / 1e6;
    const result = {
      command: `npm run bench -- --objects ${n} --size ${size} --concurrency ${concurrency} --archive-size ${o.archiveSize}`,
      status: report?.status,
      objects: n,
      bytes: n * size,
      bundles: report?.bundles,
      compression_ratio: report?.compression_ratio,
      seed_put_objects_per_s: Math.round(n / putSecs),
      floor: {
        get_all_s: +getSecs.toFixed(1),
        put_same_bytes_s: +bigPutSecs.toFixed(1),
        total_s: +floorSecs.toFixed(1),
        objects_per_s: Math.round(n / floorSecs),
      },
      coldpack: { archive_s: +archiveSecs.toFixed(1), objects_per_s: Math.round(n / archiveSecs), mb_per_s: +(mb / archiveSecs).toFixed(2) },
      ratio_to_floor: +(archiveSecs / floorSecs).toFixed(2),
      peak_rss_mib: Math.round(process.resourceUsage().maxRSS / 1024),
      peak_rss_before_archive_mib: Math.round(rssBefore / 1024),
      requests_per_object: +(totalRequests / n).toFixed(4),
      requests: counted,
    };
    console.log(JSON.stringify(result, null, 2));
  } finally {
    clients.destroy();
    await moto.stop();
  }
}

await main();
