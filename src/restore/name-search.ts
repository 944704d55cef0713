/**
 * Lookup by base file name. Compact catalog: the manifests of every bundle in the request's scope
 * (project, bucket, prefix when given) are streamed, `concurrency` at a time (default 8), and only
 * matching rows are kept, so memory holds the matches and one page of directory entries. Jobs
 * archived with the per-file index are answered by its keys-only `by_name` GSI instead. This runs in
 * the restore worker (status RESOLVING), never inside an API call.
 */
import type { ArchivedFile, BundleDirectoryEntry, JobScope } from '../domain/catalog.js';
import { ValidationError } from '../domain/errors.js';
import { baseName, rangeMayHoldPrefix } from '../domain/keys.js';
import type { BundleDirectoryStore } from '../domain/ports/bundle-directory-store.js';
import type { FileIndexStore } from '../domain/ports/file-index-store.js';
import type { ObjectStore } from '../domain/ports/object-store.js';
import { archivedFile } from '../domain/catalog.js';
import { manifestRows } from './manifest-rows.js';
import { mapLimit } from './map-limit.js';
import type { LookupFilter } from './catalog-lookup.js';
import { scopeMatches } from './catalog-lookup.js';
import type { ScopeCache } from './scope-cache.js';

/** Where to search. */
export interface NameScope extends LookupFilter {
  /** Source bucket; undefined = every archived bucket. */
  readonly bucket?: string;
  /** Only keys under this prefix. */
  readonly prefix?: string;
}

/** Options of {@link NameSearch}. */
export interface NameSearchOptions {
  /** Manifests read at once. Default 8. */
  readonly concurrency?: number;
  /** Most matches kept over all names; more is a `TOO_MANY_FILES` error. Default 100,000. */
  readonly maxMatches?: number;
  /** Most manifests read; more is a `TOO_MANY_FILES` error (e.g. 100 for a synchronous API lookup). Default unlimited. */
  readonly maxManifests?: number;
}

/** Directory entries read per batch of manifest reads. */
const BATCH = 64;

/** Searches base names in the manifests (and the per-file index for `per_file` jobs). */
export class NameSearch {
  /** @param objects manifests; @param directory bundle directory; @param scopes cached scopes; @param index per-file index, if any */
  constructor(
    private readonly objects: ObjectStore,
    private readonly directory: BundleDirectoryStore,
    private readonly scopes: ScopeCache,
    private readonly index: FileIndexStore | undefined,
    private readonly options: NameSearchOptions = {},
  ) {}

  /**
   * Every archived file (every generation) whose base name is one of `names`, by name.
   * @throws ValidationError `TOO_MANY_FILES` past `maxMatches` matches or `maxManifests` manifests
   */
  async search(names: readonly string[], where: NameScope): Promise<Map<string, ArchivedFile[]>> {
    const wanted = new Set(names);
    const out = new Map<string, ArchivedFile[]>();
    let matches = 0;
    let manifests = 0;
    const maxMatches = this.options.maxMatches ?? 100_000;
    const add = (f: ArchivedFile): void => {
      if (where.prefix !== undefined && !f.key.startsWith(where.prefix)) return;
      if (++matches > maxMatches)
        throw new ValidationError(
          `file names ${[...wanted].join(', ')} match more than ${maxMatches} archived files; give a bucket, a project or a prefix`,
          'filename',
          'TOO_MANY_FILES',
        );
      const name = baseName(f.key);
      const list = out.get(name) ?? [];
      list.push(f);
      out.set(name, list);
    };
    // Fresh scopes: a name search reads many manifests anyway, one Query more does not matter.
    const scopes = (await this.scopes.get(where.bucket, true)).filter(
      (s) => scopeMatches(s, where) && (where.prefix === undefined || rangeMayHoldPrefix(where.prefix, s.min_key, s.max_key)),
    );
    const indexed = this.index ? scopes.filter((s) => s.catalog === 'per_file') : [];
    await this.fromIndex(indexed, wanted, add);
    for (const scope of scopes.filter((s) => !indexed.includes(s))) {
      let batch: BundleDirectoryEntry[] = [];
      const flush = async (): Promise<void> => {
        manifests += batch.length;
        if (this.options.maxManifests !== undefined && manifests > this.options.maxManifests) {
          throw new ValidationError(
            `a name lookup here would read more than ${this.options.maxManifests} manifests; restore by name (asynchronous) or query the manifests with Athena`,
            'name',
            'TOO_MANY_FILES',
          );
        }
        await mapLimit(batch, this.options.concurrency ?? 8, async (entry) => {
          for await (const row of manifestRows(this.objects, entry)) if (wanted.has(baseName(row.key))) add(archivedFile(entry, row));
        });
        batch = [];
      };
      for await (const entry of this.directory.overlapping(scope, where.prefix ?? '')) {
        batch.push(entry);
        if (batch.length >= BATCH) await flush();
      }
      await flush();
    }
    return out;
  }

  private async fromIndex(scopes: readonly JobScope[], names: ReadonlySet<string>, add: (f: ArchivedFile) => void): Promise<void> {
    const jobs = new Set(scopes.map((s) => `${s.bucket}#${s.job_id}`));
    for (const bucket of new Set(scopes.map((s) => s.bucket))) {
      for (const name of names) {
        let token: string | undefined;
        do {
          const page = await this.index!.byName(bucket, name, { limit: 1000, ...(token ? { nextToken: token } : {}) });
          for (const { pk: _pk, sk: _sk, name_key: _n, ...file } of page.items) if (jobs.has(`${file.bucket}#${file.job_id}`)) add(file);
          token = page.nextToken;
        } while (token);
      }
    }
  }
}
