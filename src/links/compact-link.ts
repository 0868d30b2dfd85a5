import type { Link, LinkTargets } from './link.ts';

/** A link as the cache keeps it, with the memory it added (estimated, 64-bit V8). */
export interface CompactLink {
  link: Link;
  bytes: number;
}

// Estimates for 64-bit V8 without pointer compression (Node's default), checked against the
// heap by `npm run bench -- cache`: a cache slot (LRU lists, Map entry) plus the link object
// of 13 fields; a string is a 16-byte header plus its characters, rounded up to 8 bytes.
export const CACHE_SLOT_BYTES = 140;
const LINK_OBJECT_BYTES = 24 + 13 * 8;
const stringBytes = (text: string) => 16 + Math.ceil(text.length / 8) * 8;

/**
 * Turns a link as the database returned it into the smallest form the click path can use:
 * one object of fixed shape (the driver's row objects keep their fields out of line), the
 * cache key's string as its slug, and the strings many links repeat (campaign, network,
 * tokens, whole target sets: per-publisher links of one campaign share them) held once.
 *
 * `maxShared` bounds the tables of shared values; when one fills up it starts over, so a
 * million distinct campaigns cost bounded tables (a few MB at most, not counted per link),
 * and values already shared stay shared.
 */
export function createLinkCompactor(maxShared = 20_000): (link: Link, slug: string) => CompactLink {
  let strings = new Map<string, string>();
  let targetSets = new Map<string, LinkTargets>();
  // Memory newly taken by the link being compacted: what it shares with others is paid once.
  let added = 0;

  const shared = (value: string | null): string | null => {
    if (value === null) return null;
    const known = strings.get(value);
    if (known !== undefined) return known;
    if (strings.size >= maxShared) strings = new Map();
    strings.set(value, value);
    added += stringBytes(value);
    return value;
  };

  const sharedTargets = (targets: LinkTargets): LinkTargets => {
    // A newline cannot occur in a target URL (the schema refuses whitespace), so the key is unambiguous.
    const key = `${targets.ios ?? ''}\n${targets.android ?? ''}\n${targets.default ?? ''}`;
    const known = targetSets.get(key);
    if (known !== undefined) return known;
    if (targetSets.size >= maxShared) targetSets = new Map();
    const compact: LinkTargets = {};
    for (const platform of ['ios', 'android', 'default'] as const) {
      const url = targets[platform];
      if (url) compact[platform] = shared(url)!;
    }
    // Frozen: one object serves many links, so no caller may change it.
    Object.freeze(compact);
    targetSets.set(key, compact);
    added += 24 + 3 * 8;
    return compact;
  };

  return (link, slug) => {
    added = CACHE_SLOT_BYTES + LINK_OBJECT_BYTES + stringBytes(slug);
    const compact: Link = {
      id: link.id,
      slug,
      campaign: shared(link.campaign),
      adgroup: shared(link.adgroup),
      ad: shared(link.ad),
      network: shared(link.network),
      targets: sharedTargets(link.targets),
      attributionWindowIdfa: link.attributionWindowIdfa,
      attributionWindowFingerprint: link.attributionWindowFingerprint,
      storeParams: link.storeParams,
      appStoreCampaignToken: shared(link.appStoreCampaignToken),
      appStoreProviderToken: shared(link.appStoreProviderToken),
      forwardQuery: link.forwardQuery,
      // The rules feature's fields; rules are rare and kept as they are, counted at twice
      // their JSON length (UTF-16) plus object overhead.
      startsAt: link.startsAt,
      expiresAt: link.expiresAt,
      expiredUrl: shared(link.expiredUrl),
      maxClicks: link.maxClicks,
      rules: link.rules,
    };
    if (link.rules) added += 2 * JSON.stringify(link.rules).length + 64 * link.rules.length;
    if (link.startsAt || link.expiresAt) added += 2 * 48;
    return { link: compact, bytes: added };
  };
}

/** What remembering an unknown slug costs: a cache slot and the key. */
export function unknownSlugBytes(slug: string): number {
  return CACHE_SLOT_BYTES + stringBytes(slug);
}
