import { Hono } from 'hono';
import { IMPRESSION_TYPE } from '../../shared/click-line.ts';
import { readAdIds } from '../click/ad-ids.ts';
import { impressionParams } from '../tracking/event-params.ts';
import type { WebMetrics } from '../metrics.ts';
import { cachedLink, eventLine, type EventRouteDeps } from '../tracking/event-line.ts';
import { visitorAddress } from '../visitor/visitor-address.ts';

export interface ImpressionRouteDeps extends EventRouteDeps {
  metrics: Pick<WebMetrics, 'impressionAnswered' | 'invalidAdId'>;
  newImpressionId: () => string;
}

export const IMPRESSION_TOPIC = 'impressions';
export { IMPRESSION_TYPE };

/** The smallest transparent 1x1 GIF (43 bytes). */
export const PIXEL_GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64');

const PIXEL_HEADERS = {
  'content-type': 'image/gif',
  'content-length': String(PIXEL_GIF.length),
  // A cached pixel is an impression nobody counted.
  'cache-control': 'no-store',
  'x-robots-tag': 'noindex',
  // Pages that isolate themselves (COEP) may still embed it.
  'cross-origin-resource-policy': 'cross-origin',
};

function pixel(): Response {
  return new Response(PIXEL_GIF, { status: 200, headers: PIXEL_HEADERS });
}

/**
 * `GET /t/imp/:slug`: an ad was shown. Always answers the pixel, whatever happens here:
 * a broken image must not break the page that embeds it. HEAD answers it too and counts
 * nothing, as for clicks.
 */
export function createImpressionRoute(deps: ImpressionRouteDeps): Hono {
  const { links, queue, metrics, logger } = deps;

  return new Hono().get('/t/imp/:slug', async (c) => {
    try {
      const slug = c.req.param('slug');
      let link = cachedLink(links, slug);
      if (link === undefined) link = await links.get(slug);
      if (!link) return answer('unknown_link');
      if (c.req.method !== 'GET') return answer('head');

      const userAgent = c.req.header('user-agent') ?? '';
      const platform = deps.detectPlatform(userAgent, c.req.header('sec-ch-ua-platform'));
      const query = c.req.query();
      const ids = readAdIds(query);
      const address = visitorAddress(c, deps.trustProxy, deps.ipPrivacy ?? 'off');
      const line = eventLine(address, deps, { link, platform, userAgent, query, ids }, {
        topic: IMPRESSION_TOPIC,
        type: IMPRESSION_TYPE,
        params: (attr) => impressionParams({ impressionId: deps.newImpressionId(), link, platform, visitorQuery: query, attribution: attr }),
      });
      return answer(await queue.push(line));
    } catch (err) {
      logger.error({ err, path: c.req.path }, 'impression route failed');
      return answer('error');
    }
  });

  function answer(outcome: string): Response {
    metrics.impressionAnswered(outcome);
    return pixel();
  }
}
