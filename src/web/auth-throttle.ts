import { LRUCache } from 'lru-cache';

export interface AuthThrottleOptions {
  /** Wrong keys an address may present within `windowMs` before it is refused. */
  maxFailures?: number;
  windowMs?: number;
  /** Addresses remembered at once; the least recently seen are forgotten first. */
  maxAddresses?: number;
  now?: () => number;
}

export interface AuthThrottle {
  /** Whole seconds until `ip` may try a key again; 0 when it may now. */
  retryAfterSeconds(ip: string): number;
  /** Counts a wrong key; true when this one used up the address's allowance. */
  failed(ip: string): boolean;
  succeeded(ip: string): void;
}

interface Attempts {
  failures: number;
  firstAt: number;
}

/**
 * Slows key guessing against the API and the admin sign-in: an address that presents
 * `maxFailures` wrong keys within the window is refused, whatever key it sends, until the
 * window ends. Generated keys cannot be guessed anyway; a hand-picked one might be.
 */
export function createAuthThrottle(options: AuthThrottleOptions = {}): AuthThrottle {
  const maxFailures = options.maxFailures ?? 10;
  const windowMs = options.windowMs ?? 15 * 60_000;
  const now = options.now ?? Date.now;
  const attempts = new LRUCache<string, Attempts>({ max: options.maxAddresses ?? 10_000 });

  function current(ip: string): Attempts | undefined {
    const entry = attempts.get(ip);
    if (entry && now() - entry.firstAt >= windowMs) {
      attempts.delete(ip);
      return undefined;
    }
    return entry;
  }

  return {
    retryAfterSeconds(ip) {
      const entry = current(ip);
      if (!entry || entry.failures < maxFailures) return 0;
      return Math.max(1, Math.ceil((entry.firstAt + windowMs - now()) / 1000));
    },
    failed(ip) {
      const entry = current(ip) ?? { failures: 0, firstAt: now() };
      entry.failures++;
      attempts.set(ip, entry);
      return entry.failures === maxFailures;
    },
    succeeded(ip) {
      attempts.delete(ip);
    },
  };
}
