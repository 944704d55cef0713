/**
 * The archive engine and service wired on in-memory fakes of every port (no AWS): what the unit
 * tests of `src/archive/` run against. Buckets `src` and `archive` exist.
 */
import { ArchiveEngine, type ArchiveEngineDeps } from '../../src/archive/archive-engine.js';
import { ArchiveService } from '../../src/archive/archive-service.js';
import { UsageLedger } from '../../src/archive/usage-ledger.js';
import type { ArchiveRequest } from '../../src/domain/archive-request.js';
import type { Usage, UsageMeter } from '../../src/domain/ports/usage-store.js';
import { MemoryJobStore } from './memory-job-store.js';
import { MemoryObjectStore } from './memory-object-store.js';
import { MemoryBundleStore, MemoryFileIndexStore, MemoryUsageStore, RecordingLogger } from './memory-stores.js';
import { MemoryBundleDirectoryStore } from './memory-catalog.js';

/** A meter whose count tests set by hand (`meter.add('S3:GetObject:STANDARD')`). */
export class ManualMeter implements UsageMeter {
  private readonly requests: Record<string, number> = {};
  add(key: string, n = 1): void {
    this.requests[key] = (this.requests[key] ?? 0) + n;
  }
  snapshot(): Usage {
    return { requests: { ...this.requests }, unbilled: {}, bytes_sent: {}, bytes_received: {}, dynamodb_items_written: {}, dynamodb_write_units: {} };
  }
}

/** Fakes, engine and service of one test. */
export interface MemoryArchive {
  readonly objects: MemoryObjectStore;
  readonly jobs: MemoryJobStore;
  readonly bundles: MemoryBundleStore;
  /** Scopes, and the directory over `bundles`. */
  readonly directory: MemoryBundleDirectoryStore;
  readonly index: MemoryFileIndexStore;
  readonly usage: MemoryUsageStore;
  readonly meter: ManualMeter;
  readonly logger: RecordingLogger;
  readonly engine: ArchiveEngine;
  readonly service: ArchiveService;
  /** Create a job for `req` through the service (nothing started) and return its id. */
  submit(req: ArchiveRequest): Promise<string>;
}

/** Wire a {@link MemoryArchive}; `over` replaces engine options (e.g. `onFinished`, `fetch`). */
export function memoryArchive(over: Partial<ArchiveEngineDeps> & { objects?: MemoryObjectStore } = {}): MemoryArchive {
  const objects = over.objects ?? new MemoryObjectStore();
  objects.createBucket('src');
  objects.createBucket('archive');
  const jobs = new MemoryJobStore();
  const bundles = new MemoryBundleStore();
  const directory = new MemoryBundleDirectoryStore(bundles);
  const index = new MemoryFileIndexStore();
  const usage = new MemoryUsageStore();
  const meter = new ManualMeter();
  const logger = new RecordingLogger();
  const engine = new ArchiveEngine({
    objects,
    jobs,
    bundles,
    directory,
    index,
    archiveBucket: 'archive',
    logger,
    ledger: new UsageLedger({ meter, store: usage, logger }),
    fetch: { concurrency: 4 },
    ...over,
  });
  const service = new ArchiveService({ objects, jobs, starter: { start: async () => undefined }, archiveBucket: 'archive', logger });
  return {
    objects,
    jobs,
    bundles,
    directory,
    index,
    usage,
    meter,
    logger,
    engine,
    service,
    submit: async (req) => (await service.submit(req, {})).job_id,
  };
}

/** `n` objects `<prefix>0000.csv`... of `size` bytes each (deterministic text). */
export function textFiles(prefix: string, n: number, size = 1000): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < n; i++) out[`${prefix}${String(i).padStart(4, '0')}.csv`] = `${i};`.repeat(size).slice(0, size);
  return out;
}

/** Seed `objects` into bucket `src` of the store. */
export function seedSource(store: MemoryObjectStore, objects: Record<string, string | Buffer>): void {
  for (const [key, body] of Object.entries(objects)) store.seed('src', key, body);
}
