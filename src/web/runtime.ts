import { randomUUIDv7 } from 'node:crypto';
import type { Hono } from 'hono';
import { createLinkCache } from '../links/link-cache.ts';
import { listenForLinkChanges } from '../links/link-change-listener.ts';
import { createLinkRepository } from '../links/link-repository.ts';
import { createLinkStore } from '../links/link-store.ts';
import { createClickQueue } from '../queue/click-queue.ts';
import { createPostgresSpool } from '../queue/click-spool.ts';
import type { Logger } from '../shared/logger.ts';
import { createDbSessionStore } from './admin/session-store.ts';
import { createApp } from './app.ts';
import type { WebConfig } from '../config/web.ts';
import { CLICK_COUNT_TIMEOUT_MS, createLinkRulesParts } from './click/link-rules-parts.ts';
import { openWebParts, type WebParts } from './embedded.ts';
import { createWebMetrics } from './metrics.ts';
import { createPlatformDetector } from './platform/detect-platform.ts';
import { createIngestParts } from './ingest/ingest-parts.ts';

export interface WebRuntime {
  app: Hono;
  parts: WebParts;
  /** Resolves when link change notifications are flowing. */
  listening: Promise<void>;
  /** Stops listening for link changes, flushes buffered clicks, closes connections. */
  close(): Promise<void>;
}

/** Wires the parts (production services or embedded stand-ins) into the app. */
export async function startWebRuntime(config: WebConfig, logger: Logger): Promise<WebRuntime> {
  const parts = await openWebParts(config, logger);
  const { database, stores } = parts;
  const metrics = createWebMetrics();
  const links = createLinkCache(
    createLinkRepository(database.db),
    {
      maxMb: config.LINK_CACHE_MAX_MB,
      ...(config.LINK_CACHE_MAX_ENTRIES ? { maxEntries: config.LINK_CACHE_MAX_ENTRIES } : {}),
      ttlMs: config.LINK_CACHE_TTL_MS,
      negativeTtlMs: config.LINK_CACHE_NEGATIVE_TTL_MS,
      lookupTimeoutMs: config.LINK_LOOKUP_TIMEOUT_MS,
      onQuery: metrics.onLinkQuery,
    },
    metrics.onLinkLookup,
  );
  const listener = listenForLinkChanges(database.notifications, links, logger);
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
  const app = createApp({
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
  });

  return {
    app,
    parts,
    listening: listener.ready,
    async close() {
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
