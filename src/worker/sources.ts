import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { createRedis, redactRedisUrl } from '../queue/redis-connection.ts';
import { kafkaConnection } from '../shared/kafka-options.ts';
import type { DrainSettings } from './config.ts';
import { ReliableList, type WorkList } from './drain/reliable-list.ts';
import type { EventSink } from './sink/event-sink.ts';
import { createFileSink } from './sink/file-sink.ts';
import { createKafkaSink } from './sink/kafka-sink.ts';

/** One list to drain: a Redis click store, or the embedded in-memory queue. */
export interface WorkSource {
  name: string;
  list: WorkList;
  /** The same list for the blocking idle wait (a connection of its own for Redis). */
  waitList: WorkList;
  close(): Promise<void>;
}

export function redisSources(settings: DrainSettings): WorkSource[] {
  const keys = { queue: settings.REDIS_QUEUE_KEY, invalid: settings.REDIS_INVALID_KEY };
  // Slots belong to this process, not just to the worker's name: during a restart Heroku
  // may run the old and the new `worker.1` side by side, and two processes sharing a slot
  // could acknowledge each other's lines.
  const owner = `${settings.workerId}:${randomBytes(4).toString('hex')}`;
  return settings.redisUrls.map((url) => {
    const redis: Redis = createRedis(url);
    // BLMOVE holds its connection while it waits, so idle waiting gets one of its own.
    const blocking: Redis = createRedis(url);
    for (const conn of [redis, blocking]) conn.on('error', () => {});
    return {
      name: redactRedisUrl(url),
      list: new ReliableList(redis, keys, owner),
      waitList: new ReliableList(blocking, keys, owner),
      close: async () => {
        redis.disconnect();
        blocking.disconnect();
      },
    };
  });
}

/** Kafka when KAFKA_URL is set; otherwise (never in production) an NDJSON file. */
export function sinkFor(settings: DrainSettings): EventSink {
  if (!settings.KAFKA_URL) return createFileSink(join(settings.DATA_DIR, 'events.ndjson'));
  return createKafkaSink({
    ...kafkaConnection({
      url: settings.KAFKA_URL,
      trustedCert: settings.KAFKA_TRUSTED_CERT,
      clientCert: settings.KAFKA_CLIENT_CERT,
      clientCertKey: settings.KAFKA_CLIENT_CERT_KEY,
    }),
    clientId: `${settings.KAFKA_PREFIX}clicktrack-worker`,
    compression: settings.KAFKA_COMPRESSION,
  });
}
