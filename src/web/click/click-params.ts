import type { Link } from '../../links/link.ts';
import { encodeParam } from '../../shared/click-line.ts';
import type { Platform } from '../platform/detect-platform.ts';
import type { Attribution } from './attribution.ts';

/**
 * Cap on the visitor's own query parameters in one line (the `reqparams` query string);
 * the rest are left out and `params_truncated=1` says so.
 */
export const VISITOR_PARAMS_MAX_BYTES = 4096;

export interface EventFacts {
  link: Link;
  platform: Platform;
  attribution: Attribution;
  visitorQuery: Record<string, string>;
}

export interface ClickFacts extends EventFacts {
  clickId: string;
  /** The final URL the visitor was sent to (store parameters and templates applied). */
  redirectUrl: string;
}

export interface ImpressionFacts extends EventFacts {
  impressionId: string;
}

/**
 * The params of a click line: our fields, then the attribution fields, then everything
 * else the visitor sent as one `reqparams` value. The visitor's part is nested, so it can
 * never override one of ours (a forged `click_id` would break dedupe), and it is capped so
 * a huge query cannot bloat the queue.
 */
export function clickParams(facts: ClickFacts): Record<string, string> {
  return eventParams('click_id', facts.clickId, facts, facts.redirectUrl);
}

/** An impression is a click that was only seen: the same fields, its own id, no redirect. */
export function impressionParams(facts: ImpressionFacts): Record<string, string> {
  return eventParams('impression_id', facts.impressionId, facts, undefined);
}

function eventParams(idName: string, id: string, facts: EventFacts, redirectUrl: string | undefined): Record<string, string> {
  const { link } = facts;
  // One literal, in queue order: this runs for every click.
  const params: Record<string, string> = {
    [idName]: id,
    link_id: String(link.id),
    slug: link.slug,
    campaign: link.campaign ?? '',
    adgroup: link.adgroup ?? '',
    ad: link.ad ?? '',
    network: link.network ?? '',
    platform: facts.platform,
  };
  if (redirectUrl !== undefined) params.redirect_url = redirectUrl;
  return withVisitorParams(params, facts);
}

function withVisitorParams(params: Record<string, string>, facts: EventFacts): Record<string, string> {
  const { attribution, visitorQuery } = facts;
  const { fields } = attribution;
  for (const key in fields) params[key] = fields[key] as string;
  const { reqparams, truncated } = visitorRest(visitorQuery, attribution.consumed);
  if (reqparams !== '') params.reqparams = reqparams;
  if (truncated || attribution.truncated) params.params_truncated = '1';
  return params;
}

/**
 * The visitor parameters no field took, as one query string within the cap. A parameter
 * that does not fit is left out and the rest still get their chance, so one huge junk
 * value does not cost the small ones after it.
 */
export function visitorRest(visitorQuery: Record<string, string>, consumed: readonly string[]): { reqparams: string; truncated: boolean } {
  let reqparams = '';
  let truncated = false;
  for (const key in visitorQuery) {
    if (!Object.hasOwn(visitorQuery, key) || consumed.includes(key)) continue;
    const pair = encodeParam(key, visitorQuery[key] as string);
    if (reqparams.length + pair.length + 1 > VISITOR_PARAMS_MAX_BYTES) {
      truncated = true;
      continue;
    }
    reqparams += reqparams === '' ? pair : `&${pair}`;
  }
  return { reqparams, truncated };
}
