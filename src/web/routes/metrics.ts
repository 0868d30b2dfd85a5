import { Hono } from 'hono';
import type { Registry } from 'prom-client';

export function createMetricsRoute(registry: Registry): Hono {
  return new Hono().get('/metrics', async (c) => {
    c.header('content-type', registry.contentType);
    return c.body(await registry.metrics());
  });
}
