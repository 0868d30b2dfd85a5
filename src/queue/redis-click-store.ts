import type { Redis } from 'ioredis';
import type { ClickStore } from './click-store.ts';
import { createRedis, redactRedisUrl, whenReady } from './redis-connection.ts';

export interface RedisClickStoreOptions {
  queueKey: string;
  /** A command that has not answered by then counts as failed and its lines are buffered. */
  commandTimeoutMs?: number;
}

export function createRedisClickStore(url: string, options: RedisClickStoreOptions): ClickStore {
  const commandTimeoutMs = options.commandTimeoutMs ?? 2_000;
  const redis: Redis = createRedis(url, {
    // While disconnected, fail at once: the click queue buffers, ioredis must not.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: commandTimeoutMs,
  });
  // Connection errors surface as rejected pushes; without a listener ioredis logs each one.
  redis.on('error', () => {});
  return {
    name: redactRedisUrl(url),
    async push(lines) {
      if (lines.length > 0) await redis.lpush(options.queueKey, ...lines);
    },
    async ping() {
      await whenReady(redis, commandTimeoutMs);
      await redis.ping();
    },
    async close() {
      redis.disconnect();
    },
  };
}
