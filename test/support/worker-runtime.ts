import { inject } from 'vitest';
import { loadWorkerConfig } from '../../src/config/worker.ts';
import { startWorkerRuntime, type WorkerRuntime } from '../../src/worker/runtime.ts';
import { silentLogger, testRedisUrl } from './fixtures.ts';
import { uniqueKafkaPrefix } from './kafka-consumer.ts';

/** The worker's production wiring (real Redis, real Kafka) on keys and topics of the test's own. */
export async function startTestWorker(env: Record<string, string>): Promise<WorkerRuntime & { prefix: string }> {
  const prefix = env.KAFKA_PREFIX ?? uniqueKafkaPrefix();
  const config = loadWorkerConfig({
    REDIS_URL: testRedisUrl(),
    KAFKA_URL: inject('kafkaBootstrap'),
    METRICS_LOG_INTERVAL_MS: '0',
    ...env,
    KAFKA_PREFIX: prefix,
  });
  const worker = await startWorkerRuntime(config, silentLogger);
  void worker.run();
  return { ...worker, prefix };
}
