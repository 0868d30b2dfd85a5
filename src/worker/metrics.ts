import { createServer, type Server } from 'node:http';
import { Counter, Gauge, Histogram } from 'prom-client';
import { BATCH_SECONDS_BUCKETS, createRegistry } from '../shared/metrics-registry.ts';
import { bearerMatches } from '../shared/bearer.ts';
import type { Logger } from '../shared/logger.ts';
import type { DrainObserver } from './drain/drain-loop.ts';

export function createWorkerMetrics(options: { defaultMetrics?: boolean } = {}) {
  const { registry, registers } = createRegistry(options);
  const delivered = new Counter({ name: 'worker_lines_delivered_total', help: 'Lines produced to the sink and acknowledged', registers });
  const invalid = new Counter({ name: 'worker_lines_invalid_total', help: 'Lines that failed to decode, sent to the dead-letter list', registers });
  const produceErrors = new Counter({ name: 'worker_produce_errors_total', help: 'Failed produce attempts (each is retried)', registers });
  const batchSeconds = new Histogram({ name: 'worker_batch_produce_seconds', help: 'Time for the sink to confirm one batch', buckets: BATCH_SECONDS_BUCKETS, registers });
  const klag = new Histogram({ name: 'worker_klag_seconds', help: 'Seconds a line waited between the click and its delivery', buckets: [1, 2, 5, 10, 30, 60, 300, 900, 3600], registers });
  const events = new Counter({ name: 'worker_events_delivered_total', help: 'App events delivered, by how they were attributed (click_id, adid, fingerprint, organic)', labelNames: ['match'] as const, registers });
  const parked = new Counter({ name: 'worker_events_parked_total', help: 'Times an app event was set aside to wait for its click', registers });
  const queueLength = new Gauge({ name: 'worker_queue_lines', help: 'Lines waiting in the click list', labelNames: ['store'] as const, registers });

  const observer: DrainObserver = {
    delivered(batch, seconds) {
      delivered.inc(batch.messages.length);
      if (batch.invalid.length > 0) invalid.inc(batch.invalid.length);
      batchSeconds.observe(seconds);
      for (const k of batch.klags) klag.observe(k);
      if (batch.events) {
        for (const [match, n] of Object.entries(batch.events.outcomes)) events.inc({ match }, n);
        if (batch.events.parked > 0) parked.inc(batch.events.parked);
      }
    },
    produceFailed: () => produceErrors.inc(),
  };

  async function summary() {
    const value = async (metric: { get(): Promise<{ values: { value: number }[] }> }) =>
      (await metric.get()).values.reduce((sum, v) => sum + v.value, 0);
    return {
      delivered: await value(delivered),
      invalid: await value(invalid),
      produceErrors: await value(produceErrors),
      queued: await value(queueLength),
      events: await value(events),
      eventsParked: await value(parked),
      eventsOrganic: (await events.get()).values.find((v) => v.labels.match === 'organic')?.value ?? 0,
    };
  }

  return {
    registry,
    observer,
    setQueueLength: (store: string, lines: number) => queueLength.set({ store }, lines),
    summary,
  };
}

export type WorkerMetrics = ReturnType<typeof createWorkerMetrics>;

/** Serves /metrics for Prometheus when the operator gives the worker a port. */
export function serveMetrics(metrics: WorkerMetrics, port: number, logger: Logger, token?: string): Server {
  const server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    if (token && !bearerMatches(token, req.headers.authorization)) {
      res.writeHead(401, { 'www-authenticate': 'Bearer realm="metrics"' }).end();
      return;
    }
    metrics.registry.metrics().then(
      (body) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(body),
      () => res.writeHead(500).end(),
    );
  });
  server.listen(port, () => logger.info({ port }, 'worker metrics listening'));
  return server;
}
