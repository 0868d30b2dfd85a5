import type { LinkCache } from '../../links/link-cache.ts';
import { SLUG_PATTERN, type Link } from '../../links/link.ts';
import type { ClickQueue } from '../../queue/click-queue.ts';
import { encodeLineWithParams } from '../../shared/click-line.ts';
import type { Logger } from '../../shared/logger.ts';
import type { AdIds } from '../click/ad-ids.ts';
import { attribution, type Attribution } from '../click/attribution.ts';
import type { VisitorAddress } from '../visitor/visitor-address.ts';
import type { IpPrivacy } from '../visitor/privacy.ts';
import type { WebMetrics } from '../metrics.ts';
import type { Platform } from '../platform/detect-platform.ts';

/** What every tracking route (click, impression) is built from. */
export interface EventRouteDeps {
  links: LinkCache;
  queue: ClickQueue;
  detectPlatform: (userAgent: string, clientHintPlatform?: string | null) => Platform;
  logger: Logger;
  trustProxy: number;
  /** `IP_PRIVACY`; Sec-GPC and DNT are honoured either way. */
  ipPrivacy?: IpPrivacy | undefined;
  nowMs: () => number;
}

/**
 * The link when the cache can answer at once (a malformed slug is a known unknown, so it
 * never reaches the database), or undefined: then the caller awaits `links.get(slug)`.
 * Most clicks are cache hits and are answered without a turn of the event loop.
 */
export function cachedLink(links: LinkCache, slug: string): Link | null | undefined {
  return SLUG_PATTERN.test(slug) ? links.cached(slug) : null;
}

/** Counts the ids the visitor sent that the event goes on without. */
export function reportRejectedIds(ids: AdIds, metrics: Pick<WebMetrics, 'invalidAdId'>): void {
  for (const { field, reason } of ids.rejected) metrics.invalidAdId(field, reason);
}

/** What a route learnt about the visit before it answers. */
export interface Visit {
  link: Link;
  platform: Platform;
  userAgent: string;
  query: Record<string, string>;
  ids: AdIds;
}

export interface EventKind {
  topic: string;
  type: string;
  /** The event's params field, encoded, given the attribution fields of this visit. */
  params: (attribution: Attribution) => string;
}

/**
 * The queued line of a click or an impression: counts the ids it goes on without, takes the
 * visitor's address as placed by visitor-address.ts (truncated when they asked for privacy,
 * so the full address never leaves the process), stamps the time and adds the attribution
 * fields.
 */
export function eventLine(
  address: VisitorAddress,
  deps: Pick<EventRouteDeps, 'nowMs'> & { metrics: Pick<WebMetrics, 'invalidAdId'> },
  visit: Visit,
  event: EventKind,
): string {
  const { link, platform, query, ids } = visit;
  reportRejectedIds(ids, deps.metrics);
  const { ip, privacy } = address;
  const ts = Math.floor(deps.nowMs() / 1000);
  const params = event.params(attribution({ ids, query, ip, platform, tsSeconds: ts, link, privacy }));
  return encodeLineWithParams({ ip, ts, topic: event.topic, type: event.type, userAgent: visit.userAgent }, params);
}
