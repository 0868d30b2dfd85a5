import type { Logger } from '../shared/logger.ts';
import type { LinkCache } from './link-cache.ts';
import type { LinkPager, LinkPageCursor } from './link.ts';

export type WarmState = 'idle' | 'warming' | 'warm' | 'failed';

export interface WarmUpOptions {
  /** Links per query: a page's parsing and caching holds the event loop for a few ms. */
  pageSize?: number;
  /** Tried again after this long when a page query fails. */
  retryMs?: number;
  /** Page queries tried per page before the warm-up gives up (clicks fill the cache anyway). */
  attempts?: number;
}

export interface CacheWarmer {
  readonly state: WarmState;
  /** Links cached by the last finished warm-up and how long it took. */
  readonly last: { links: number; ms: number } | undefined;
  /** Starts a warm-up (stopping one under way); resolves when it ends. */
  start(): Promise<void>;
  stop(): void;
}

const yieldToIo = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Fills the link cache after start, most recently changed links first, until its budget is
 * spent or every live link is in. One page at a time, yielding between pages, so clicks are
 * served meanwhile (they go to Postgres for what is not in yet). A warm-up only adds: it
 * never evicts what clicks brought in, and a slug changed while its page was read is left
 * out (LinkCache.bulk).
 */
export function createCacheWarmer(pager: LinkPager, cache: LinkCache, logger: Logger, options: WarmUpOptions = {}): CacheWarmer {
  const pageSize = options.pageSize ?? 1_000;
  const retryMs = options.retryMs ?? 1_000;
  const attempts = options.attempts ?? 30;
  let state: WarmState = 'idle';
  let last: { links: number; ms: number } | undefined;
  let run = 0;

  async function page(cursor: LinkPageCursor | null, current: number) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await pager.pageByRecency(cursor, pageSize);
      } catch (err) {
        if (attempt >= attempts || run !== current) throw err;
        logger.warn({ err, attempt }, 'link cache warm-up: page query failed; retrying');
        await new Promise((r) => setTimeout(r, retryMs).unref());
      }
    }
  }

  /** A page on its way, with the bulk load begun before its query was sent. */
  function fetchPage(cursor: LinkPageCursor | null, current: number) {
    const bulk = cache.bulk();
    const answer = page(cursor, current);
    // Handled where it is awaited; this only keeps an abandoned page from being unhandled.
    answer.catch(() => {});
    return { bulk, answer };
  }

  async function warm(current: number): Promise<void> {
    const started = performance.now();
    let added = 0;
    state = 'warming';
    let pending: ReturnType<typeof fetchPage> | undefined = fetchPage(null, current);
    // A full cache ends a warm-up; a cleared one (a bulk change, a reconnect) cuts it short.
    let cut = false;
    try {
      while (pending) {
        const { bulk, answer } = pending;
        pending = undefined;
        try {
          const { links, next } = await answer;
          if (run !== current) return;
          // The next page is read while this one is cached: Postgres and this process overlap.
          if (next !== null && !cache.full) pending = fetchPage(next, current);
          for (const link of links) {
            if (!bulk.add(link)) {
              cut = !cache.full;
              pending?.bulk.end();
              pending = undefined;
              break;
            }
            added++;
          }
        } finally {
          bulk.end();
        }
        if (pending) await yieldToIo();
      }
      if (cut) {
        // Whoever cleared the cache starts the next warm-up; until then it is not warm.
        state = 'idle';
        logger.info({ links: added }, 'link cache warm-up cut short: the cache was cleared');
        return;
      }
      last = { links: added, ms: performance.now() - started };
      state = 'warm';
      logger.info({ links: added, cached: cache.size, mb: Math.round(cache.bytes / 2 ** 20), ms: Math.round(last.ms) }, 'link cache warm');
    } catch (err) {
      if (run !== current) return;
      state = 'failed';
      logger.warn({ err, links: added }, 'link cache warm-up gave up; links are cached as they are clicked');
    } finally {
      pending?.bulk.end();
    }
  }

  return {
    get state() {
      return state;
    },
    get last() {
      return last;
    },
    start() {
      run++;
      return warm(run);
    },
    stop() {
      run++;
      if (state === 'warming') state = 'idle';
    },
  };
}
