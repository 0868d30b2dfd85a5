import type { Link, LinkSource } from './link.ts';

export interface LookupBatcherOptions {
  /** Wait this long for more misses before querying; 0: until the current event-loop turn's I/O is handled. */
  windowMs?: number;
  /** Most slugs in one query; more waiting misses are split over several queries sent at once. */
  maxBatch?: number;
  /** Told the size of every query sent, for metrics. */
  onBatch?: (slugs: number) => void;
  /**
   * A query still unanswered after this many ms fails its lookups (a driver waiting on a
   * dead connection may never settle it); one timer per query, not one per slug.
   */
  giveUpMs?: number;
  /** The error a given-up query fails its lookups with. */
  giveUpError?: (ms: number) => Error;
}

interface Waiter {
  resolve(link: Link | null): void;
  reject(err: unknown): void;
}

/**
 * Looks up single slugs, but asks the source once for all the slugs asked for together.
 * Under load many clicks for different uncached links arrive in one event-loop turn; one
 * `= any(...)` query for all of them costs Postgres and the connection pool far less than
 * one query each. A slug asked for twice in one batch is queried once.
 */
export function createLookupBatcher(source: LinkSource, options: LookupBatcherOptions = {}): (slug: string) => Promise<Link | null> {
  const windowMs = options.windowMs ?? 0;
  const maxBatch = options.maxBatch ?? 500;
  const onBatch = options.onBatch ?? (() => {});
  const giveUpMs = options.giveUpMs ?? 0;
  const giveUpError = options.giveUpError ?? ((ms: number) => new Error(`link query took over ${ms} ms`));
  let pending = new Map<string, Waiter[]>();
  let scheduled = false;

  async function query(slugs: string[], waiters: Map<string, Waiter[]>): Promise<void> {
    onBatch(slugs.length);
    // Settled once: by the answer, the failure or the timer, whichever comes first.
    let settled = false;
    const timer =
      giveUpMs > 0
        ? setTimeout(() => {
            settled = true;
            const err = giveUpError(giveUpMs);
            for (const slug of slugs) for (const w of waiters.get(slug)!) w.reject(err);
          }, giveUpMs)
        : undefined;
    try {
      const rows = await source.findBySlugs(slugs);
      if (settled) return;
      const found = new Map<string, Link>();
      for (const link of rows) found.set(link.slug, link);
      for (const slug of slugs) for (const w of waiters.get(slug)!) w.resolve(found.get(slug) ?? null);
    } catch (err) {
      if (!settled) for (const slug of slugs) for (const w of waiters.get(slug)!) w.reject(err);
    } finally {
      settled = true;
      clearTimeout(timer);
    }
  }

  function flush(): void {
    scheduled = false;
    const waiters = pending;
    pending = new Map();
    const slugs = [...waiters.keys()];
    for (let i = 0; i < slugs.length; i += maxBatch) void query(slugs.slice(i, i + maxBatch), waiters);
  }

  return (slug) =>
    new Promise<Link | null>((resolve, reject) => {
      const waiting = pending.get(slug);
      if (waiting) waiting.push({ resolve, reject });
      else pending.set(slug, [{ resolve, reject }]);
      if (scheduled) return;
      scheduled = true;
      // setImmediate runs after the poll phase, so every request read in this turn is in.
      if (windowMs > 0) setTimeout(flush, windowMs);
      else setImmediate(flush);
    });
}
