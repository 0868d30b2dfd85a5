import type { Link } from '../../links/link.ts';
import { storeKind } from '../../links/store-url.ts';
import { encodeParam } from '../../shared/click-line.ts';
import { appendPairs, pairKey, pairValue, queryKeys, queryPairs, splitUrl } from './url-query.ts';
import { cutCodePoints } from '../../shared/text.ts';

/**
 * What the stores take from a click:
 * - Google Play passes `referrer` to the installed app (Install Referrer API), so the app
 *   can report which click installed it: we put the UTM fields and our click id there.
 * - The App Store reports `ct` (campaign token) and `pt` (provider token) in App Store
 *   Connect's acquisition figures.
 * Anything the target already sets wins: a marketer who wrote `ct=` or `utm_source` meant it.
 */


/** Apple cuts campaign tokens longer than this. */
export const CAMPAIGN_TOKEN_MAX_CHARS = 40;
/** Neutral on purpose: a link may be paid (cpc) or not (email, social); the network says which. */
export const PLAY_UTM_MEDIUM = 'click';

export type StoreLink = Pick<Link, 'network' | 'campaign' | 'storeParams' | 'appStoreCampaignToken' | 'appStoreProviderToken'>;

/**
 * The target with its store parameters, cut where the click id goes, so the per-link work
 * is done once and a click only concatenates: `head + clickId + tail`. `tail` is null when
 * the URL takes no click id (not Play, or its referrer already names one).
 */
export interface StoreUrl {
  head: string;
  tail: string | null;
}

export function completeStoreUrl(url: StoreUrl, clickId: string): string {
  return url.tail === null ? url.head : url.head + clickId + url.tail;
}

export function withStoreParams(target: string, link: StoreLink, globalProviderToken: string | undefined): StoreUrl {
  if (!link.storeParams) return { head: target, tail: null };
  const kind = storeKind(target);
  if (kind === 'play') return withPlayReferrer(target, link);
  if (kind === 'app_store') return { head: withAppStoreTokens(target, link, globalProviderToken), tail: null };
  return { head: target, tail: null };
}

function withPlayReferrer(target: string, link: StoreLink): StoreUrl {
  const { base, query, fragment } = splitUrl(target);
  const pairs = queryPairs(query);
  const at = pairs.findIndex((pair) => pairKey(pair) === 'referrer');
  // Decoded once here and encoded once below: the referrer is itself a query string, and
  // Play hands the app exactly what was between `referrer=` and the next `&`, decoded.
  const existing = queryPairs(at === -1 ? null : pairValue(pairs[at] as string));
  const present = new Set(existing.map(pairKey));
  const added: string[] = [];
  if (link.network && !present.has('utm_source')) added.push(encodeParam('utm_source', link.network));
  if (!present.has('utm_medium')) added.push(encodeParam('utm_medium', PLAY_UTM_MEDIUM));
  if (link.campaign && !present.has('utm_campaign')) added.push(encodeParam('utm_campaign', link.campaign));
  const takesClickId = !present.has('click_id');
  if (takesClickId) added.push('click_id=');
  const referrer = `referrer=${encodeURIComponent([...existing, ...added].join('&').toWellFormed())}`;

  const before = at === -1 ? pairs : pairs.slice(0, at);
  const after = at === -1 ? [] : pairs.slice(at + 1);
  const head = `${base}?${[...before, referrer].join('&')}`;
  const tail = (after.length > 0 ? `&${after.join('&')}` : '') + fragment;
  // A click id is a UUID: nothing in it needs encoding, so it can go straight between the two.
  return takesClickId ? { head, tail } : { head: head + tail, tail: null };
}

function withAppStoreTokens(target: string, link: StoreLink, globalProviderToken: string | undefined): string {
  const present = queryKeys(splitUrl(target).query);
  const campaignToken = cutCodePoints(link.appStoreCampaignToken || link.campaign || '', CAMPAIGN_TOKEN_MAX_CHARS);
  const providerToken = link.appStoreProviderToken || globalProviderToken;
  const added: string[] = [];
  if (campaignToken && !present.has('ct')) added.push(encodeParam('ct', campaignToken));
  if (providerToken && !present.has('pt')) added.push(encodeParam('pt', providerToken));
  return appendPairs(target, added);
}
