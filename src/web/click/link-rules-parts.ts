import { createHash } from 'node:crypto';
import { createClickLimiter, createMemoryClickCounter, createRedisClickCounter } from '../../links/rules/click-limit.ts';
import { createDeviceTypeDetector } from '../../links/rules/device-type.ts';
import { createVisitorHash } from '../../links/rules/variants.ts';
import { createRedis } from '../../queue/redis-connection.ts';
import type { Logger } from '../../shared/logger.ts';
import { createCountryLookup } from './country-lookup.ts';
import type { LinkRulesDeps } from './link-rules.ts';

/**
 * How long a click on a limited link waits for Redis to count it. A count that comes later
 * still lands in Redis, but its click was let through: each such click is one click of
 * overshoot. Long enough that a loaded but healthy Redis never hits it; a Redis that is
 * down fails at once (no offline queue), so this bounds only a stalled one.
 */
export const CLICK_COUNT_TIMEOUT_MS = 250;

export interface LinkRulesParts {
  deps: Omit<LinkRulesDeps, 'trustProxy' | 'nowMs'>;
  close(): Promise<void>;
}

export interface LinkRulesSettings {
  /** The shared click counter lives on the first Redis; none: counted in this process. */
  redisUrl: string | undefined;
  /** Keys `<prefix><link id>`; the queue key's own namespace, so tests never share counters. */
  counterKeyPrefix: string;
  counterTimeoutMs: number;
  geoIpPath: string | undefined;
  /** Every web process of a deployment shares it, so a visitor's variant is the same on all. */
  apiKey: string | undefined;
}

/**
 * The variant key is derived from the API key: a secret every web process already shares,
 * so no new setting is needed. Rotating the API key reshuffles split-test assignments.
 */
export function variantKey(apiKey: string | undefined): Buffer {
  return createHash('sha256').update(`clicktrack split-test variants\n${apiKey ?? ''}`).digest();
}

export function createLinkRulesParts(settings: LinkRulesSettings, logger: Logger): LinkRulesParts {
  // No offline queue: while Redis is away a count fails at once and the click goes through.
  const redis = settings.redisUrl ? createRedis(settings.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 0, lazyConnect: false }) : undefined;
  redis?.on('error', () => {}); // reconnects by itself; the queue's own client logs outages
  const counter = redis ? createRedisClickCounter(redis, settings.counterKeyPrefix, settings.counterTimeoutMs) : createMemoryClickCounter();
  let unknownLogged = false;
  const clickLimiter = createClickLimiter(counter, () => {
    if (unknownLogged) return;
    unknownLogged = true;
    logger.warn('click limit: Redis did not answer; limited links keep redirecting uncounted while it is away (logged once)');
  });
  return {
    deps: {
      visitorHash: createVisitorHash(variantKey(settings.apiKey)),
      countries: createCountryLookup(settings.geoIpPath, (err) => logger.error({ err }, 'GeoIP database for country rules could not be opened; country rules will not match')),
      deviceType: createDeviceTypeDetector(),
      clickLimiter,
    },
    async close() {
      redis?.disconnect();
    },
  };
}
