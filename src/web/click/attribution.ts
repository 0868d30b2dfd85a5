import { hash } from 'node:crypto';
import type { Link } from '../../links/link.ts';
import type { AdIds } from './ad-ids.ts';
import { cutText } from '../../shared/text.ts';

/** The original tracker's cap on the network's `click` value. */
export const CLICK_PARAM_MAX_CHARS = 255;
/** Ours: a partner's blob travels in every line, so it is bounded like the rest of the query. */
export const PARTNER_DATA_MAX_CHARS = 1024;

export interface AttributionInput {
  ids: AdIds;
  query: Record<string, string>;
  /** The address as it will be queued (already truncated when privacy applies). */
  ip: string;
  /** The click-time platform: ios, android or web. */
  platform: string;
  tsSeconds: number;
  link: Pick<Link, 'attributionWindowIdfa' | 'attributionWindowFingerprint'>;
  /** Sec-GPC, DNT or IP_PRIVACY=truncate: no fingerprint. */
  privacy: boolean;
}

/** The attribution fields, in the order they are queued. */
export const ATTRIBUTION_FIELDS = ['adid', 'idfa_md5', 'idfa_sha1', 'idfa_comb', 'lookup_key', 'attr_window_from', 'attr_window_till', 'click', 'partner_data', 'privacy'] as const;
export type AttributionField = (typeof ATTRIBUTION_FIELDS)[number];

export interface Attribution {
  /** Set in the order of ATTRIBUTION_FIELDS, which is how they are queued. */
  fields: Partial<Record<AttributionField, string>>;
  /** Visitor parameters now carried by `fields` (a few at most); the rest go to `reqparams`. */
  consumed: readonly string[];
  /** A visitor value was cut to fit. */
  truncated: boolean;
}

// The one-shot hash is several times cheaper than createHash for a short input, and this
// runs on every click.
export function md5Hex(text: string): string {
  return hash('md5', text, 'hex');
}

/**
 * The install-matching fields, as the original tracker wrote them. `lookup_key` is what an
 * install is matched on: the md5 of the advertising id when there is one, else of
 * "<ip>.<platform>" (a fingerprint), both lower-cased as the original did. A visitor who
 * asked not to be tracked gets no fingerprint.
 */
export function attribution(input: AttributionInput): Attribution {
  const { ids, query, link } = input;
  const fields: Attribution['fields'] = {};
  const consumed: string[] = [...ids.consumed];
  let truncated = false;

  if (ids.adid !== undefined) fields.adid = ids.adid;
  if (ids.idfaMd5 !== undefined) fields.idfa_md5 = ids.idfaMd5;
  if (ids.idfaSha1 !== undefined) fields.idfa_sha1 = ids.idfaSha1;
  if (ids.idfaComb !== undefined) {
    fields.idfa_comb = ids.idfaComb;
    fields.lookup_key = md5Hex(ids.idfaComb.toLowerCase());
  } else if (!input.privacy) {
    fields.lookup_key = md5Hex(`${input.ip}.${input.platform}`.toLowerCase());
  }
  const windowMinutes = ids.idfaComb !== undefined ? link.attributionWindowIdfa : link.attributionWindowFingerprint;
  fields.attr_window_from = String(input.tsSeconds);
  fields.attr_window_till = String(input.tsSeconds + windowMinutes * 60);

  const passThrough = (field: AttributionField, from: string, max: number) => {
    const value = query[from] as string;
    consumed.push(from);
    if (value === '') return;
    const capped = cutText(value, max);
    if (capped !== value) truncated = true;
    fields[field] = capped;
  };
  if (Object.hasOwn(query, 'click')) passThrough('click', 'click', CLICK_PARAM_MAX_CHARS);
  // Some networks name it `cb` (callback data); the original took either.
  if (Object.hasOwn(query, 'partner_data')) passThrough('partner_data', 'partner_data', PARTNER_DATA_MAX_CHARS);
  else if (Object.hasOwn(query, 'cb')) passThrough('partner_data', 'cb', PARTNER_DATA_MAX_CHARS);

  if (input.privacy) fields.privacy = '1';
  return { fields, consumed, truncated };
}
