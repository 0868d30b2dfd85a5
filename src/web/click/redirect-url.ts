import type { Link } from '../../links/link.ts';
import { encodeParam } from '../../shared/click-line.ts';
import { completeStoreUrl, withStoreParams, type StoreUrl } from './store-params.ts';
import { compileTemplate, expandTemplate, type CompiledTemplate, type TemplateValues } from './target-template.ts';
import { appendPairs, queryKeys, splitUrl } from './url-query.ts';

/** Names we write into the event: a visitor's query must never pass them on to a target. */
export const RESERVED_PARAMS: ReadonlySet<string> = new Set([
  'click_id',
  'impression_id',
  'link_id',
  'slug',
  'campaign',
  'adgroup',
  'ad',
  'network',
  'platform',
  'redirect_url',
  'idfa_comb',
  'lookup_key',
  'attr_window_from',
  'attr_window_till',
  'reqparams',
  'privacy',
  'params_truncated',
]);

export interface RedirectSettings {
  /** `APP_STORE_PROVIDER_TOKEN`: the App Store `pt` for links that set none of their own. */
  appStoreProviderToken?: string | undefined;
}

/** What a click contributes to its target: the template values and the visitor's query. */
export type RedirectFacts = TemplateValues;

export type RedirectBuilder = (link: Link, target: string, facts: RedirectFacts) => string;

// Per target of a cached link: its template, or (no template) its store URL ready to finish.
type Plan = { template: CompiledTemplate; store: null } | { template: null; store: StoreUrl };

/**
 * The final URL a visitor is sent to: the target's placeholders filled in, then the store
 * parameters added, then (if the link asks) the visitor's query passed on. The per-target
 * work is kept with the cached link object, so a click on a plain target costs two map
 * lookups and at most one concatenation; a reloaded link is a new object and a new plan.
 */
export function createRedirectBuilder(settings: RedirectSettings = {}): RedirectBuilder {
  const plans = new WeakMap<Link, Map<string, Plan>>();

  function planFor(link: Link, target: string): Plan {
    let forLink = plans.get(link);
    if (!forLink) plans.set(link, (forLink = new Map()));
    let plan = forLink.get(target);
    if (!plan) {
      const template = compileTemplate(target);
      plan = template ? { template, store: null } : { template: null, store: withStoreParams(target, link, settings.appStoreProviderToken) };
      forLink.set(target, plan);
    }
    return plan;
  }

  return (link, target, facts) => {
    const plan = planFor(link, target);
    // Templates first: a store parameter must describe the URL the visitor really gets.
    const url = plan.store
      ? completeStoreUrl(plan.store, facts.clickId)
      : completeStoreUrl(withStoreParams(expandTemplate(plan.template, facts), link, settings.appStoreProviderToken), facts.clickId);
    return link.forwardQuery ? forwardQuery(url, facts.query) : url;
  };
}

/**
 * Passes the visitor's query on, after the store parameters so it cannot replace them,
 * and never over a parameter the target already has.
 */
export function forwardQuery(url: string, visitorQuery: Record<string, string>): string {
  let present: Set<string> | undefined;
  const added: string[] = [];
  for (const key in visitorQuery) {
    if (!Object.hasOwn(visitorQuery, key) || RESERVED_PARAMS.has(key)) continue;
    present ??= queryKeys(splitUrl(url).query);
    if (present.has(key)) continue;
    added.push(encodeParam(key, visitorQuery[key] as string));
  }
  return appendPairs(url, added);
}
