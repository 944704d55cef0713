/**
 * One run of the bundle-memory benchmark (started by `npm run bench -- --mode bundle-memory`, one
 * process per size so each peak RSS is its own): archive `--entries` objects of `--size` bytes into
 * ONE bundle through the real engine (plan, shard, packer, zip writer, multipart sink, manifest
 * gzip stream), on a synthetic object store (bench/synthetic-object-store.ts) and the in-memory
 * stores, and print the process's peak RSS. Prints one JSON line.
 */
import { Command } from 'commander';
import { ArchiveEngine } from '../src/archive/archive-engine.js';
import { ArchiveService } from '../src/archive/archive-service.js';
import { MemoryJobStore } from '../test/support/memory-job-store.js';
import { MemoryBundleStore, MemoryFileIndexStore } from '../test/support/memory-stores.js';
import { MemoryBundleDirectoryStore } from '../test/support/memory-catalog.js';
import { SyntheticObjectStore } from './synthetic-object-store.js';

const o = new Command()
  .option('--entries <n>', 'entries in the bundle', '10000')
  .option('--size <bytes>', 'bytes per object', '4096')
  .parse(process.argv)
  .opts<{ entries: string; size: string }>();
const entries = Number(o.entries);
const size = Number(o.size);
const objects = new SyntheticObjectStore('bench-src', entries, size);
const jobs = new MemoryJobStore();
const bundles = new MemoryBundleStore();
const engine = new ArchiveEngine({
  objects,
  jobs,
  bundles,
  directory: new MemoryBundleDirectoryStore(bundles),
  index: new MemoryFileIndexStore(),
  archiveBucket: 'bench-archive',
  fetch: { concurrency: 64 },
});
const service = new ArchiveService({ objects, jobs, starter: { start: async () => undefined }, archiveBucket: 'bench-archive' });
const rssBefore = process.resourceUsage().maxRSS;
const started = performance.now();
const view = await service.submit(
  {
    project: 'bench',
    source: { kind: 'list', bucket: 'bench-src', prefix: 'bench/' },
    max_bundle_bytes: 5_000_000_000,
    max_files_per_bundle: 1_000_000,
    storage_class: 'DEEP_ARCHIVE',
    expected_file_count: entries,
    allow_mismatch: false,
    delete_source: false,
    dry_run: false,
    requested_by: 'bench',
    shard_max_files: 1_000_000,
    shard_max_bytes: 100 * 1024 ** 3,
  },
  {},
);
const report = await engine.run(view.job_id);
console.log(
  JSON.stringify({
    entries,
    object_bytes: size,
    status: report.status,
    bundles: report.bundles,
    bundle_bytes: report.bundle_bytes,
    seconds: +((performance.now() - started) / 1000).toFixed(1),
    peak_rss_mib: Math.round(process.resourceUsage().maxRSS / 1024),
    rss_before_archive_mib: Math.round(rssBefore / 1024),
  }),
);
