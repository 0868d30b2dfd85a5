import { randomUUIDv7 } from 'node:crypto';
import type { Hono } from 'hono';
import { createLinkCache } from '../links/link-cache.ts';
import { createCacheWarmer } from '../links/link-cache-warm-up.ts';
import { startLinkDeltaSync } from '../links/link-delta-sync.ts';
import { listenForLinkChanges } from '../links/link-change-listener.ts';
import { createLinkRepository } from '../links/link-repository.ts';
import { createLinkStore } from '../links/link-store.ts';
import { createClickQueue } from '../queue/click-queue.ts';
import { createPostgresSpool } from '../queue/click-spool.ts';
import type { Logger } from '../shared/logger.ts';
import { createDbSessionStore } from './admin/session-store.ts';
import { type AppDeps, createApp } from './app.ts';
import { type ClickFastPath, createClickFastPath } from './routes/click-fast-path.ts';
import type { WebConfig } from '../config/web.ts';
import { CLICK_COUNT_TIMEOUT_MS, createLinkRulesParts } from './click/link-rules-parts.ts';
import { openWebParts, type WebParts } from './embedded.ts';
import { createWebMetrics } from './metrics.ts';
import { createPlatformDetector } from './platform/detect-platform.ts';
import { createIngestParts } from './ingest/ingest-parts.ts';

export interface WebRuntime {
  app: Hono;
  /** The common click on Node's own request; the server tries it before `app`. */
  clickFastPath: ClickFastPath;
  parts: WebParts;
  /** Resolves when link change notifications are flowing. */
  listening: Promise<void>;
  /** Fills the link cache from Postgres; called once the port is bound (never delays it). */
  warmUp(): Promise<void>;
  /** Stops listening for link changes, flushes buffered clicks, closes connections. */
  close(): Promise<void>;
}

/** Wires the parts (production services or embedded stand-ins) into the app. */
export async function startWebRuntime(config: WebConfig, logger: Logger): Promise<WebRuntime> {
  const parts = await openWebParts(config, logger);
  const { database, stores } = parts;
  const metrics = createWebMetrics();
  const repository = createLinkRepository(database.db);
  const links = createLinkCache(
    repository,
    {
      maxMb: config.LINK_CACHE_MAX_MB,
      ...(config.LINK_CACHE_MAX_ENTRIES ? { maxEntries: config.LINK_CACHE_MAX_ENTRIES } : {}),
      negativeTtlMs: config.LINK_CACHE_NEGATIVE_TTL_MS,
      lookupTimeoutMs: config.LINK_LOOKUP_TIMEOUT_MS,
      onQuery: metrics.onLinkQuery,
    },
    metrics.onLinkLookup,
  );
  const warm = config.LINK_CACHE_WARM === '1';
  const warmer = createCacheWarmer(repository, links, logger);
  const warmAgain = () => warm && void warmer.start();
  // Started before the warm-up, so a change made while a page is read is seen by one or the
  // other. A bulk change clears the cache; once it has passed, the cache warms again.
  const sync = startLinkDeltaSync(repository, links, logger, { intervalMs: config.LINK_CACHE_SYNC_MS, onSettled: warmAgain });
  // A reconnected listener may have missed notifications: it clears the cache, which warms again.
  const listener = listenForLinkChanges(database.notifications, links, logger, { onCleared: warmAgain });
  metrics.observeLinkCache(() => ({ links: links.size, bytes: links.bytes, warm: warmer.state === 'warm', warmSeconds: (warmer.last?.ms ?? 0) / 1000 }));
  const queue = createClickQueue(
    stores,
    logger,
    {
      pushTimeoutMs: config.CLICK_PUSH_TIMEOUT_MS,
      bufferMaxLines: config.CLICK_BUFFER_MAX_LINES,
      spool: createPostgresSpool(database.db, config.REDIS_QUEUE_KEY),
      spillAfterMs: config.CLICK_SPILL_AFTER_MS,
    },
    metrics.queueObserver,
  );
  const linkRules = createLinkRulesParts(
    {
      redisUrl: config.redisUrls[0],
      counterKeyPrefix: `${config.REDIS_QUEUE_KEY}:link_clicks:`,
      counterTimeoutMs: CLICK_COUNT_TIMEOUT_MS,
      geoIpPath: config.GEOIP_DB,
      apiKey: parts.apiKey,
    },
    logger,
  );
  const ingest = createIngestParts(
    database.db,
    {
      redisUrl: config.redisUrls[0],
      dedupeKeyPrefix: `${config.REDIS_QUEUE_KEY}:event_ids:`,
      dedupeWindowSeconds: config.INGEST_DEDUPE_WINDOW_S,
      keyEventsPerSecond: config.INGEST_KEY_EVENTS_PER_S,
    },
    logger,
  );
  const appDeps: AppDeps = {
    links,
    queue,
    detectPlatform: createPlatformDetector(),
    metrics,
    logger,
    trustProxy: config.TRUST_PROXY,
    linkStore: createLinkStore(database.db),
    statsDb: database.db,
    apiKey: parts.apiKey,
    adminSessionStore: createDbSessionStore(database.db),
    metricsToken: config.METRICS_TOKEN,
    publicUrl: config.PUBLIC_URL,
    ipPrivacy: config.IP_PRIVACY,
    appStoreProviderToken: config.APP_STORE_PROVIDER_TOKEN,
    notFoundUrl: config.NOT_FOUND_URL,
    errorPageUrl: config.ERROR_PAGE_URL,
    newClickId: randomUUIDv7,
    linkRules: linkRules.deps,
    ingest,
    nowMs: Date.now,
    readiness: [
      { anyOf: [{ name: 'postgres', check: () => database.ping() }] },
      { anyOf: stores.map((store) => ({ name: store.name, check: () => store.ping() })) },
    ],
  };
  const app = createApp(appDeps);

  return {
    app,
    clickFastPath: createClickFastPath(appDeps),
    parts,
    listening: listener.ready,
    async warmUp() {
      if (!warm) return;
      await sync.ready;
      await warmer.start();
    },
    async close() {
      warmer.stop();
      sync.stop();
      await listener.stop();
      const unsent = await queue.drain(config.SHUTDOWN_TIMEOUT_MS);
      if (unsent > 0) logger.error({ unsent }, 'shutting down with clicks neither a store nor the spool would take; they are lost');
      await queue.close();
      await linkRules.close();
      await ingest.close();
      await parts.close();
      await database.close();
    },
  };
}
