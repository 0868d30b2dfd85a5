import type { Redis } from 'ioredis';
import { isBotAgent as isBot } from '../../shared/bot-agent.ts';

/** Counts a link's human clicks in a store every web process shares. */
export interface ClickCounter {
  /** The count including this click, or null when the store did not answer in time. */
  increment(linkId: number): Promise<number | null>;
}

// Headless browsers, which the worker finds through its user-agent parser.
const HEADLESS = /HeadlessChrome|PhantomJS/;

/** Bots never use up a link's clicks (link previews, crawlers, uptime checks). */
export function isBotAgent(userAgent: string): boolean {
  return isBot(userAgent) || HEADLESS.test(userAgent);
}

/**
 * INCR on one key per link: atomic in Redis, so processes never both take the last click
 * while Redis answers. The client must be made with `enableOfflineQueue: false`, so a
 * click never waits on a reconnect; a slow answer is given up after `timeoutMs` and the
 * click is let through (a link keeps redirecting while Redis is down).
 */
export function createRedisClickCounter(redis: Redis, keyPrefix: string, timeoutMs: number): ClickCounter {
  return {
    async increment(linkId) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<null>((resolve) => {
        timer = setTimeout(() => resolve(null), timeoutMs);
      });
      try {
        return await Promise.race([redis.incr(`${keyPrefix}${linkId}`), late]);
      } catch {
        return null;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** One process, no Redis (the embedded default): the count lives and dies with the process. */
export function createMemoryClickCounter(): ClickCounter {
  const counts = new Map<number, number>();
  return {
    async increment(linkId) {
      const count = (counts.get(linkId) ?? 0) + 1;
      counts.set(linkId, count);
      return count;
    },
  };
}

export interface ClickLimiter {
  /** False when this click is past the link's limit; true when under it or unknown. */
  admit(linkId: number, maxClicks: number): Promise<boolean>;
}

/**
 * Remembers links found used up (with the limit they had), so their later clicks answer
 * without asking Redis; raising the limit asks again.
 */
export function createClickLimiter(counter: ClickCounter, onUnknown: () => void = () => {}): ClickLimiter {
  const usedUp = new Map<number, number>();
  return {
    async admit(linkId, maxClicks) {
      const limitSeen = usedUp.get(linkId);
      if (limitSeen !== undefined && maxClicks <= limitSeen) return false;
      const count = await counter.increment(linkId);
      if (count === null) {
        onUnknown();
        return true;
      }
      if (count <= maxClicks) return true;
      usedUp.set(linkId, maxClicks);
      if (usedUp.size > 10_000) usedUp.delete(usedUp.keys().next().value as number);
      return false;
    },
  };
}
