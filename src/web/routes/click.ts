import { Hono } from 'hono';
import { CLICK_TYPE } from '../../shared/click-line.ts';
import { LinkLookupError } from '../../links/link-cache.ts';
import { readAdIds } from '../click/ad-ids.ts';
import { chooseTarget } from '../click/choose-target.ts';
import { clickParams } from '../tracking/event-params.ts';
import { applyLinkRules, hasLinkRules, type LinkRulesDeps } from '../click/link-rules.ts';
import { createRedirectBuilder } from '../click/redirect-url.ts';
import { refererHost } from '../tracking/referer-host.ts';
import type { WebMetrics } from '../metrics.ts';
import { cachedLink, eventLine, type EventRouteDeps } from '../tracking/event-line.ts';
import type { Link } from '../../links/link.ts';
import type { Platform } from '../platform/detect-platform.ts';
import { requestIp, visitorAddress, type VisitorAddress } from '../visitor/visitor-address.ts';

export interface ClickRouteDeps extends EventRouteDeps {
  metrics: Pick<WebMetrics, 'clickAnswered' | 'invalidAdId'>;
  /** `APP_STORE_PROVIDER_TOKEN`, the App Store `pt` for links without their own. */
  appStoreProviderToken?: string | undefined;
  notFoundUrl?: string | undefined;
  errorPageUrl?: string | undefined;
  newClickId: () => string;
  /** Schedule, click limit and rules; links without them never touch these. */
  linkRules: Omit<LinkRulesDeps, 'trustProxy' | 'nowMs'>;
}

export const CLICK_TOPIC = 'clicks';

// A cached redirect is a lost click; the visitor's query may carry ad ids that must not
// leak to the target through the Referer header.
export const NO_STORE = { 'cache-control': 'no-store', 'referrer-policy': 'no-referrer', 'x-robots-tag': 'noindex' };

function redirect(location: string): Response {
  return new Response(null, { status: 302, headers: { location, ...NO_STORE } });
}

/** A click whose target is chosen, as either click path (the Hono route, the fast path) sees it. */
export interface ChosenClick {
  link: Link;
  target: string;
  platform: Platform;
  userAgent: string;
  query: Record<string, string>;
  /** The `Referer` header, whole (only its host is queued). */
  referer: string | undefined;
  /** The visitor's address as queued; asked for only when the click is queued (GET). */
  address: () => VisitorAddress;
  rule?: string | undefined;
  variant?: string | undefined;
}

/**
 * What both click paths do once the target is chosen: the ad ids, the click id, the final
 * URL, and (when the click is queued) its line. One home, so the fast path can never queue
 * a click differently from the route.
 */
export function createClickCompleter(deps: ClickRouteDeps): (click: ChosenClick, queued: boolean) => { redirectUrl: string; line: string | undefined } {
  const buildRedirect = createRedirectBuilder({ appStoreProviderToken: deps.appStoreProviderToken });
  return (click, queued) => {
    const { link, platform, query } = click;
    const ids = readAdIds(query);
    const clickId = deps.newClickId();
    const redirectUrl = buildRedirect(link, click.target, { clickId, slug: link.slug, campaign: link.campaign, platform, adid: ids.adid, query });
    if (!queued) return { redirectUrl, line: undefined };
    const line = eventLine(click.address(), deps, { link, platform, userAgent: click.userAgent, query, ids }, {
      topic: CLICK_TOPIC,
      type: CLICK_TYPE,
      params: (attr) =>
        clickParams({ clickId, link, platform, redirectUrl, refererHost: refererHost(click.referer), visitorQuery: query, attribution: attr, rule: click.rule, variant: click.variant }),
    });
    return { redirectUrl, line };
  };
}

export function createClickRoute(deps: ClickRouteDeps): Hono {
  const { links, queue, metrics, logger } = deps;
  const complete = createClickCompleter(deps);
  const rulesDeps: LinkRulesDeps = { ...deps.linkRules, trustProxy: deps.trustProxy, nowMs: deps.nowMs };

  const notFound = (): Response =>
    deps.notFoundUrl ? redirect(deps.notFoundUrl) : new Response('Link not found\n', { status: 404, headers: NO_STORE });

  // Hono serves HEAD through the GET handler; unfurlers send HEAD, so only GET is a click.
  return new Hono().get('/t/click/:slug', async (c) => {
    const started = performance.now();
    const answer = (response: Response, platform: string, outcome: string): Response => {
      metrics.clickAnswered(platform, outcome, (performance.now() - started) / 1000);
      return response;
    };
    try {
      const slug = c.req.param('slug');
      let link = cachedLink(links, slug);
      if (link === undefined) {
        try {
          link = await links.get(slug);
        } catch (err) {
          if (!(err instanceof LinkLookupError)) throw err;
          // The database did not answer in time and the link was never cached: the visitor
          // gets the error page, else the unknown-link answer, never a bare 500.
          return answer(deps.errorPageUrl ? redirect(deps.errorPageUrl) : notFound(), 'none', 'lookup_failed');
        }
      }
      if (!link) return answer(notFound(), 'none', 'unknown_link');

      const userAgent = c.req.header('user-agent') ?? '';
      const platform = deps.detectPlatform(userAgent, c.req.header('sec-ch-ua-platform'));
      const query = c.req.query();
      let target: string | undefined;
      let rule: string | undefined;
      let variant: string | undefined;
      let ip: string | undefined;
      if (hasLinkRules(link)) {
        ip = requestIp(c, deps.trustProxy);
        const pending = applyLinkRules(c, rulesDeps, link, { platform, userAgent, query, counts: c.req.method === 'GET', ip });
        const ruled = pending instanceof Promise ? await pending : pending;
        // Outside the schedule or past the limit: expired_url, else the unknown-link answer.
        if (ruled.expired) return answer(link.expiredUrl ? redirect(link.expiredUrl) : notFound(), platform, 'expired');
        target = ruled.target;
        rule = ruled.rule?.name;
        variant = ruled.variant ?? undefined;
      } else {
        target = chooseTarget(link.targets, platform);
      }
      if (!target) return answer(notFound(), platform, 'no_target');

      const address = () => visitorAddress(c, deps.trustProxy, deps.ipPrivacy ?? 'off', ip);
      const get = c.req.method === 'GET';
      const { redirectUrl, line } = complete({ link, target, platform, userAgent, query, referer: c.req.header('referer'), address, rule, variant }, get);
      if (line === undefined) return answer(redirect(redirectUrl), platform, 'head');
      const queued = await queue.push(line);
      return answer(redirect(redirectUrl), platform, queued);
    } catch (err) {
      logger.error({ err, path: c.req.path }, 'click route failed');
      const response = deps.errorPageUrl
        ? redirect(deps.errorPageUrl)
        : new Response('Something went wrong\n', { status: 500, headers: NO_STORE });
      return answer(response, 'none', 'error');
    }
  });
}
