import { Hono } from 'hono';

/** Tracking links must never be crawled or indexed: a crawler's visit is not a click. */
export function createStaticRoute(): Hono {
  return new Hono()
    .get('/robots.txt', (c) => c.text('User-agent: *\nDisallow: /\n'))
    .get('/favicon.ico', (c) => c.body(null, 204));
}
