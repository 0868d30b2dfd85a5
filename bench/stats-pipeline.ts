import { Admin } from '@platformatic/kafka';
import type { Database } from '../src/db/client.ts';
import { statsTopics } from '../src/config/stats.ts';
import { loadWorkerConfig } from '../src/config/worker.ts';
import type { Logger } from '../src/shared/logger.ts';
import { createStatsConsumer, type StatsConsumer } from '../src/stats/consumer.ts';
import { createStatsMetrics } from '../src/stats/metrics.ts';
import { startWorkerRuntime } from '../src/worker/runtime.ts';

// The pieces the statistics benches (throughput, freshness) run the pipeline with.

/** The stats topics of `prefix` with 4 partitions each, and the consumer group's name. */
export async function createBenchTopics(bootstrap: string, prefix: string): Promise<ReturnType<typeof statsTopics>> {
  const named = statsTopics(prefix);
  const admin = new Admin({ clientId: 'bench', bootstrapBrokers: [bootstrap] });
  await admin.createTopics({ topics: named.topics, partitions: 4, replicas: 1 });
  await admin.close();
  return named;
}

/** An enriched worker draining `queueKey` into the topics of `prefix` (not yet running). */
export function startBenchWorker(opts: { bootstrap: string; redisUrl: string; queueKey: string; prefix: string; logger: Logger }) {
  const config = loadWorkerConfig({ REDIS_URL: opts.redisUrl, REDIS_QUEUE_KEY: opts.queueKey, KAFKA_URL: opts.bootstrap, KAFKA_PREFIX: opts.prefix, METRICS_LOG_INTERVAL_MS: '0' });
  return startWorkerRuntime(config, opts.logger);
}

/** A stats consumer over `topics` with metrics of its own (not yet running). */
export function createBenchConsumer(opts: { db: Database; bootstrap: string; topics: string[]; groupId: string; logger: Logger; batchSize: number }) {
  const metrics = createStatsMetrics({ defaultMetrics: false });
  const consumer: StatsConsumer = createStatsConsumer({
    db: opts.db,
    kafka: { bootstrapBrokers: [opts.bootstrap] },
    topics: opts.topics,
    groupId: opts.groupId,
    hashKey: 'bench',
    metrics,
    logger: opts.logger,
    batchSize: opts.batchSize,
  });
  return { consumer, metrics };
}
