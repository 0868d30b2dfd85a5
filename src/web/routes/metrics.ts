import { Hono } from 'hono';
import type { Registry } from 'prom-client';
import { bearerMatches } from '../../shared/bearer.ts';

/** `/metrics` for Prometheus; with `token` set it answers only `Authorization: Bearer <token>`. */
export function createMetricsRoute(registry: Registry, token?: string): Hono {
  return new Hono().get('/metrics', async (c) => {
    if (token && !bearerMatches(token, c.req.header('authorization'))) {
      c.header('www-authenticate', 'Bearer realm="metrics"');
      return c.text('send METRICS_TOKEN as "Authorization: Bearer <token>"\n', 401);
    }
    c.header('content-type', registry.contentType);
    return c.body(await registry.metrics());
  });
}
