import type { Logger } from '../shared/logger.ts';
import type { LinkCache } from './link-cache.ts';
import type { LinkPager } from './link.ts';

export interface DeltaSyncOptions {
  /** How often the database is asked for links changed since the last time. */
  intervalMs: number;
  /** Changes this much older than the last check are read again (a transaction's updated_at is its start). */
  overlapMs?: number;
  /** More changes than this in one check are a bulk change: the cache is cleared instead. */
  maxChanges?: number;
  /** A bulk change cleared the cache and the checks since have seen no more of it: warm it again. */
  onSettled?: () => void;
}

export interface LinkDeltaSync {
  /** Resolves once the database's clock was read: changes from then on will be seen. */
  readonly ready: Promise<void>;
  /** One check now (tests; the timer calls it too). */
  check(): Promise<void>;
  stop(): void;
}

/**
 * The backstop of the change notifications: cached links never expire, so a notification
 * lost (a listener's gap, a proxy dropping LISTEN) would otherwise leave a link stale for
 * good. Every `intervalMs` the slugs changed since the last check (`updated_at`, which a
 * trigger sets on every update, soft deletes included) are evicted. A hard DELETE leaves
 * no row to find: only its notification, or the clear on a listener reconnect, catch it.
 *
 * A bulk change (an import, one UPDATE over every link) can touch a million rows: reading
 * them all, and remembering each so the overlap does not evict it twice, once took a web
 * process past its heap limit. So a check reads at most `maxChanges` rows; past that it
 * clears the cache (most of it is stale then anyway), as long as the overlap still shows
 * the bulk change, and says when a check no longer does (`onSettled`), so the cache is
 * warmed once, not once per check.
 */
export function startLinkDeltaSync(pager: LinkPager, cache: LinkCache, logger: Logger, options: DeltaSyncOptions): LinkDeltaSync {
  const overlapMs = options.overlapMs ?? 30_000;
  const maxChanges = options.maxChanges ?? 10_000;
  let bulk = false;
  let since: string | null = null;
  // Changes already acted on, as the last check saw them: the overlap reads them again.
  let seen = new Map<string, string>();
  let running: Promise<void> | undefined;
  let failures = 0;
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));

  async function once(): Promise<void> {
    try {
      const { changes, now } = await pager.changedSince(since, overlapMs, maxChanges);
      if (changes.length > maxChanges) {
        if (!bulk) logger.warn({ changes: `more than ${maxChanges}` }, 'bulk change of links: link cache cleared');
        bulk = true;
        cache.clear();
        seen = new Map();
      } else {
        const next = new Map<string, string>();
        for (const { slug, updatedAt } of changes) {
          if (seen.get(slug) !== updatedAt) cache.invalidate(slug);
          next.set(slug, updatedAt);
        }
        seen = next;
        if (bulk) {
          bulk = false;
          options.onSettled?.();
        }
      }
      since = now;
      failures = 0;
      markReady();
    } catch (err) {
      // Postgres is away: cached links are served as they are until it is back.
      if (failures++ === 0) logger.warn({ err }, 'cannot check links for changes; retrying');
    }
  }

  const check = () => (running ??= once().finally(() => (running = undefined)));
  const timer = setInterval(() => void check(), options.intervalMs);
  timer.unref();
  void check();

  return {
    ready,
    check,
    stop() {
      clearInterval(timer);
    },
  };
}
