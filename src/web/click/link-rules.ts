import type { Context } from 'hono';
import type { Link } from '../../links/link.ts';
import { acceptedLanguagesCached } from '../../links/rules/accept-language.ts';
import { isBotAgent, type ClickLimiter } from '../../links/rules/click-limit.ts';
import { compiledRulesOf } from '../../links/rules/compile-rules.ts';
import { decide, type Decision } from '../../links/rules/decide.ts';
import type { DeviceTypeDetector } from '../../links/rules/device-type.ts';
import { scheduleState } from '../../links/rules/schedule.ts';
import type { VisitorHash } from '../../links/rules/variants.ts';
import type { DeviceType } from '../../links/rules/rule-schema.ts';
import type { Visitor } from '../../links/rules/visitor.ts';
import type { Platform } from '../platform/detect-platform.ts';
import { chooseTarget } from './choose-target.ts';
import type { CountryLookup } from './country-lookup.ts';
import { requestHeader } from '../visitor/visitor-address.ts';

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
  /** The client's full address (never queued as is): worked out once per click, by the route. */
  ip: string;
}

const UNSET = Symbol('unset');

/**
 * The visitor of one click, each costly fact worked out on first use and kept: a class
 * rather than an object of closures, because this is built on every click of a ruled link.
 */
class ClickVisitor implements Visitor {
  readonly platform: Platform;
  readonly userAgent: string;
  readonly query: Record<string, string>;
  readonly ip: string;
  readonly nowMs: number;
  readonly #c: Context;
  readonly #deps: LinkRulesDeps;
  #languages: readonly string[] | typeof UNSET = UNSET;
  #country: string | null | typeof UNSET = UNSET;
  #device: DeviceType | typeof UNSET = UNSET;
  constructor(c: Context, deps: LinkRulesDeps, facts: ClickFacts, nowMs: number) {
    this.#c = c;
    this.#deps = deps;
    this.ip = facts.ip;
    this.nowMs = nowMs;
    this.platform = facts.platform;
    this.userAgent = facts.userAgent;
    this.query = facts.query;
  }
  languages(): readonly string[] {
    if (this.#languages === UNSET) this.#languages = acceptedLanguagesCached(requestHeader(this.#c, 'accept-language'));
    return this.#languages;
  }
  country(): string | null {
    if (this.#country === UNSET) this.#country = this.#deps.countries.country(this.ip) ?? null;
    return this.#country;
  }
  deviceType(): DeviceType {
    if (this.#device === UNSET) this.#device = this.#deps.deviceType(this.userAgent);
    return this.#device;
  }
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
    const visitor = new ClickVisitor(c, deps, facts, nowMs);
    decision = decide(compiled, { linkId: link.id, targets: link.targets, hash: deps.visitorHash }, visitor);
  }

  // Counted last, and only when there is somewhere to send the visitor: a click with no
  // target for its platform is not a use of the link.
  const ruled: RuledClick = { expired: false, rule: decision.rule, variant: decision.variant, target: decision.target };
  if (link.maxClicks !== null && facts.counts && decision.target !== undefined && !isBotAgent(facts.userAgent)) {
    return deps.clickLimiter.admit(link.id, link.maxClicks).then((admitted) => (admitted ? ruled : { expired: true }));
  }
  return ruled;
}
