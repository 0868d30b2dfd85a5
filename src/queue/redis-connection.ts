import { Redis, type RedisOptions } from 'ioredis';

/**
 * Heroku Redis speaks `rediss://` with a self-signed certificate, so TLS is used without
 * chain verification there; plain `redis://` stays plain.
 */
export function redisOptionsFor(url: string, overrides: RedisOptions = {}): RedisOptions {
  const tls = url.startsWith('rediss://') ? { tls: { rejectUnauthorized: false } } : {};
  return {
    connectTimeout: 2_000,
    // Reconnect for ever, never faster than every 2 s: an outage must end by itself.
    retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
    ...tls,
    ...overrides,
  };
}

export function createRedis(url: string, overrides: RedisOptions = {}): Redis {
  return new Redis(url, redisOptionsFor(url, overrides));
}

/** `redis://host:6379/0` without the password, for logs and metrics labels. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.hostname}:${parsed.port || 6379}${parsed.pathname}`;
  } catch {
    return 'redis';
  }
}

/**
 * Resolves once the connection is ready, or rejects after `timeoutMs`. Clients made with
 * `enableOfflineQueue: false` fail every command while still connecting, so a probe
 * that only sent PING would call a process that has just started "down".
 */
export function whenReady(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      reject(new Error(`redis not ready after ${timeoutMs} ms (${redis.status})`));
    }, timeoutMs);
    redis.once('ready', onReady);
  });
}
