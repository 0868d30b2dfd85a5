import { afterAll, describe, expect, it } from 'vitest';
import { createRedisClickStore } from '../../src/queue/redis-click-store.ts';
import { testRedis, testRedisUrl, uniqueKey } from '../support/fixtures.ts';

const redis = testRedis();
afterAll(() => redis.quit());

describe('Redis click store (real Redis)', () => {
  it('answers a readiness ping sent before its connection is up', async () => {
    // The probe races the connect: a fresh store must not call a healthy Redis down.
    const store = createRedisClickStore(testRedisUrl(), { queueKey: uniqueKey() });
    try {
      await expect(store.ping()).resolves.toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it('fails the ping when Redis cannot be reached, within its command timeout', async () => {
    const store = createRedisClickStore('redis://127.0.0.1:1/0', { queueKey: uniqueKey(), commandTimeoutMs: 300 });
    const started = Date.now();
    try {
      await expect(store.ping()).rejects.toThrow(/not ready/);
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      await store.close();
    }
  });

  it('pushes lines with LPUSH, newest at the head', async () => {
    const queueKey = uniqueKey();
    const store = createRedisClickStore(testRedisUrl(), { queueKey });
    try {
      await store.ping();
      await store.push(['a', 'b']);
      await store.push([]);
      expect(await redis.lrange(queueKey, 0, -1)).toEqual(['b', 'a']);
    } finally {
      await store.close();
      await redis.del(queueKey);
    }
  });

  it('takes a push sent before its first connection is up, instead of failing it', async () => {
    const queueKey = uniqueKey();
    const store = createRedisClickStore(testRedisUrl(), { queueKey });
    try {
      await store.push(['first']);
      expect(await redis.lrange(queueKey, 0, -1)).toEqual(['first']);
    } finally {
      await store.close();
      await redis.del(queueKey);
    }
  });
});
