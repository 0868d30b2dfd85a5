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
      if (lines.length === 0) return;
      // A process that has just started has no connection yet, and the offline queue is off:
      // wait for the first connection (the click queue bounds the wait) instead of failing
      // the first clicks after every deploy into the buffer. Reconnects still fail at once.
      if (redis.status === 'connecting' || redis.status === 'wait') await firstConnection(redis, commandTimeoutMs);
      await redis.lpush(options.queueKey, ...lines);
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

/** Resolves when the first connection is up; rejects as soon as it fails, or after `timeoutMs`. */
function firstConnection(redis: Redis, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error) => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      redis.off('close', onClose);
      if (err) reject(err);
      else resolve();
    };
    const onReady = () => done();
    const onClose = () => done(new Error('redis connection failed'));
    const timer = setTimeout(() => done(new Error(`redis not connected after ${timeoutMs} ms`)), timeoutMs);
    redis.once('ready', onReady);
    redis.once('close', onClose);
  });
}
