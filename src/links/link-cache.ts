import { LRUCache } from 'lru-cache';
import { createLinkCompactor, unknownSlugBytes } from './compact-link.ts';
import { DEFAULT_LINK_CACHE_MAX_MB } from '../config/web.ts';
import type { Link, LinkSource } from './link.ts';
import { createLookupBatcher } from './lookup-batcher.ts';

export interface LinkCacheOptions {
  /** Memory the cached links may take, in MB (estimated per entry); default DEFAULT_LINK_CACHE_MAX_MB. */
  maxMb?: number;
  /** A bound on the number of links too, when set. */
  maxEntries?: number;
  /** Backstop only: change notifications normally evict an entry within milliseconds. */
  ttlMs?: number;
  /** How long "no such slug" is remembered, so a flood of random slugs costs one query each. */
  negativeTtlMs?: number;
  /** A click never waits longer than this for the database. */
  lookupTimeoutMs?: number;
  /** Misses within this many ms share one query; 0: the misses of one event-loop turn. */
  batchWindowMs?: number;
  /** Told the number of slugs in each query sent, for metrics. */
  onQuery?: (slugs: number) => void;
  /** Lookups in flight at most; past it a miss fails at once instead of piling up on a sick database. */
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
  /** Estimated memory of the cached entries, in bytes. */
  readonly bytes: number;
}

export class LinkLookupError extends Error {
  override name = 'LinkLookupError';
}

const MISSING = Symbol('missing');

/**
 * V8 keeps a substring as a view on the string it was cut from, so a slug taken from a
 * request keeps the whole URL alive as long as it is held. A round trip through JSON makes
 * a string of its own, exact for any text (lone surrogates included). V8 copies substrings
 * shorter than 13 characters anyway (SlicedString::kMinLength), so short slugs, the usual
 * ones (8 generated characters), skip the round trip: it cost about 1 µs per miss.
 */
function ownCopy(text: string): string {
  return text.length < 13 ? text : (JSON.parse(JSON.stringify(text)) as string);
}
type Entry = Link | typeof MISSING;

export function createLinkCache(
  source: LinkSource,
  options: LinkCacheOptions = {},
  onLookup: (outcome: LookupOutcome) => void = () => {},
): LinkCache {
  const negativeTtlMs = options.negativeTtlMs ?? 5_000;
  const lookupTimeoutMs = options.lookupTimeoutMs ?? 1_000;
  // Batched, so this many slugs are a few dozen queries; the bound is for outages, when
  // every click of a never-cached slug would otherwise add one more waiting lookup.
  const maxInFlight = options.maxQueriesInFlight ?? 10_000;
  // A query that never settles (a driver waiting on a dead connection) would hold its slug
  // "in flight" for ever; giving up on it after a while lets a later click try again.
  const queryTimeoutMs = Math.max(lookupTimeoutMs * 5, 5_000);
  const lookup = createLookupBatcher(source, {
    windowMs: options.batchWindowMs ?? 0,
    giveUpMs: queryTimeoutMs,
    giveUpError: (ms) => new LinkLookupError(`link query took over ${ms} ms`),
    ...(options.onQuery ? { onBatch: options.onQuery } : {}),
  });
  const compact = createLinkCompactor();
  const cache = new LRUCache<string, Entry>({
    // Bounded by memory: each entry's size is the memory it added (compact-link.ts).
    maxSize: Math.floor((options.maxMb ?? DEFAULT_LINK_CACHE_MAX_MB) * 1024 * 1024),
    ...(options.maxEntries ? { max: options.maxEntries } : {}),
    ttl: options.ttlMs ?? 60_000,
    // A stale entry stays until it is refreshed, so a database outage serves the last
    // known target instead of failing the click.
    noDeleteOnStaleGet: true,
  });
  // The answer on its way for each slug being looked up: concurrent misses of one slug
  // share it, of different slugs a query (the batcher). Kept here rather than in
  // lru-cache's fetch(), which costs an AbortController and more per miss.
  const inFlight = new Map<string, Promise<Entry | undefined>>();

  /** The slug's answer, cached when it comes; undefined when an invalidation raced it. */
  function refresh(slug: string): Promise<Entry | undefined> {
    const known = inFlight.get(slug);
    if (known) return known;
    const answer: Promise<Entry | undefined> = lookup(slug).then(
      (link) => {
        // Invalidated while the query was out: its answer may be the old row.
        if (inFlight.get(slug) !== answer) return undefined;
        inFlight.delete(slug);
        if (!link) {
          cache.set(slug, MISSING, { ttl: negativeTtlMs, size: unknownSlugBytes(slug) });
          return MISSING;
        }
        const entry = compact(link, slug);
        cache.set(slug, entry.link, { size: entry.bytes });
        return entry.link;
      },
      (err: unknown) => {
        if (inFlight.get(slug) === answer) inFlight.delete(slug);
        throw err;
      },
    );
    inFlight.set(slug, answer);
    return answer;
  }

  const unwrap = (entry: Entry): Link | null => (entry === MISSING ? null : entry);

  async function load(slug: string): Promise<Entry | undefined> {
    if (inFlight.size >= maxInFlight && !inFlight.has(slug)) throw new LinkLookupError(`${inFlight.size} link lookups already waiting on the database`);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new LinkLookupError(`link lookup timed out after ${lookupTimeoutMs} ms`)), lookupTimeoutMs);
    });
    try {
      // The race subscribes to the answer, so its late failure is handled, not unhandled.
      return await Promise.race([refresh(slug), timeout]);
    } catch (err) {
      const stale = cache.get(slug, { allowStale: true });
      // Only a link is served stale: an expired "unknown" is asked again, so a link created
      // while its slug was remembered as unknown is found at once.
      if (stale !== undefined && stale !== MISSING) {
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
      // Only a link is served stale: an expired "unknown" is asked again, so a link created
      // while its slug was remembered as unknown is found at once.
      if (stale !== undefined && stale !== MISSING) {
        // Serve the last known link at once and refresh it behind the click: with the
        // database down, waiting for the refresh would cost every click the full timeout.
        onLookup('stale');
        if (inFlight.size < maxInFlight) refresh(slug).catch(() => {});
        return unwrap(stale);
      }
      onLookup('miss');
      // The key is kept as long as the entry: a fresh copy, not a slice of the request URL.
      slug = ownCopy(slug);
      // undefined means an invalidation raced the query and discarded its (old) result.
      const entry = (await load(slug)) ?? (await load(slug));
      if (entry === undefined) throw new LinkLookupError('link lookup kept being invalidated');
      return unwrap(entry);
    },
    invalidate(slug) {
      cache.delete(slug);
      inFlight.delete(slug);
    },
    clear() {
      cache.clear();
      inFlight.clear();
    },
    get size() {
      return cache.size;
    },
    get bytes() {
      return cache.calculatedSize;
    },
  };
}
