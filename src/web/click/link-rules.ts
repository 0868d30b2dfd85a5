import type { Context } from 'hono';
import type { Link } from '../../links/link.ts';
import { acceptedLanguagesCached } from '../../links/rules/accept-language.ts';
import { isBotAgent, type ClickLimiter } from '../../links/rules/click-limit.ts';
import { compiledRulesOf } from '../../links/rules/compile-rules.ts';
import { decide, type Decision } from '../../links/rules/decide.ts';
import type { DeviceTypeDetector } from '../../links/rules/device-type.ts';
import { scheduleState } from '../../links/rules/schedule.ts';
import type { VisitorHash } from '../../links/rules/variants.ts';
import { memo, type Visitor } from '../../links/rules/visitor.ts';
import type { Platform } from '../platform/detect-platform.ts';
import { chooseTarget } from './choose-target.ts';
import type { CountryLookup } from './country-lookup.ts';
import { requestHeader, requestIp } from './visitor-address.ts';

export interface LinkRulesDeps {
  visitorHash: VisitorHash;
  countries: CountryLookup;
  deviceType: DeviceTypeDetector;
  clickLimiter: ClickLimiter;
  trustProxy: number;
  nowMs: () => number;
}

/** Where the rules send this click, or `expired` (outside the schedule, past the limit). */
export type RuledClick = { expired: true } | ({ expired: false } & Decision);

/** A link with none of the rule fields takes the plain path and pays nothing for them. */
export function hasLinkRules(link: Link): boolean {
  return link.rules !== null || link.maxClicks !== null || link.startsAt !== null || link.expiresAt !== null;
}

export interface ClickFacts {
  platform: Platform;
  userAgent: string;
  query: Record<string, string>;
  /** Only a person's GET uses up a click: HEAD (unfurlers) and bots never do. */
  counts: boolean;
}

/**
 * Synchronous unless it has to wait (GeoIP opening on the first country rule, the shared
 * click count): most clicks on a ruled link are answered without an extra event-loop turn.
 */
export function applyLinkRules(c: Context, deps: LinkRulesDeps, link: Link, facts: ClickFacts): RuledClick | Promise<RuledClick> {
  if (link.rules !== null && !deps.countries.isOpen() && compiledRulesOf(link.rules).needsCountry) {
    return deps.countries.open().then(() => applyLinkRules(c, deps, link, facts));
  }
  const nowMs = deps.nowMs();
  if (scheduleState(link, nowMs) !== 'active') return { expired: true };

  let decision: Decision = { rule: null, variant: null, target: chooseTarget(link.targets, facts.platform) };
  if (link.rules !== null) {
    const compiled = compiledRulesOf(link.rules);
    const ip = requestIp(c, deps.trustProxy);
    const visitor: Visitor = {
      platform: facts.platform,
      ip,
      userAgent: facts.userAgent,
      query: facts.query,
      nowMs,
      languages: memo(() => acceptedLanguagesCached(requestHeader(c, 'accept-language'))),
      country: memo(() => deps.countries.country(ip) ?? null),
      deviceType: memo(() => deps.deviceType(facts.userAgent)),
    };
    decision = decide(compiled, { linkId: link.id, targets: link.targets, hash: deps.visitorHash }, visitor);
  }

  // Counted last, and only when there is somewhere to send the visitor: a click with no
  // target for its platform is not a use of the link.
  const ruled: RuledClick = { expired: false, ...decision };
  if (link.maxClicks !== null && facts.counts && decision.target !== undefined && !isBotAgent(facts.userAgent)) {
    return deps.clickLimiter.admit(link.id, link.maxClicks).then((admitted) => (admitted ? ruled : { expired: true }));
  }
  return ruled;
}
