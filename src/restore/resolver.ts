/**
 * Resolve a restore selection (keys, prefix, base names, or a key list in S3) to index items:
 * one per object, of the requested generation (default the newest).
 */
import { ValidationError } from '../domain/errors.js';
import type { FileIndexItem } from '../domain/model.js';
import { isObjectStoreFailure, type ObjectStore } from '../domain/ports/object-store.js';
import type { RestoreRequestInput } from '../domain/restore-request.js';
import type { ArchiveCatalog } from './archive-catalog.js';
import { pickGeneration, type FileLookupService } from './file-lookup.js';
import { mapLimit } from './map-limit.js';

/** A requested file that is not in the index. */
export interface NotFoundFile {
  /** The key, name or prefix as asked. */
  readonly asked: string;
  readonly message: string;
}

/** Outcome of {@link Resolver.resolve}. */
export interface Resolution {
  /** One index item per object to restore, in request order, without duplicates. */
  readonly found: FileIndexItem[];
  readonly notFound: NotFoundFile[];
}

/** Options of {@link Resolver}. */
export interface ResolverOptions {
  /** Most files one request may resolve to (prefixes and key lists). Default 100,000. */
  readonly maxFiles?: number;
  /** Index lookups in flight. Default 16. */
  readonly concurrency?: number;
}

/** Candidates shown in an ambiguity error before "and N more". */
const SHOWN_CANDIDATES = 20;

/** Resolves selections through the file index, the catalog (prefixes) and S3 (key lists). */
export class Resolver {
  /** @param lookup index lookups; @param catalog prefix enumeration; @param objects reads key lists */
  constructor(
    private readonly lookup: FileLookupService,
    private readonly catalog: ArchiveCatalog,
    private readonly objects: ObjectStore,
    private readonly options: ResolverOptions = {},
  ) {}

  private get maxFiles(): number {
    return this.options.maxFiles ?? 100_000;
  }

  /**
   * @throws ValidationError `AMBIGUOUS_NAME` (400) when a base name (or a key without a bucket)
   *   matches several objects and `all_matches` is false; the message lists the candidates
   * @throws ValidationError `TOO_MANY_FILES` (400) past `maxFiles`
   */
  async resolve(input: RestoreRequestInput): Promise<Resolution> {
    const sel = input.selection;
    const buckets = await this.lookup.bucketsFor(input.bucket, input.project);
    if (sel.kind === 'names') return this.byNames(input, buckets, sel.names);
    if (sel.kind === 'keys') return this.byKeys(input, buckets, sel.keys.map((key) => ({ key })), 'keys');
    if (sel.kind === 'manifest') return this.byKeys(input, buckets, (await this.readKeyList(sel.bucket, sel.key)).map((key) => ({ key })), 'keys_manifest');
    const pairs: { bucket: string; key: string }[] = [];
    const seen = new Set<string>();
    const jobFilter = input.generation !== undefined && !/^\d{4}-\d\d-\d\dT/.test(input.generation) ? { jobId: input.generation } : {};
    for await (const p of this.catalog.keysUnderPrefix(sel.prefix, { ...(input.project ? { project: input.project } : {}), ...(input.bucket ? { bucket: input.bucket } : {}), ...jobFilter })) {
      const id = `${p.bucket}/${p.key}`;
      if (seen.has(id)) continue;
      seen.add(id);
      pairs.push(p);
      if (pairs.length > this.maxFiles) throw new ValidationError(`prefix ${JSON.stringify(sel.prefix)} matches more than ${this.maxFiles} files; split it or pass a key list (keys_manifest)`, 'prefix', 'TOO_MANY_FILES');
    }
    if (pairs.length === 0) return { found: [], notFound: [{ asked: sel.prefix, message: `no archived file under prefix ${JSON.stringify(sel.prefix)}` }] };
    const res = await this.byKeys(input, buckets, pairs, 'prefix');
    return { found: res.found, notFound: [] };
  }

  private async byKeys(input: RestoreRequestInput, buckets: readonly string[], asked: readonly { key: string; bucket?: string }[], field: string): Promise<Resolution> {
    if (asked.length > this.maxFiles) throw new ValidationError(`${asked.length} keys asked, at most ${this.maxFiles} per request`, field, 'TOO_MANY_FILES');
    const results = await mapLimit(asked, this.options.concurrency ?? 16, async (a) => {
      const items = await this.lookup.allGenerations(a.bucket !== undefined ? [a.bucket] : buckets, a.key);
      return this.choose(items, input);
    });
    const found: FileIndexItem[] = [];
    const notFound: NotFoundFile[] = [];
    const ambiguous: string[] = [];
    results.forEach((chosen, i) => {
      const key = asked[i]!.key;
      if (chosen.length === 0) notFound.push({ asked: key, message: this.notFoundMessage(`key ${JSON.stringify(key)}`, input) });
      else if (chosen.length > 1 && !input.all_matches) ambiguous.push(`${key}: ${chosen.map((c) => `s3://${c.bucket}/${c.key}`).join(', ')}`);
      else found.push(...chosen);
    });
    if (ambiguous.length > 0) throw this.ambiguity(ambiguous, field, 'key is archived from several buckets (give bucket_name)');
    return { found: dedupe(found), notFound };
  }

  private async byNames(input: RestoreRequestInput, buckets: readonly string[], names: readonly string[]): Promise<Resolution> {
    const results = await mapLimit(names, this.options.concurrency ?? 16, async (name) => this.choose(await this.lookup.allByName(buckets, name), input));
    const found: FileIndexItem[] = [];
    const notFound: NotFoundFile[] = [];
    const ambiguous: string[] = [];
    results.forEach((chosen, i) => {
      const name = names[i]!;
      if (chosen.length === 0) notFound.push({ asked: name, message: this.notFoundMessage(`file name ${JSON.stringify(name)}`, input) });
      else if (chosen.length > 1 && !input.all_matches) ambiguous.push(`${name}: ${listCandidates(chosen)}`);
      else found.push(...chosen);
    });
    if (ambiguous.length > 0) throw this.ambiguity(ambiguous, 'filename', 'file name matches several archived keys');
    return { found: dedupe(found), notFound };
  }

  /** Per object (bucket + key): the requested generation; objects of other projects are dropped. */
  private choose(items: readonly FileIndexItem[], input: RestoreRequestInput): FileIndexItem[] {
    const byObject = new Map<string, FileIndexItem[]>();
    for (const it of items) {
      if (input.project !== undefined && it.project !== input.project) continue;
      const list = byObject.get(it.pk) ?? [];
      list.push(it);
      byObject.set(it.pk, list);
    }
    const out: FileIndexItem[] = [];
    for (const list of byObject.values()) {
      const g = pickGeneration(list, input.generation);
      if (g) out.push(g);
    }
    return out.sort((a, b) => (a.pk < b.pk ? -1 : a.pk > b.pk ? 1 : 0));
  }

  private notFoundMessage(what: string, input: RestoreRequestInput): string {
    const where = input.bucket ? ` in bucket ${input.bucket}` : '';
    const gen = input.generation ? ` (generation ${input.generation})` : '';
    return `${what} is not in the archive index${where}${gen}`;
  }

  private ambiguity(lines: string[], field: string, what: string): ValidationError {
    return new ValidationError(`${what}; name the key exactly or set all_matches (CLI: --all-matches): ${lines.join('; ')}`, field, 'AMBIGUOUS_NAME');
  }

  private async readKeyList(bucket: string, key: string): Promise<string[]> {
    // At most 16 MiB are read (about 100,000 keys of 160 bytes); a larger object is refused.
    let got;
    try {
      got = await this.objects.getObject({ bucket, key, range: { start: 0, end: KEY_LIST_MAX_BYTES } });
    } catch (err) {
      if (isObjectStoreFailure(err, 'NOT_FOUND', 'NO_SUCH_BUCKET')) throw new ValidationError(`s3://${bucket}/${key} does not exist (upload the key list first)`, 'keys_manifest', 'SOURCE_NOT_FOUND');
      throw err;
    }
    if (got.totalSize > KEY_LIST_MAX_BYTES) {
      got.body.destroy();
      throw new ValidationError(`s3://${bucket}/${key} is ${got.totalSize} bytes; a key list may hold at most ${KEY_LIST_MAX_BYTES} bytes`, 'keys_manifest');
    }
    const chunks: Buffer[] = [];
    for await (const c of got.body) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c as Uint8Array));
    const text = Buffer.concat(chunks).toString('utf8');
    const keys = [...new Set(text.replace(/^\uFEFF/, '').split('\n').map((l) => l.replace(/\r$/, '')).filter((l) => l !== ''))];
    if (keys.length === 0) throw new ValidationError(`s3://${bucket}/${key} holds no key (expected one key per line)`, 'keys_manifest');
    return keys;
  }
}

/** Largest key list read for `keys_manifest`, in bytes (16 MiB). */
export const KEY_LIST_MAX_BYTES = 16 * 1024 * 1024;

function listCandidates(items: readonly FileIndexItem[]): string {
  const shown = items.slice(0, SHOWN_CANDIDATES).map((c) => `s3://${c.bucket}/${c.key}`);
  return shown.join(', ') + (items.length > SHOWN_CANDIDATES ? ` and ${items.length - SHOWN_CANDIDATES} more` : '');
}

function dedupe(items: readonly FileIndexItem[]): FileIndexItem[] {
  const seen = new Set<string>();
  return items.filter((i) => (seen.has(i.pk) ? false : (seen.add(i.pk), true)));
}
