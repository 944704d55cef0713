/**
 * Resolve a restore selection (keys, a prefix, base names, or a key list in S3) to archived files
 * through the catalog: one per object, of the requested generation (default the newest). Runs in the
 * restore worker (the request is RESOLVING meanwhile), never inside the API call.
 */
import { compareGenerations, type ArchivedFile } from '../domain/catalog.js';
import { ValidationError } from '../domain/errors.js';
import { isObjectStoreFailure, type ObjectStore } from '../domain/ports/object-store.js';
import type { RestoreRequestInput } from '../domain/restore-request.js';
import { AmbiguousNameError, type Ambiguity } from './ambiguity.js';
import type { CatalogLookup, LookupFilter } from './catalog-lookup.js';
import type { NameSearch } from './name-search.js';
import { checkArchivedBucket } from './source-checks.js';

/** A requested file that is not in the catalog. */
export interface NotFoundFile {
  /** The key, name or prefix as asked. */
  readonly asked: string;
  readonly message: string;
}

/** Outcome of {@link Resolver.resolve}. */
export interface Resolution {
  /** One file per object to restore (request order for keys, bucket and key order otherwise), without duplicates. */
  readonly found: ArchivedFile[];
  readonly notFound: NotFoundFile[];
}

/** Options of {@link Resolver}. */
export interface ResolverOptions {
  /** Most files one request may resolve to (prefixes, names and key lists). Default 100,000. */
  readonly maxFiles?: number;
}

/** Resolves selections through the catalog (directory + manifests, or the per-file index) and S3 (key lists). */
export class Resolver {
  /** @param lookup keys and prefixes; @param names base names; @param objects reads key lists */
  constructor(
    private readonly lookup: CatalogLookup,
    private readonly names: NameSearch,
    private readonly objects: ObjectStore,
    private readonly options: ResolverOptions = {},
  ) {}

  private get maxFiles(): number {
    return this.options.maxFiles ?? 100_000;
  }

  /**
   * @throws AmbiguousNameError `AMBIGUOUS_NAME` (400) when a base name (or a key without a bucket)
   *   matches several objects and `all_matches` is false; the message lists the first candidates,
   *   `details.candidates` all of them (bounded)
   * @throws ValidationError `TOO_MANY_FILES` (400) past `maxFiles`; `SOURCE_NOT_FOUND` for a missing key list
   */
  async resolve(input: RestoreRequestInput): Promise<Resolution> {
    const sel = input.selection;
    const filter: LookupFilter = { ...(input.project ? { project: input.project } : {}), ...(input.generation ? { generation: input.generation } : {}) };
    if (sel.kind === 'names') return this.byNames(input, filter, sel.names);
    if (sel.kind === 'keys') return this.byKeys(input, filter, sel.keys, 'keys');
    if (sel.kind === 'manifest') return this.byKeys(input, filter, await this.readKeyList(sel.bucket, sel.key), 'keys_manifest');
    const all: ArchivedFile[] = [];
    const seen = new Set<string>();
    for await (const f of this.lookup.byPrefix(input.bucket, sel.prefix, filter)) {
      all.push(f);
      seen.add(objectId(f));
      if (seen.size > this.maxFiles)
        throw new ValidationError(
          `prefix ${JSON.stringify(sel.prefix)} matches more than ${this.maxFiles} files; split it or pass a key list (keys_manifest)`,
          'prefix',
          'TOO_MANY_FILES',
        );
    }
    if (all.length === 0) return { found: [], notFound: [{ asked: sel.prefix, message: `no archived file under prefix ${JSON.stringify(sel.prefix)}` }] };
    return { found: newestPerObject(all), notFound: [] };
  }

  private async byKeys(input: RestoreRequestInput, filter: LookupFilter, keys: readonly string[], field: string): Promise<Resolution> {
    if (keys.length > this.maxFiles) throw new ValidationError(`${keys.length} keys asked, at most ${this.maxFiles} per request`, field, 'TOO_MANY_FILES');
    // Without a named generation only the newest per bucket is restored: older jobs are not read for a key already found.
    const byKey = await this.lookup.byKeys(input.bucket, keys, filter, input.generation === undefined);
    const { found, notFound, ambiguous } = this.choose(keys, byKey, input, (key) => `key ${JSON.stringify(key)}`);
    if (ambiguous.length > 0) throw new AmbiguousNameError('key is archived from several buckets (give bucket_name)', field, ambiguous);
    // Nothing found in a named bucket: say so plainly when coldpack never archived that bucket.
    if (found.length === 0 && input.bucket !== undefined) await checkArchivedBucket(input.bucket, this.lookup.scopes, true);
    return { found, notFound };
  }

  private async byNames(input: RestoreRequestInput, filter: LookupFilter, names: readonly string[]): Promise<Resolution> {
    const byName = await this.names.search(names, { ...filter, ...(input.bucket ? { bucket: input.bucket } : {}) }).catch((err: unknown) => {
      if (err instanceof ValidationError && err.code === 'TOO_MANY_FILES') throw new ValidationError(err.message, 'filename', 'TOO_MANY_FILES');
      throw err;
    });
    const { found, notFound, ambiguous } = this.choose(names, byName, input, (name) => `file name ${JSON.stringify(name)}`);
    if (ambiguous.length > 0) throw new AmbiguousNameError('file name matches several archived keys', 'filename', ambiguous);
    if (found.length > this.maxFiles)
      throw new ValidationError(`the file names match ${found.length} files, at most ${this.maxFiles} per request`, 'filename', 'TOO_MANY_FILES');
    return { found, notFound };
  }

  /**
   * Per asked key or name, in order: the newest generation of each object it matches. Nothing matched
   * is a not-found file; several objects without `all_matches` an ambiguity; an object asked twice is
   * restored once.
   */
  private choose(
    asked: readonly string[],
    matches: ReadonlyMap<string, ArchivedFile[]>,
    input: RestoreRequestInput,
    what: (asked: string) => string,
  ): Resolution & { ambiguous: Ambiguity[] } {
    const found: ArchivedFile[] = [];
    const notFound: NotFoundFile[] = [];
    const ambiguous: Ambiguity[] = [];
    const seen = new Set<string>();
    for (const a of asked) {
      const chosen = newestPerObject(matches.get(a) ?? []);
      if (chosen.length === 0) notFound.push({ asked: a, message: this.notFoundMessage(what(a), input) });
      else if (chosen.length > 1 && !input.all_matches) ambiguous.push({ asked: a, candidates: chosen.map(url) });
      else {
        for (const c of chosen) {
          if (seen.has(objectId(c))) continue;
          seen.add(objectId(c));
          found.push(c);
        }
      }
    }
    return { found, notFound, ambiguous };
  }

  private notFoundMessage(what: string, input: RestoreRequestInput): string {
    const where = input.bucket ? ` in bucket ${input.bucket}` : '';
    const gen = input.generation ? ` (generation ${input.generation})` : '';
    return `${what} is not in the archive catalog${where}${gen}`;
  }

  private async readKeyList(bucket: string, key: string): Promise<string[]> {
    // At most 16 MiB are read (about 100,000 keys of 160 bytes); a larger object is refused.
    let got;
    try {
      got = await this.objects.getObject({ bucket, key, range: { start: 0, end: KEY_LIST_MAX_BYTES } });
    } catch (err) {
      if (isObjectStoreFailure(err, 'NOT_FOUND', 'NO_SUCH_BUCKET'))
        throw new ValidationError(`s3://${bucket}/${key} does not exist (upload the key list first)`, 'keys_manifest', 'SOURCE_NOT_FOUND');
      throw err;
    }
    if (got.totalSize > KEY_LIST_MAX_BYTES) {
      got.body.destroy();
      throw new ValidationError(`s3://${bucket}/${key} is ${got.totalSize} bytes; a key list may hold at most ${KEY_LIST_MAX_BYTES} bytes`, 'keys_manifest');
    }
    const chunks: Buffer[] = [];
    for await (const c of got.body) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c as Uint8Array));
    const text = Buffer.concat(chunks).toString('utf8');
    const keys = [
      ...new Set(
        text
          .replace(/^\uFEFF/, '')
          .split('\n')
          .map((l) => l.replace(/\r$/, ''))
          .filter((l) => l !== ''),
      ),
    ];
    if (keys.length === 0) throw new ValidationError(`s3://${bucket}/${key} holds no key (expected one key per line)`, 'keys_manifest');
    return keys;
  }
}

/** Largest key list read for `keys_manifest`, in bytes (16 MiB). */
export const KEY_LIST_MAX_BYTES = 16 * 1024 * 1024;

/** `s3://<bucket>/<key>` of a file. */
const url = (f: ArchivedFile): string => `s3://${f.bucket}/${f.key}`;

/** Identity of an archived object across generations. */
const objectId = (f: ArchivedFile): string => `${f.bucket}/${f.key}`;

/** Per object (bucket + key) the newest generation, ordered by bucket and key. */
export function newestPerObject(items: readonly ArchivedFile[]): ArchivedFile[] {
  const best = new Map<string, ArchivedFile>();
  for (const it of items) {
    const id = objectId(it);
    const cur = best.get(id);
    if (!cur || compareGenerations(it, cur) > 0) best.set(id, it);
  }
  return [...best.values()].sort((a, b) => (objectId(a) < objectId(b) ? -1 : objectId(a) > objectId(b) ? 1 : 0));
}
