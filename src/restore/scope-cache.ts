/**
 * The job scopes of the catalog, cached per process: a lookup first asks which jobs can hold a key,
 * and the scopes of a bucket change only when a job plans. One Query of the bucket's scope partition
 * per `ttlMs` (default 60,000) per bucket (or for every archived bucket).
 */
import type { JobScope } from '../domain/catalog.js';
import type { BundleDirectoryStore } from '../domain/ports/bundle-directory-store.js';
import type { Clock } from '../domain/ports/clock.js';

/** Default lifetime of cached scopes: 60,000 ms. */
export const DEFAULT_SCOPE_TTL_MS = 60_000;

/** Scopes by bucket (`*` = every archived bucket), refreshed after `ttlMs`. */
export class ScopeCache {
  private readonly entries = new Map<string, { at: number; scopes: Promise<JobScope[]> }>();

  /** @param directory the scopes' store; @param clock cache age; @param ttlMs lifetime in ms (0 = no caching) */
  constructor(
    private readonly directory: BundleDirectoryStore,
    private readonly clock: Clock,
    private readonly ttlMs = DEFAULT_SCOPE_TTL_MS,
  ) {}

  /**
   * Scopes of `bucket`, or of every archived bucket when undefined. A failed read is not cached.
   * @param fresh read them now whatever is cached (a lookup that found nothing in cached scopes
   *   asks again: a job planned since may hold the key)
   */
  get(bucket?: string, fresh = false): Promise<JobScope[]> {
    const id = bucket ?? '*';
    const now = this.clock.now().getTime();
    const hit = this.entries.get(id);
    if (!fresh && hit && now - hit.at < this.ttlMs) return hit.scopes;
    const scopes = this.directory.scopes(bucket);
    this.entries.set(id, { at: now, scopes });
    scopes.catch(() => this.entries.delete(id));
    return scopes;
  }

  /** Whether the scopes of `bucket` would be served from the cache now. */
  cached(bucket?: string): boolean {
    const hit = this.entries.get(bucket ?? '*');
    return hit !== undefined && this.clock.now().getTime() - hit.at < this.ttlMs;
  }

  /** Forget every cached scope (e.g. after a reindex in this process). */
  clear(): void {
    this.entries.clear();
  }
}
