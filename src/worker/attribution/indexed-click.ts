import type { EventLine } from '../../shared/click-line.ts';

/**
 * What the worker remembers of a delivered click so a later event can be tied to it.
 * Short keys: one of these sits in Redis per click for the length of its window.
 */
export interface IndexedClick {
  /** click_id */
  id: string;
  /** link_id, slug, campaign, adgroup, ad, network */
  l: number;
  s: string;
  c: string;
  g: string;
  a: string;
  n: string;
  /** Unix seconds of the click, and the end of its attribution window (`attr_window_till`). */
  t: number;
  w: number;
  /** Its lookup_key was an advertising id ('adid') or a fingerprint ('fingerprint'); absent: none. */
  k?: 'adid' | 'fingerprint';
  /** The key itself, when there is one. */
  lk?: string;
  /** The visitor asked for privacy (GPC, DNT, IP_PRIVACY): never matched by fingerprint. */
  p?: 1;
}

/** The click a delivered click line describes, or undefined when it cannot be matched anyway. */
export function indexedClick(line: EventLine): IndexedClick | undefined {
  const p = line.params;
  const linkId = Number(p.link_id);
  const till = Number(p.attr_window_till);
  if (!p.click_id || !Number.isSafeInteger(linkId) || !Number.isFinite(till)) return undefined;
  const click: IndexedClick = {
    id: p.click_id,
    l: linkId,
    s: p.slug ?? '',
    c: p.campaign ?? '',
    g: p.adgroup ?? '',
    a: p.ad ?? '',
    n: p.network ?? '',
    t: line.ts,
    w: till,
  };
  if (p.lookup_key) {
    click.lk = p.lookup_key;
    click.k = p.idfa_comb ? 'adid' : 'fingerprint';
  }
  if (p.privacy === '1') click.p = 1;
  return click;
}
