import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { Redis } from 'ioredis';
import { createDb, createSql, type Sql } from '../../src/db/client.ts';
import { campaignLinks, type NewCampaignLinkRow } from '../../src/db/schema.ts';
import type { Link } from '../../src/links/link.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { encodeLine } from '../../src/shared/click-line.ts';

export const silentLogger = createLogger('silent', 'test');

export const IPHONE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
export const ANDROID_UA =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.71 Mobile Safari/537.36';
export const DESKTOP_UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';

export const TARGETS = {
  ios: 'https://apps.apple.com/app/id284882215',
  android: 'https://play.google.com/store/apps/details?id=com.facebook.katana',
  default: 'https://example.com/landing',
};

export function testDatabaseUrl(): string {
  return inject('databaseUrl');
}

export function testRedisUrl(): string {
  return inject('redisUrl');
}

/** A Redis key no other test (or run) uses; the global teardown deletes the run's prefix. */
export function uniqueKey(name = 'click_queue'): string {
  return `${inject('redisPrefix')}${randomUUID()}:${name}`;
}

export function uniqueSlug(prefix = 't'): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export function testSql(): Sql {
  return createSql(testDatabaseUrl(), { max: 2 });
}

export function testRedis(): Redis {
  return new Redis(testRedisUrl());
}

export async function insertLink(sql: Sql, link: Partial<NewCampaignLinkRow> = {}) {
  const [row] = await createDb(sql)
    .insert(campaignLinks)
    .values({ slug: uniqueSlug(), campaign: 'spring', adgroup: 'ag1', ad: 'ad1', network: 'meta', targets: TARGETS, ...link })
    .returning();
  if (!row) throw new Error('insert returned nothing');
  return row;
}

export function linkFixture(overrides: Partial<Link> = {}): Link {
  return {
    id: 1,
    slug: 'summer',
    campaign: 'summer',
    adgroup: 'ag',
    ad: 'ad',
    network: 'meta',
    targets: TARGETS,
    attributionWindowIdfa: 10080,
    attributionWindowFingerprint: 1440,
    storeParams: true,
    appStoreCampaignToken: null,
    appStoreProviderToken: null,
    forwardQuery: false,
    startsAt: null,
    expiresAt: null,
    expiredUrl: null,
    maxClicks: null,
    rules: null,
    ...overrides,
  };
}

/** A valid queued click line with a click id of the caller's choosing. */
export function clickLine(clickId: string, ip = '8.8.8.8', ua = IPHONE_UA): string {
  return encodeLine({
    ip,
    ts: Math.floor(Date.now() / 1000),
    topic: 'clicks',
    type: '/t/click',
    params: { click_id: clickId, link_id: '1', slug: 'load', platform: 'ios' },
    userAgent: ua,
  });
}

/** Pushes lines in chunks (LPUSH has no practical limit, but one huge command stalls Redis). */
export async function pushLines(redis: Redis, key: string, lines: string[]): Promise<void> {
  for (let i = 0; i < lines.length; i += 1000) await redis.lpush(key, ...lines.slice(i, i + 1000));
}
