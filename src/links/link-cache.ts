import { LRUCache } from 'lru-cache';
import { DEFAULT_LINK_CACHE_MAX_MB } from '../config/web.ts';
import { CompactLinkStore } from './compact-link-store.ts';
import type { Link, LinkSource } from './link.ts';
import { createLookupBatcher } from './lookup-batcher.ts';

export interface LinkCacheOptions {
  /** Memory the cached links may take, in MB (estimated); default DEFAULT_LINK_CACHE_MAX_MB. */
  maxMb?: number;
  /** A bound on the number of links (and of remembered unknown slugs) too, when set. */
  maxEntries?: number;
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

export type LookupOutcome = 'hit' | 'miss';

/** A bulk load's way in (warm-up): see LinkCache.bulk. */
export interface BulkLoad {
  /** Caches the link; false when the cache is full or was cleared since, so the load should stop. */
  add(link: Link): boolean;
  end(): void;
}

export interface LinkCache {
  /**
   * The cached answer without waiting: a link, null (known unknown), or undefined (ask `get`).
   * `count` false: not counted as a lookup (the caller counts it if it uses the answer).
   */
  cached(slug: string, count?: boolean): Link | null | undefined;
  /** The link, or null when the slug is unknown. Throws when the database cannot answer in time. */
  get(slug: string): Promise<Link | null>;
  invalidate(slug: string): void;
  clear(): void;
  /**
   * Starts a bulk load of rows read from the database from now on. A slug invalidated
   * after this call is skipped by `add`: its row may have been read before the change.
   * Bulk loads never evict: they stop when the budget is spent.
   */
  bulk(): BulkLoad;
  /** Links and remembered unknown slugs. */
  readonly size: number;
  /** Estimated memory of the cached entries, in bytes. */
  readonly bytes: number;
  /** True when one more link would evict another. */
  readonly full: boolean;
}

export class LinkLookupError extends Error {
  override name = 'LinkLookupError';
}

const MISSING = Symbol('missing');
type Entry = Link | typeof MISSING;

/** What remembering an unknown slug costs: an lru-cache slot and the key. */
const UNKNOWN_SLUG_BYTES = 160;
/** Unknown slugs may take this share of the budget (and at most MAX_UNKNOWN of them); links the rest. */
const UNKNOWN_SHARE = 1 / 16;
const MAX_UNKNOWN = 50_000;

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

/**
 * Links by slug, in memory, with no expiry: change notifications evict a changed slug
 * within milliseconds, a periodic check of `updated_at` (link-delta-sync.ts) catches what
 * a notification missed, and a listener reconnect clears the cache. So a Postgres outage
 * serves every cached link as it last was.
 */
export function createLinkCache(source: LinkSource, options: LinkCacheOptions = {}, onLookup: (outcome: LookupOutcome) => void = () => {}): LinkCache {
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
  const budget = Math.floor((options.maxMb ?? DEFAULT_LINK_CACHE_MAX_MB) * 1024 * 1024);
  const links = new CompactLinkStore(Math.floor(budget * (1 - UNKNOWN_SHARE)), options.maxEntries);
  // lru-cache allocates its arrays for `max` entries up front: a bound, not only a budget.
  const unknown = new LRUCache<string, true>({
    max: Math.max(1, Math.min(options.maxEntries ?? MAX_UNKNOWN, MAX_UNKNOWN, Math.floor((budget * UNKNOWN_SHARE) / UNKNOWN_SLUG_BYTES))),
    ttl: negativeTtlMs,
  });
  // The answer on its way for each slug being looked up: concurrent misses of one slug
  // share it, of different slugs a query (the batcher).
  const inFlight = new Map<string, Promise<Entry | undefined>>();
  // While bulk loads run: the slugs invalidated, with the count of invalidations then.
  let bulks = 0;
  let invalidations = 0;
  let clears = 0;
  const invalidatedAt = new Map<string, number>();

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
          unknown.set(slug, true);
          return MISSING;
        }
        links.set(slug, link);
        // The cached form (shared profile), so this answer holds nothing of the query's row.
        return links.peek(slug) ?? link;
      },
      (err: unknown) => {
        if (inFlight.get(slug) === answer) inFlight.delete(slug);
        throw err;
      },
    );
    inFlight.set(slug, answer);
    return answer;
  }

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
      // A bulk load may have brought the link in meanwhile: better than failing the click.
      const known = links.get(slug);
      if (known) return known;
      throw err instanceof LinkLookupError ? err : new LinkLookupError('link lookup failed', { cause: err });
    } finally {
      clearTimeout(timer);
    }
  }

  function cached(slug: string, count = true): Link | null | undefined {
    const link = links.get(slug);
    if (link !== undefined) {
      if (count) onLookup('hit');
      return link;
    }
    if (unknown.size > 0 && unknown.get(slug) !== undefined) {
      if (count) onLookup('hit');
      return null;
    }
    return undefined;
  }

  return {
    cached,
    async get(slug) {
      const known = cached(slug);
      if (known !== undefined) return known;
      onLookup('miss');
      // The key is kept as long as the entry: a fresh copy, not a slice of the request URL.
      slug = ownCopy(slug);
      // undefined means an invalidation raced the query and discarded its (old) result. A new
      // link is invalidated twice (its NOTIFY, then the next delta check), and on a loaded
      // machine both can land while its first clicks are being looked up: three tries.
      const entry = (await load(slug)) ?? (await load(slug)) ?? (await load(slug));
      if (entry === undefined) throw new LinkLookupError('link lookup kept being invalidated');
      return entry === MISSING ? null : entry;
    },
    invalidate(slug) {
      links.delete(slug);
      unknown.delete(slug);
      inFlight.delete(slug);
      if (bulks > 0) invalidatedAt.set(slug, ++invalidations);
    },
    clear() {
      links.clear();
      unknown.clear();
      inFlight.clear();
      clears++;
    },
    bulk() {
      const since = invalidations;
      const clearsThen = clears;
      bulks++;
      let ended = false;
      return {
        add(link) {
          if (ended || clears !== clearsThen) return false;
          const at = invalidatedAt.get(link.slug);
          if (at !== undefined && at > since) return true;
          if (inFlight.has(link.slug)) return true;
          unknown.delete(link.slug);
          return links.set(ownCopy(link.slug), link, false);
        },
        end() {
          if (ended) return;
          ended = true;
          if (--bulks === 0) invalidatedAt.clear();
        },
      };
    },
    get size() {
      return links.size + unknown.size;
    },
    get bytes() {
      return links.bytes + unknown.size * UNKNOWN_SLUG_BYTES;
    },
    get full() {
      return links.full;
    },
  };
}
