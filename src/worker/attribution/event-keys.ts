import { createHash } from 'node:crypto';
import { md5Hex } from '../../web/click/attribution.ts';
import { normaliseAdId } from '../../web/click/ad-ids.ts';

/** How an event was tied to its click, in the order they are tried. */
export type MatchKind = 'click_id' | 'adid' | 'fingerprint';

/** The keys an event can be matched on, each the way the click side wrote it. */
export interface EventKeys {
  clickId?: string;
  /** lookup_key candidates from the event's advertising ids. */
  adKeys: string[];
  /** md5("<ip>.<platform>"), absent when the event asked for privacy. */
  fingerprint?: string;
}

const HEX32 = /^[0-9a-f]{32}$/i;
const HEX40 = /^[0-9a-f]{40}$/i;
const sha1Hex = (text: string) => createHash('sha1').update(text).digest('hex');

/**
 * The click's `lookup_key` is md5 of its `idfa_comb` lower-cased, where idfa_comb is the
 * dashed UUID (adid/idfa/gadid), else the idfa_md5, else the idfa_sha1 the network sent.
 * An app sends the raw id (adid/idfa/gaid) or its hashes, so every way the same device can
 * have been written at click time is tried: md5 of the id, and md5 of its md5 and sha1
 * (a network that only had the hash), plus the event's own hashes as the network would
 * have passed them.
 */
export function eventKeys(params: Record<string, string>, ip: string, platform: string): EventKeys {
  const keys: EventKeys = { adKeys: [] };
  if (params.click_id) keys.clickId = params.click_id;
  const add = (comb: string) => {
    const key = md5Hex(comb.toLowerCase());
    if (!keys.adKeys.includes(key)) keys.adKeys.push(key);
  };
  for (const field of ['adid', 'idfa', 'gaid', 'gadid']) {
    const id = params[field] ? normaliseAdId(params[field]) : null;
    if (!id || id === '00000000-0000-0000-0000-000000000000') continue;
    add(id);
    for (const spelling of [id, id.toLowerCase()]) {
      add(md5Hex(spelling));
      add(sha1Hex(spelling));
    }
  }
  if (params.idfa_md5 && HEX32.test(params.idfa_md5)) add(params.idfa_md5);
  if (params.idfa_sha1 && HEX40.test(params.idfa_sha1)) add(params.idfa_sha1);
  if (params.privacy !== '1' && platform) keys.fingerprint = md5Hex(`${ip}.${platform}`.toLowerCase());
  return keys;
}

export function hasKeys(keys: EventKeys): boolean {
  return keys.clickId !== undefined || keys.adKeys.length > 0 || keys.fingerprint !== undefined;
}
