import { describe, expect, it } from 'vitest';
import { createWebMetrics } from '../../src/web/metrics.ts';
import { createMetricsRoute } from '../../src/web/routes/metrics.ts';
import { serveMetrics, createWorkerMetrics } from '../../src/worker/metrics.ts';
import { silentLogger } from '../support/fixtures.ts';
import { freePort } from '../support/processes.ts';
import { startTestRuntime } from '../support/web-runtime.ts';

describe('/metrics', () => {
  it('is public without METRICS_TOKEN, as the README says', async () => {
    const res = await createMetricsRoute(createWebMetrics().registry).request('/metrics');
    expect(res.status).toBe(200);
  });

  it('answers only the bearer token when METRICS_TOKEN is set, on the web port', async () => {
    const runtime = await startTestRuntime({ METRICS_TOKEN: 'scrape-me-0123456789' });
    expect((await runtime.app.request('/metrics')).status).toBe(401);
    expect((await runtime.app.request('/metrics', { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const ok = await runtime.app.request('/metrics', { headers: { authorization: 'Bearer scrape-me-0123456789' } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toMatch(/click_queue_buffer_lines/);
  });

  it('answers only the bearer token on the worker metrics port too', async () => {
    const port = await freePort();
    const server = serveMetrics(createWorkerMetrics(), port, silentLogger, 'worker-token');
    try {
      await new Promise((resolve) => (server.listening ? resolve(null) : server.once('listening', resolve)));
      expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(401);
      expect((await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: 'Bearer worker-token' } })).status).toBe(200);
    } finally {
      server.close();
    }
  });
});
