import { createServer, type IncomingMessage, type RequestListener, type ServerOptions, type ServerResponse } from 'node:http';
import { getQueryParam } from 'hono/utils/url';
import { SLUG_PATTERN } from '../../links/link.ts';
import { chooseTarget } from '../click/choose-target.ts';
import { hasLinkRules } from '../click/link-rules.ts';
import type { WebMetrics } from '../metrics.ts';
import { incomingAddress } from '../visitor/visitor-address.ts';
import { type ClickRouteDeps, createClickCompleter, NO_STORE } from './click.ts';

/** Answers the request and says true, or says false and leaves it untouched for the Hono app. */
export type ClickFastPath = (req: IncomingMessage, res: ServerResponse) => boolean;

const PREFIX = '/t/click/';

/** The slug of `/t/click/<slug>` or `/t/click/<slug>?query`, when it needs no decoding. */
function plainSlug(url: string): string | undefined {
  const end = url.indexOf('?', PREFIX.length);
  const slug = url.slice(PREFIX.length, end === -1 ? undefined : end);
  return SLUG_PATTERN.test(slug) ? slug : undefined;
}

/**
 * The common click, answered on Node's own request and response: a `GET` of a plain slug whose
 * link is cached, has no rules, and has a target for the visitor's platform. That is nearly
 * every click a campaign gets, and Hono's request, context and response objects cost about a
 * seventh of its CPU (README, Benchmarks, A million links). Anything else (a cache miss, `HEAD`, rules, an
 * unknown link, an encoded slug, an error) goes to the Hono route, which answers every case,
 * so the two cannot disagree on what they both answer: they share the completer, and the
 * tests compare their answers and lines.
 */
export function createClickFastPath(deps: ClickRouteDeps & { metrics: ClickRouteDeps['metrics'] & Pick<WebMetrics, 'onLinkLookup'> }): ClickFastPath {
  const { links, queue, metrics, logger } = deps;
  const complete = createClickCompleter(deps);
  const ipPrivacy = deps.ipPrivacy ?? 'off';

  return (req, res) => {
    const url = req.url;
    if (req.method !== 'GET' || url === undefined || !url.startsWith(PREFIX)) return false;
    const started = performance.now();
    let answer: { location: string; platform: string; line: string };
    try {
      const slug = plainSlug(url);
      // Not counted yet: a click handed on is looked up (and counted) again by the route.
      const link = slug === undefined ? undefined : links.cached(slug, false);
      if (!link || hasLinkRules(link)) return false;
      const userAgent = req.headers['user-agent'] ?? '';
      const hint = req.headers['sec-ch-ua-platform'];
      const platform = deps.detectPlatform(userAgent, typeof hint === 'string' ? hint : undefined);
      const target = chooseTarget(link.targets, platform);
      if (!target) return false;
      // The same parse as Hono's `c.req.query()` (first value of a repeated name wins).
      const query = (getQueryParam(url) ?? {}) as Record<string, string>;
      const address = () => incomingAddress(req, deps.trustProxy, ipPrivacy);
      const { redirectUrl, line } = complete({ link, target, platform, userAgent, query, referer: req.headers.referer, address }, true);
      if (line === undefined) return false;
      answer = { location: redirectUrl, platform, line };
      metrics.onLinkLookup('hit');
    } catch {
      // Nothing was queued or written: the Hono route answers it, and logs what went wrong.
      return false;
    }
    const { location, platform, line } = answer;
    const respond = (outcome: string) => {
      try {
        res.writeHead(302, { location, ...NO_STORE });
        res.end();
      } catch (err) {
        logger.error({ err, path: url }, 'click answer failed');
      }
      metrics.clickAnswered(platform, outcome, (performance.now() - started) / 1000);
    };
    // The queue settles every push (queued, pending, buffered or dropped); a rejection would
    // be a bug there, and the visitor is sent on all the same.
    queue.push(line).then(respond, (err: unknown) => {
      logger.error({ err, path: url }, 'click push failed');
      respond('error');
    });
    return true;
  };
}

/** `createServer` for `serve()`: each request tries the fast path first, then the Hono app. */
export function serverWithFastPath(fast: ClickFastPath): typeof createServer {
  const create = (options: ServerOptions, app: RequestListener) =>
    createServer(options, (req, res) => {
      if (!fast(req, res)) app(req, res);
    });
  return create as typeof createServer;
}
