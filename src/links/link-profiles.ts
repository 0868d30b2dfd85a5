import type { Link, LinkTargets } from './link.ts';

/** Everything the click path reads of a link except what is its own (id, slug). */
export type LinkProfile = Readonly<Omit<Link, 'id' | 'slug'>>;

// Estimates for 64-bit V8 without pointer compression (Node's default), checked against the
// heap by `npm run bench -- cache`: the profile object of 16 fields, its targets object, a
// Map entry, and the profile's strings; a string is a 16-byte header plus its characters.
const PROFILE_OBJECT_BYTES = 24 + 16 * 8 + 24 + 3 * 8 + 112; // the last: Map entry and the tables' slots
const stringBytes = (text: string) => 16 + Math.ceil(text.length / 8) * 8;

/** A key equal for two links exactly when every profile field is equal. */
function profileKey(link: Link): string {
  return JSON.stringify([
    link.campaign,
    link.adgroup,
    link.ad,
    link.network,
    link.targets.ios ?? null,
    link.targets.android ?? null,
    link.targets.default ?? null,
    link.attributionWindowIdfa,
    link.attributionWindowFingerprint,
    link.storeParams,
    link.appStoreCampaignToken,
    link.appStoreProviderToken,
    link.forwardQuery,
    link.startsAt?.getTime() ?? null,
    link.expiresAt?.getTime() ?? null,
    link.expiredUrl,
    link.maxClicks,
    link.rules,
  ]);
}

function toProfile(link: Link): LinkProfile {
  const targets: LinkTargets = {};
  for (const platform of ['ios', 'android', 'default'] as const) {
    const url = link.targets[platform];
    if (url) targets[platform] = url;
  }
  // Frozen: one profile serves many links, so no caller may change it.
  return Object.freeze({
    campaign: link.campaign,
    adgroup: link.adgroup,
    ad: link.ad,
    network: link.network,
    targets: Object.freeze(targets),
    attributionWindowIdfa: link.attributionWindowIdfa,
    attributionWindowFingerprint: link.attributionWindowFingerprint,
    storeParams: link.storeParams,
    appStoreCampaignToken: link.appStoreCampaignToken,
    appStoreProviderToken: link.appStoreProviderToken,
    forwardQuery: link.forwardQuery,
    startsAt: link.startsAt,
    expiresAt: link.expiresAt,
    expiredUrl: link.expiredUrl,
    maxClicks: link.maxClicks,
    rules: link.rules,
  });
}

/** The key, the profile object and its own strings (the row's, not the key's). */
function profileBytes(key: string, link: Link): number {
  let bytes = PROFILE_OBJECT_BYTES + stringBytes(key);
  const { ios, android, default: web } = link.targets;
  for (const text of [link.campaign, link.adgroup, link.ad, link.network, ios, android, web, link.appStoreCampaignToken, link.appStoreProviderToken, link.expiredUrl]) {
    if (text) bytes += stringBytes(text);
  }
  // Rules are rare and kept as they came: twice their JSON length (UTF-16) plus their objects.
  if (link.rules) bytes += 2 * JSON.stringify(link.rules).length + 64 * link.rules.length;
  if (link.startsAt) bytes += 48;
  if (link.expiresAt) bytes += 48;
  return bytes;
}

/** The link the click path gets: built on a hit from the entry's id and slug and its profile. */
export function linkOf(id: number, slug: string, p: LinkProfile): Link {
  return {
    id,
    slug,
    campaign: p.campaign,
    adgroup: p.adgroup,
    ad: p.ad,
    network: p.network,
    targets: p.targets,
    attributionWindowIdfa: p.attributionWindowIdfa,
    attributionWindowFingerprint: p.attributionWindowFingerprint,
    storeParams: p.storeParams,
    appStoreCampaignToken: p.appStoreCampaignToken,
    appStoreProviderToken: p.appStoreProviderToken,
    forwardQuery: p.forwardQuery,
    startsAt: p.startsAt,
    expiresAt: p.expiresAt,
    expiredUrl: p.expiredUrl,
    maxClicks: p.maxClicks,
    rules: p.rules,
  };
}

/**
 * Interned profiles, counted by the entries that use them: per-publisher links of one
 * campaign (same targets, names, windows, tokens, rules) share one, so a link costs the
 * cache its id and slug. A profile no entry uses any more is dropped.
 */
export class LinkProfiles {
  private byKey = new Map<string, number>();
  private profiles: Array<LinkProfile | undefined> = [];
  private keys: Array<string | undefined> = [];
  private sizes: number[] = [];
  private refs: number[] = [];
  private free: number[] = [];
  private total = 0;

  get bytes(): number {
    return this.total;
  }

  get size(): number {
    return this.byKey.size;
  }

  get(ref: number): LinkProfile {
    return this.profiles[ref]!;
  }

  /** The reference of the link's profile, counted as one more user of it. */
  acquire(link: Link): number {
    const key = profileKey(link);
    const known = this.byKey.get(key);
    if (known !== undefined) {
      this.refs[known]!++;
      return known;
    }
    const ref = this.free.length > 0 ? this.free.pop()! : this.profiles.length;
    const size = profileBytes(key, link);
    this.profiles[ref] = toProfile(link);
    this.keys[ref] = key;
    this.sizes[ref] = size;
    this.refs[ref] = 1;
    this.byKey.set(key, ref);
    this.total += size;
    return ref;
  }

  release(ref: number): void {
    if (--this.refs[ref]! > 0) return;
    this.byKey.delete(this.keys[ref]!);
    this.total -= this.sizes[ref]!;
    this.profiles[ref] = undefined;
    this.keys[ref] = undefined;
    this.free.push(ref);
  }

  clear(): void {
    this.byKey.clear();
    this.profiles = [];
    this.keys = [];
    this.sizes = [];
    this.refs = [];
    this.free = [];
    this.total = 0;
  }
}
