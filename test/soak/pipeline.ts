// The production pipeline as separate processes on this machine, each of which the soak
// can stop, kill and start again: a Redis that keeps its data, a Kafka broker of its own,
// web processes and workers started from the Procfile's entry points.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { startKafka, type KafkaHandle } from '../../scripts/kafka/broker.ts';
import { freePort, startProcess, startWebProcess, type RunningProcess } from '../support/processes.ts';

/** Lines a worker takes per batch: a crash or outage repeats at most this many per worker. */
export const WORKER_BATCH_SIZE = 200;

export interface Pipeline {
  redisUrl: string;
  /** A control connection to the pipeline's Redis (reconnects after a restart). */
  redis: Redis;
  kafkaBootstrap: string;
  startRedis(): Promise<void>;
  killRedis(): Promise<void>;
  startKafka(): Promise<void>;
  stopKafka(): Promise<void>;
  startWeb(): Promise<RunningProcess & { url: string }>;
  startWorker(id: string): Promise<RunningProcess>;
  /** Ends every process still running and removes the data folders. */
  close(): Promise<void>;
}

export async function openPipeline(env: { databaseUrl: string; queueKey: string; kafkaPrefix: string }): Promise<Pipeline> {
  const redisPort = await freePort();
  const kafkaPort = await freePort();
  const controllerPort = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'clicktrack-soak-'));
  const kafkaDir = join(dir, 'kafka');
  const children: RunningProcess[] = [];
  let redisServer: RunningProcess | undefined;
  let kafka: KafkaHandle | undefined;
  const redisUrl = `redis://127.0.0.1:${redisPort}/0`;
  const kafkaBootstrap = `127.0.0.1:${kafkaPort}`;

  const pipeline: Pipeline = {
    redisUrl,
    redis: new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => 200 }),
    kafkaBootstrap,
    async startRedis() {
      // appendfsync always: a line Redis acknowledged survives the SIGKILL below.
      redisServer = await startProcess(
        'redis-server',
        ['--port', String(redisPort), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', ''],
        {},
        /Ready to accept connections/,
      );
      children.push(redisServer);
    },
    async killRedis() {
      await redisServer?.stop('SIGKILL');
    },
    async startKafka() {
      kafka = await startKafka({ port: kafkaPort, controllerPort, dataDir: kafkaDir });
    },
    async stopKafka() {
      await kafka?.stop();
      kafka = undefined;
    },
    async startWeb() {
      const web = await startWebProcess({
        NODE_ENV: 'production',
        DATABASE_URL: env.databaseUrl,
        REDIS_URL: redisUrl,
        REDIS_QUEUE_KEY: env.queueKey,
        API_KEY: 'soak-test-key',
        LOG_LEVEL: 'info',
      });
      children.push(web);
      return web;
    },
    async startWorker(id) {
      const worker = await startProcess(
        process.execPath,
        ['src/worker/index.ts'],
        {
          NODE_ENV: 'production',
          REDIS_URL: redisUrl,
          REDIS_QUEUE_KEY: env.queueKey,
          KAFKA_URL: kafkaBootstrap,
          KAFKA_PREFIX: env.kafkaPrefix,
          WORKER_ID: id,
          WORKER_BATCH_SIZE: String(WORKER_BATCH_SIZE),
          // A killed worker's lines are returned to the list this soon after its death.
          WORKER_HEARTBEAT_TTL_MS: '2000',
          LOG_LEVEL: 'info',
        },
        /worker draining/,
      );
      children.push(worker);
      return worker;
    },
    async close() {
      pipeline.redis.disconnect();
      await Promise.all(children.map((child) => child.stop('SIGKILL')));
      await kafka?.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  pipeline.redis.on('error', () => {});
  return pipeline;
}
