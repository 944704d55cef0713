/**
 * Lookups in the file index: the {@link FileLookup} port, and the choice of generation.
 * When no source bucket is given, every bucket the {@link ArchiveCatalog} knows is searched.
 */
import { MAX_PAGE_TOKEN_CHARS, badPageToken, decodePageToken, encodePageToken, isPlainObject, offsetOf } from '../domain/page-token.js';
import type { FileIndexItem } from '../domain/model.js';
import type { Page, PageRequest } from '../domain/page.js';
import type { ArchiveCatalogStore } from '../domain/ports/archive-catalog-store.js';
import type { FileLookup } from '../domain/ports/restore-requests.js';
import type { ArchiveCatalog } from './archive-catalog.js';

/**
 * The generation to restore among one object's index items: the one whose `job_id`, `archived_at`
 * or `sk` equals `generation`, else the newest (greatest `sk`). Undefined when none matches.
 */
export function pickGeneration(items: readonly FileIndexItem[], generation?: string): FileIndexItem | undefined {
  const sorted = [...items].sort((a, b) => (a.sk < b.sk ? -1 : a.sk > b.sk ? 1 : 0));
  const chosen = generation === undefined ? sorted : sorted.filter((i) => i.job_id === generation || i.archived_at === generation || i.sk === generation);
  return chosen[chosen.length - 1];
}

/** Position in a lookup across buckets (a page token's payload). */
interface Token {
  /** Index into the bucket list. */
  b: number;
  /** Inner token (the store's own page token, or a decimal offset for `byKey`). */
  t?: string;
}
function encode(t: Token): string {
  return encodePageToken(t);
}
/** A token's payload: `b` an offset, `t` absent or a string of at most {@link MAX_PAGE_TOKEN_CHARS}. */
function tokenOf(v: unknown): Token | undefined {
  if (!isPlainObject(v) || Object.keys(v).some((k) => k !== 'b' && k !== 't')) return undefined;
  const b = offsetOf(v.b);
  if (b === undefined) return undefined;
  if (v.t === undefined) return { b };
  return typeof v.t === 'string' && v.t.length > 0 && v.t.length <= MAX_PAGE_TOKEN_CHARS ? { b, t: v.t } : undefined;
}
function decode(s: string | undefined): Token {
  return decodePageToken(s, tokenOf) ?? { b: 0 };
}

/** {@link FileLookup} over the file index, across buckets when none is given. */
export class FileLookupService implements FileLookup {
  /** @param index file index reads; @param catalog archived buckets (for lookups without a bucket) */
  constructor(
    private readonly index: ArchiveCatalogStore,
    private readonly catalog: ArchiveCatalog,
  ) {}

  /** Buckets to search: the given one, else every archived bucket (optionally of one project). */
  async bucketsFor(bucket: string | undefined, project?: string): Promise<string[]> {
    return bucket !== undefined ? [bucket] : this.catalog.buckets(project);
  }

  /** Every generation (oldest first) of `key` in each bucket, as one list. */
  async allGenerations(buckets: readonly string[], key: string): Promise<FileIndexItem[]> {
    const out: FileIndexItem[] = [];
    for (const b of buckets) out.push(...(await this.index.fileGenerations(b, key)));
    return out;
  }

  /** Every index item (all pages, all buckets) of base name `name`. */
  async allByName(buckets: readonly string[], name: string): Promise<FileIndexItem[]> {
    const out: FileIndexItem[] = [];
    for (const b of buckets) {
      let token: string | undefined;
      do {
        const page = await this.index.filesByName(b, name, { limit: 1000, ...(token ? { nextToken: token } : {}) });
        out.push(...page.items);
        token = page.nextToken;
      } while (token);
    }
    return out;
  }

  /** @inheritdoc */
  async byKey(bucket: string | undefined, key: string, page: PageRequest): Promise<Page<FileIndexItem>> {
    const buckets = await this.bucketsFor(bucket);
    const all = await this.allGenerations(buckets, key);
    const tok = decode(page.nextToken);
    const start = tok.t === undefined ? 0 : /^\d{1,15}$/.test(tok.t) ? Number(tok.t) : Number.NaN;
    if (tok.b !== 0 || !(start <= all.length)) throw badPageToken('not an offset into this lookup');
    const items = all.slice(start, start + page.limit);
    return start + page.limit < all.length ? { items, nextToken: encode({ b: 0, t: String(start + page.limit) }) } : { items };
  }

  /** @inheritdoc */
  async byName(bucket: string | undefined, name: string, page: PageRequest): Promise<Page<FileIndexItem>> {
    const buckets = await this.bucketsFor(bucket);
    let tok = decode(page.nextToken);
    while (tok.b < buckets.length) {
      const res = await this.index.filesByName(buckets[tok.b]!, name, { limit: page.limit, ...(tok.t ? { nextToken: tok.t } : {}) });
      const next: Token | undefined = res.nextToken ? { b: tok.b, t: res.nextToken } : tok.b + 1 < buckets.length ? { b: tok.b + 1 } : undefined;
      if (res.items.length > 0 || !next) return next ? { items: res.items, nextToken: encode(next) } : { items: res.items };
      tok = next;
    }
    return { items: [] };
  }
}
