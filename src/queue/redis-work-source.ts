import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { createRedisClickIndex, type ClickIndex } from '../worker/attribution/click-index.ts';
import { createRedisParkingLot, type ParkingLot } from '../worker/attribution/parking.ts';
import { createRedis, redactRedisUrl } from './redis-connection.ts';
import { ReliableList } from './reliable-list.ts';
import type { WorkList } from './work-list.ts';

/** One list to drain: a Redis click store, or the embedded in-memory queue. */
export interface WorkSource {
  name: string;
  list: WorkList;
  /** The same list for the blocking idle wait (a connection of its own for Redis). */
  waitList: WorkList;
  /** Where this list's events wait for a click not yet delivered; none: they go out as organic. */
  parking?: ParkingLot;
  /** Where the clicks taken from this list are indexed for attribution; none: the worker keeps one in memory. */
  clickIndex?: ClickIndex;
  close(): Promise<void>;
}

export interface RedisSourceSettings {
  redisUrls: string[];
  REDIS_QUEUE_KEY: string;
  REDIS_INVALID_KEY: string;
  workerId: string;
}

/** One source per configured Redis, each with its own connections. */
export function redisSources(settings: RedisSourceSettings): WorkSource[] {
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
      parking: createRedisParkingLot(redis, keys.queue),
      clickIndex: createRedisClickIndex(redis, keys.queue, redactRedisUrl(url)),
      close: async () => {
        redis.disconnect();
        blocking.disconnect();
      },
    };
  });
}
