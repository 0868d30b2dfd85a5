import type { NotificationSource } from '../db/database.ts';
import { LINK_CHANGES_CHANNEL } from '../db/schema.ts';
import type { Logger } from '../shared/logger.ts';
import type { LinkCache } from './link-cache.ts';

export interface LinkChangeListener {
  /** Resolves once the first LISTEN is established (tests wait on it; the app need not). */
  readonly ready: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Evicts changed slugs as Postgres announces them. Notifications sent while no listener
 * was connected are gone, so every (re)connection after the first clears the whole cache
 * and calls `onCleared` (the web process warms the cache again). Postgres being down at
 * start must not stop the web process: it keeps retrying, and the periodic change check
 * (link-delta-sync.ts) bounds staleness meanwhile.
 */
export function listenForLinkChanges(
  source: NotificationSource,
  cache: Pick<LinkCache, 'invalidate' | 'clear'>,
  logger: Logger,
  options: { retryMs?: number; onCleared?: () => void } = {},
): LinkChangeListener {
  const retryMs = options.retryMs ?? 2_000;
  let connections = 0;
  let stopped = false;
  let unlisten: (() => Promise<void>) | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));

  const onListen = () => {
    connections += 1;
    markReady();
    if (connections > 1) {
      logger.warn('link change listener reconnected; cleared the link cache');
      cache.clear();
      options.onCleared?.();
    }
  };

  const attempt = () => {
    source
      .listen(LINK_CHANGES_CHANNEL, (slug) => cache.invalidate(slug), onListen)
      .then(async (meta) => {
        unlisten = meta.unlisten;
        if (stopped) await meta.unlisten();
      })
      .catch((err: unknown) => {
        if (stopped) return;
        if (connections === 0) logger.warn({ err }, 'cannot listen for link changes yet; retrying');
        // Count the failure as a gap: whatever connects next must start from an empty cache.
        connections = Math.max(connections, 1);
        retryTimer = setTimeout(attempt, retryMs);
        retryTimer.unref();
      });
  };
  attempt();

  return {
    ready,
    async stop() {
      stopped = true;
      clearTimeout(retryTimer);
      await unlisten?.().catch(() => {});
    },
  };
}
