import type { Link } from '../../links/link.ts';
import { encodeComponent, encodeParam } from '../../shared/click-line.ts';
import type { Platform } from '../platform/detect-platform.ts';
import { ATTRIBUTION_FIELDS, type Attribution } from '../click/attribution.ts';

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
  /** The `Referer` header's host only (see referer-host.ts), '' when none. */
  refererHost?: string;
  /** The link rule that chose the target (its name, else its position from 1); absent: none did. */
  rule?: string | undefined;
  /** The split-test variant the visitor got (its name, else its position from 1). */
  variant?: string | undefined;
}

export interface ImpressionFacts extends EventFacts {
  impressionId: string;
}

/**
 * The params field of a click line, encoded: our fields, then the attribution fields, then
 * everything else the visitor sent as one `reqparams` value. The visitor's part is nested,
 * so it can never override one of ours (a forged `click_id` would break dedupe), and it is
 * capped so a huge query cannot bloat the queue.
 */
export function clickParams(facts: ClickFacts): string {
  let out = eventParams(`click_id=${encodeComponent(facts.clickId)}`, facts, facts.redirectUrl, facts.refererHost);
  // Rule and variant names are validated as [A-Za-z0-9_.-], but a position-based name
  // needs no escaping either; encoded all the same in case that ever changes.
  if (facts.rule !== undefined) out += `&rule=${encodeComponent(facts.rule)}`;
  if (facts.variant !== undefined) out += `&variant=${encodeComponent(facts.variant)}`;
  return out;
}

/** An impression is a click that was only seen: the same fields, its own id, no redirect. */
export function impressionParams(facts: ImpressionFacts): string {
  return eventParams(`impression_id=${encodeComponent(facts.impressionId)}`, facts, undefined);
}

// Written straight into the field, in queue order, with no object in between: this runs
// for every click. Our own field names need no escaping, nor does the platform (one of
// ours); the escaping check costs measurably at over 20 values a click.
function eventParams(idParam: string, facts: EventFacts, redirectUrl: string | undefined, refererHost?: string): string {
  const { link, attribution, visitorQuery } = facts;
  let out =
    `${idParam}&link_id=${link.id}&slug=${encodeComponent(link.slug)}` +
    `&campaign=${encodeComponent(link.campaign ?? '')}&adgroup=${encodeComponent(link.adgroup ?? '')}` +
    `&ad=${encodeComponent(link.ad ?? '')}&network=${encodeComponent(link.network ?? '')}&platform=${facts.platform}`;
  if (redirectUrl !== undefined) out += `&redirect_url=${encodeComponent(redirectUrl)}`;
  if (refererHost) out += `&referer_host=${encodeComponent(refererHost)}`;
  const { fields } = attribution;
  for (const key of ATTRIBUTION_FIELDS) {
    const value = fields[key];
    if (value !== undefined) out += `&${key}=${encodeComponent(value)}`;
  }
  const { reqparams, truncated } = visitorRest(visitorQuery, attribution.consumed);
  if (reqparams !== '') out += `&reqparams=${encodeComponent(reqparams)}`;
  if (truncated || attribution.truncated) out += '&params_truncated=1';
  return out;
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
