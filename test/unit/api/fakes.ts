/**
 * In-memory implementations of the API ports for tests (no AWS). They follow the ports' contracts:
 * idempotency keys return the first job, a RUNNING job for the same bucket+prefix is a 409, an
 * unknown bucket is a 400 on `bucket_name`.
 */
import type { ArchiveRequest } from '../../../src/domain/archive-request.js';
import { ConflictError, NotFoundError, ValidationError } from '../../../src/domain/errors.js';
import type { FileIndexItem, JobStatus } from '../../../src/domain/model.js';
import type { Page, PageRequest } from '../../../src/domain/page.js';
import type { FileLookup, RestoreRequests } from '../../../src/domain/ports/restore-requests.js';
import type { RestoreRequestInput, RestoreView } from '../../../src/domain/restore-request.js';
import type { ArchiveJobs, JobView } from '../../../src/domain/archive-jobs.js';

/** In-memory {@link ArchiveJobs}. New jobs start RUNNING. */
export class MemoryArchiveJobs implements ArchiveJobs {
  readonly jobs = new Map<string, JobView>();
  readonly byKey = new Map<string, string>();
  readonly submitted: { req: ArchiveRequest; idempotencyKey?: string }[] = [];
  /** Ids passed to a successful {@link resume}. */
  readonly resumed: string[] = [];
  private seq = 0;

  /** @param buckets source buckets that "exist" */
  constructor(private readonly buckets: ReadonlySet<string> = new Set(['src-bucket'])) {}

  async submit(req: ArchiveRequest, opts: { idempotencyKey?: string }): Promise<JobView> {
    this.submitted.push({ req, ...(opts.idempotencyKey ? { idempotencyKey: opts.idempotencyKey } : {}) });
    if (opts.idempotencyKey) {
      const id = this.byKey.get(opts.idempotencyKey);
      if (id) return this.jobs.get(id)!;
    }
    if (req.source.kind === 'list' && !this.buckets.has(req.source.bucket)) {
      throw new ValidationError(`bucket ${req.source.bucket} does not exist or cannot be read`, 'bucket_name');
    }
    const src = JSON.stringify(req.source);
    const running = [...this.jobs.values()].find((j) => j.status === 'RUNNING' && JSON.stringify(j.request.source) === src);
    if (running) throw new ConflictError(`job ${running.job_id} is archiving the same bucket and prefix`, { job_id: running.job_id });
    const now = new Date().toISOString();
    const job: JobView = { job_id: `job-${++this.seq}`, status: 'RUNNING', request: req, counters: {}, created_at: now, updated_at: now };
    this.jobs.set(job.job_id, job);
    if (opts.idempotencyKey) this.byKey.set(opts.idempotencyKey, job.job_id);
    return job;
  }

  async get(jobId: string): Promise<JobView | undefined> {
    return this.jobs.get(jobId);
  }

  async findForPeriod(project: string, period: string): Promise<JobView[]> {
    return [...this.jobs.values()].filter((j) => j.request.project === project && j.request.period === period);
  }

  /** Resumes a FAILED or `stale` job (RUNNING again); a live one is a 409, an unknown one a 404. */
  async resume(jobId: string, options: { force?: boolean } = {}): Promise<JobView> {
    const j = this.jobs.get(jobId);
    if (!j) throw new NotFoundError(`archive job ${jobId} does not exist`, 'job_id');
    if (j.status === 'SUCCEEDED' || j.status === 'PARTIAL') return j;
    if (j.status !== 'FAILED' && !j.stale && !options.force) throw new ConflictError(`job ${jobId} is ${j.status} and alive`, { job_id: jobId }, 'JOB_RUNNING');
    const { stale: _s, ...rest } = j;
    const resumed: JobView = { ...rest, status: 'QUEUED', updated_at: new Date().toISOString() };
    this.jobs.set(jobId, resumed);
    this.resumed.push(jobId);
    return resumed;
  }

  /** Test helper: mark a job stale (no sign of life). */
  setStale(jobId: string): void {
    this.jobs.set(jobId, { ...this.jobs.get(jobId)!, stale: true });
  }

  /** Test helper: change a job's status. */
  setStatus(jobId: string, status: JobStatus): void {
    const j = this.jobs.get(jobId)!;
    this.jobs.set(jobId, { ...j, status });
  }
}

/** In-memory {@link RestoreRequests}: every requested file becomes PENDING (names and keys alike). */
export class MemoryRestoreRequests implements RestoreRequests {
  readonly restores = new Map<string, RestoreView>();
  readonly byKey = new Map<string, string>();
  readonly submitted: RestoreRequestInput[] = [];
  private seq = 0;

  async submit(req: RestoreRequestInput, opts: { idempotencyKey?: string }): Promise<RestoreView> {
    this.submitted.push(req);
    const prior = opts.idempotencyKey ? this.byKey.get(opts.idempotencyKey) : undefined;
    if (prior) return this.restores.get(prior)!;
    const s = req.selection;
    const keys = s.kind === 'keys' ? s.keys : s.kind === 'names' ? s.names : s.kind === 'prefix' ? [s.prefix] : [s.key];
    const now = new Date().toISOString();
    const view: RestoreView = {
      restore_id: `restore-${++this.seq}`,
      status: 'PENDING',
      request: req,
      files: keys.map((key) => ({ key, status: 'PENDING' as const })),
      created_at: now,
      updated_at: now,
    };
    this.restores.set(view.restore_id, view);
    if (opts.idempotencyKey) this.byKey.set(opts.idempotencyKey, view.restore_id);
    return view;
  }

  async get(id: string): Promise<RestoreView | undefined> {
    return this.restores.get(id);
  }
}

/** In-memory {@link FileLookup} over a list of index items; the page token is an offset. */
export class MemoryFileLookup implements FileLookup {
  constructor(readonly items: FileIndexItem[] = []) {}

  private page(matches: FileIndexItem[], page: PageRequest): Page<FileIndexItem> {
    const start = page.nextToken ? Number(page.nextToken) : 0;
    const items = matches.slice(start, start + page.limit);
    const next = start + items.length;
    return next < matches.length ? { items, nextToken: String(next) } : { items };
  }

  async byKey(bucket: string | undefined, key: string, page: PageRequest): Promise<Page<FileIndexItem>> {
    return this.page(
      this.items.filter((i) => i.key === key && (bucket === undefined || i.bucket === bucket)),
      page,
    );
  }

  async byName(bucket: string | undefined, name: string, page: PageRequest): Promise<Page<FileIndexItem>> {
    return this.page(
      this.items.filter((i) => i.key.split('/').pop() === name && (bucket === undefined || i.bucket === bucket)),
      page,
    );
  }
}

/** A file index item for `bucket/key` (fields other than the key are plausible constants). */
export function indexItem(bucket: string, key: string, n = 0): FileIndexItem {
  return {
    pk: `${bucket}/${key}`,
    sk: `2024-04-10T03:00:00.000Z#job-1`,
    name_key: `${bucket}#${key.split('/').pop()}`,
    bucket,
    key,
    size: 10,
    etag: 'e',
    last_modified: '2024-04-09T00:00:00.000Z',
    offset: n * 100,
    length: 100,
    compressed_size: 10,
    method: 0,
    crc32: '00000000',
    sha256: '0'.repeat(64),
    archive_bucket: 'coldpack-archive',
    bundle_key: 'bundles/amazon/job-1/0/0.zip',
    storage_class: 'DEEP_ARCHIVE',
    job_id: 'job-1',
    project: 'amazon',
    archived_at: '2024-04-10T03:00:00.000Z',
  };
}
