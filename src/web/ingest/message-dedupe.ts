import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import { withTimeout } from '../../shared/with-timeout.ts';

/**
 * "Have we taken this message id within the window?" A client that did not see our answer
 * sends its batch again with the same ids; those events must not be queued twice.
 */
export interface MessageDedupe {
  /**
   * For each id, true when it is new (and is now claimed), false when it was claimed within
   * the window. Never throws: when the answer cannot be had, every id counts as new, and
   * the consumers' own dedupe by message id catches a repeat (see README: Redis down).
   */
  claim(ids: readonly string[]): Promise<{ fresh: boolean[]; checked: boolean }>;
  /** Gives ids back, for events that could not be queued after all, so their retry is taken. */
  release(ids: readonly string[]): Promise<void>;
}

/**
 * `SET <prefix><id> 1 EX <window> NX`, one pipeline per request: the key's expiry is the
 * window, so nothing needs pruning, and every web process shares the answer.
 */
export function createRedisDedupe(redis: Redis, keyPrefix: string, windowSeconds: number, timeoutMs: number, onUnchecked: (err: unknown) => void): MessageDedupe {
  return {
    async claim(ids) {
      if (ids.length === 0) return { fresh: [], checked: true };
      const pipeline = redis.pipeline();
      for (const id of ids) pipeline.set(keyPrefix + id, '1', 'EX', windowSeconds, 'NX');
      try {
        const results = await withTimeout(pipeline.exec(), timeoutMs, () => new Error(`dedupe took over ${timeoutMs} ms`));
        if (!results) throw new Error('dedupe pipeline was discarded');
        const fresh = results.map(([err, reply]) => {
          if (err) throw err;
          return reply === 'OK';
        });
        return { fresh, checked: true };
      } catch (err) {
        onUnchecked(err);
        return { fresh: ids.map(() => true), checked: false };
      }
    },
    async release(ids) {
      if (ids.length === 0) return;
      await withTimeout(redis.del(...ids.map((id) => keyPrefix + id)), timeoutMs, () => new Error('dedupe release timed out')).catch(() => {});
    },
  };
}

/** The embedded default's: this process's memory, bounded, so it forgets the oldest ids first. */
export function createMemoryDedupe(windowSeconds: number, maxIds = 100_000): MessageDedupe {
  const seen = new LRUCache<string, true>({ max: maxIds, ttl: windowSeconds * 1000 });
  return {
    async claim(ids) {
      const fresh = ids.map((id) => {
        if (seen.has(id)) return false;
        seen.set(id, true);
        return true;
      });
      return { fresh, checked: true };
    },
    async release(ids) {
      for (const id of ids) seen.delete(id);
    },
  };
}
