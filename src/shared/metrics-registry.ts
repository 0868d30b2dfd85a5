import { Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per process part, so tests and cluster workers never share counters. */
export function createRegistry(options: { defaultMetrics?: boolean } = {}): { registry: Registry; registers: Registry[] } {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  return { registry, registers: [registry] };
}

/** Buckets for the time a batch takes (produce to Kafka, fold into Postgres). */
export const BATCH_SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
