import { LRUCache } from 'lru-cache';
import { withTimeout } from '../shared/with-timeout.ts';
import type { Link, LinkSource } from './link.ts';

export interface LinkCacheOptions {
  maxEntries?: number;
  /** Backstop only: change notifications normally evict an entry within milliseconds. */
  ttlMs?: number;
  /** How long "no such slug" is remembered, so a flood of random slugs costs one query each. */
  negativeTtlMs?: number;
  /** A click never waits longer than this for the database. */
  lookupTimeoutMs?: number;
  /** Queries in flight at most; past it a miss fails at once instead of piling up on a sick database. */
  maxQueriesInFlight?: number;
}

export type LookupOutcome = 'hit' | 'miss' | 'stale';

export interface LinkCache {
  /** The fresh cached answer without waiting: a link, null (known unknown), or undefined (ask `get`). */
  cached(slug: string): Link | null | undefined;
  /** The link, or null when the slug is unknown. Throws when the database cannot answer in time. */
  get(slug: string): Promise<Link | null>;
  invalidate(slug: string): void;
  clear(): void;
  readonly size: number;
}

export class LinkLookupError extends Error {
  override name = 'LinkLookupError';
}

const MISSING = Symbol('missing');
type Entry = Link | typeof MISSING;

export function createLinkCache(
  source: LinkSource,
  options: LinkCacheOptions = {},
  onLookup: (outcome: LookupOutcome) => void = () => {},
): LinkCache {
  const negativeTtlMs = options.negativeTtlMs ?? 5_000;
  const lookupTimeoutMs = options.lookupTimeoutMs ?? 1_000;
  const maxInFlight = options.maxQueriesInFlight ?? 64;
  // A query that never settles (a driver waiting on a dead connection) would hold its slug
  // "in flight" for ever; giving up on it after a while lets a later click try again.
  const queryTimeoutMs = Math.max(lookupTimeoutMs * 5, 5_000);
  let inFlight = 0;
  const cache = new LRUCache<string, Entry>({
    max: options.maxEntries ?? 50_000,
    ttl: options.ttlMs ?? 60_000,
    // A stale entry stays until it is refreshed, so a database outage serves the last
    // known target instead of failing the click.
    noDeleteOnStaleGet: true,
    allowStaleOnFetchRejection: true,
    noDeleteOnFetchRejection: true,
    fetchMethod: async (slug, _stale, { options: entryOptions }) => {
      inFlight++;
      let link: Link | null;
      try {
        link = await withTimeout(source.findBySlug(slug), queryTimeoutMs, () => new LinkLookupError(`link query took over ${queryTimeoutMs} ms`));
      } finally {
        inFlight--;
      }
      if (link) return link;
      entryOptions.ttl = negativeTtlMs;
      return MISSING;
    },
  });

  const unwrap = (entry: Entry): Link | null => (entry === MISSING ? null : entry);

  async function load(slug: string): Promise<Entry | undefined> {
    if (inFlight >= maxInFlight) throw new LinkLookupError(`${inFlight} link queries already waiting on the database`);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new LinkLookupError(`link lookup timed out after ${lookupTimeoutMs} ms`)), lookupTimeoutMs);
    });
    const status: LRUCache.Status<string, Entry> = {};
    try {
      // Concurrent misses for one slug share a single query (lru-cache dedupes fetches).
      const entry = await Promise.race([cache.fetch(slug, { status }), timeout]);
      if (status.returnedStale) onLookup('stale');
      return entry;
    } catch (err) {
      const stale = cache.get(slug, { allowStale: true });
      if (stale !== undefined) {
        onLookup('stale');
        return stale;
      }
      throw err instanceof LinkLookupError ? err : new LinkLookupError('link lookup failed', { cause: err });
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    cached(slug) {
      const entry = cache.get(slug);
      if (entry === undefined) return undefined;
      onLookup('hit');
      return unwrap(entry);
    },
    async get(slug) {
      const cached = cache.get(slug);
      if (cached !== undefined) {
        onLookup('hit');
        return unwrap(cached);
      }
      const stale = cache.get(slug, { allowStale: true });
      if (stale !== undefined) {
        // Serve the last known link at once and refresh it behind the click: with the
        // database down, waiting for the refresh would cost every click the full timeout.
        onLookup('stale');
        if (inFlight < maxInFlight) cache.fetch(slug).catch(() => {});
        return unwrap(stale);
      }
      onLookup('miss');
      // undefined means an invalidation raced the query and discarded its (old) result.
      const entry = (await load(slug)) ?? (await load(slug));
      if (entry === undefined) throw new LinkLookupError('link lookup kept being invalidated');
      return unwrap(entry);
    },
    invalidate: (slug) => void cache.delete(slug),
    clear: () => cache.clear(),
    get size() {
      return cache.size;
    },
  };
}
