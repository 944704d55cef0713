/**
 * In-memory {@link BundleStore}, {@link FileIndexStore} and {@link UsageStore} for unit tests of
 * the core, plus a {@link RecordingLogger}. Faults: `failNext(...)` where a test needs one.
 */
import type { BundleItem, FileIndexItem } from '../../src/domain/model.js';
import type { BundleStore } from '../../src/domain/ports/bundle-store.js';
import type { FileIndexStore, IndexPage } from '../../src/domain/ports/file-index-store.js';
import type { Logger } from '../../src/domain/ports/logger.js';
import type { Usage, UsageStore } from '../../src/domain/ports/usage-store.js';

/** Bundle records by key; `history` lists every write as `<state> <key>`. */
export class MemoryBundleStore implements BundleStore {
  readonly items = new Map<string, BundleItem>();
  readonly history: string[] = [];

  async get(bundleKey: string): Promise<BundleItem | undefined> {
    return this.items.get(bundleKey);
  }

  async markWriting(item: BundleItem): Promise<void> {
    this.history.push(`WRITING ${item.bundle_key}`);
    this.items.set(item.bundle_key, { ...item, state: 'WRITING' });
  }

  async markCommitted(item: BundleItem): Promise<void> {
    this.history.push(`COMMITTED ${item.bundle_key}`);
    this.items.set(item.bundle_key, { ...item, state: 'COMMITTED' });
  }
}

/** Index items by `pk` then `sk` (a put of the same pk and sk overwrites). */
export class MemoryFileIndexStore implements FileIndexStore {
  readonly items = new Map<string, Map<string, FileIndexItem>>();
  private fault: Error | undefined;

  /** Make the next putMany throw `error`. */
  failNext(error: Error): void {
    this.fault = error;
  }

  /** Every item, sorted by pk and sk. */
  all(): FileIndexItem[] {
    return [...this.items.values()].flatMap((m) => [...m.values()]).sort((a, b) => (a.pk + a.sk < b.pk + b.sk ? -1 : 1));
  }

  async putMany(items: readonly FileIndexItem[]): Promise<number> {
    if (this.fault) {
      const f = this.fault;
      this.fault = undefined;
      throw f;
    }
    for (const i of items) {
      if (!this.items.has(i.pk)) this.items.set(i.pk, new Map());
      this.items.get(i.pk)!.set(i.sk, i);
    }
    return Math.ceil(items.length / 25);
  }

  async generations(bucket: string, key: string): Promise<FileIndexItem[]> {
    return [...(this.items.get(`${bucket}/${key}`)?.values() ?? [])].sort((a, b) => (a.sk < b.sk ? -1 : 1));
  }

  async latest(bucket: string, key: string): Promise<FileIndexItem | undefined> {
    return (await this.generations(bucket, key)).at(-1);
  }

  async byName(bucket: string, name: string, options: { limit?: number; nextToken?: string } = {}): Promise<IndexPage> {
    const all = this.all().filter((i) => i.name_key === `${bucket}#${name}`);
    const start = Number(options.nextToken ?? 0);
    const end = start + (options.limit ?? 100);
    return { items: all.slice(start, end), ...(end < all.length ? { nextToken: String(end) } : {}) };
  }
}

/** Usage records in order. */
export class MemoryUsageStore implements UsageStore {
  readonly records: Array<{ jobId: string; step: string; at: string; usage: Usage }> = [];
  private fault: Error | undefined;

  /** Make the next record throw `error`. */
  failNext(error: Error): void {
    this.fault = error;
  }

  async record(jobId: string, step: string, at: string, usage: Usage): Promise<void> {
    if (this.fault) {
      const f = this.fault;
      this.fault = undefined;
      throw f;
    }
    this.records.push({ jobId, step, at, usage });
  }

  async list(jobId: string): Promise<Usage[]> {
    return this.records.filter((r) => r.jobId === jobId).map((r) => r.usage);
  }
}

/** A {@link Logger} that keeps every line (level, fields, message). */
export class RecordingLogger implements Logger {
  readonly lines: Array<{ level: 'debug' | 'info' | 'warn' | 'error'; obj: Record<string, unknown>; msg: string | undefined }> = [];
  debug(obj: object, msg?: string): void {
    this.lines.push({ level: 'debug', obj: obj as Record<string, unknown>, msg });
  }
  info(obj: object, msg?: string): void {
    this.lines.push({ level: 'info', obj: obj as Record<string, unknown>, msg });
  }
  warn(obj: object, msg?: string): void {
    this.lines.push({ level: 'warn', obj: obj as Record<string, unknown>, msg });
  }
  error(obj: object, msg?: string): void {
    this.lines.push({ level: 'error', obj: obj as Record<string, unknown>, msg });
  }
}
