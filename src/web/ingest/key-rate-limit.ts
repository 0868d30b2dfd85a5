/**
 * Events per second per write key, in this process: a token bucket that refills at
 * `eventsPerSecond` and holds at least one full batch, so a key limited below 1,000
 * events/s can still send a batch now and then. A write key ships in every copy of an app,
 * so the limit is for a runaway client or a leaked key, not for one device.
 */
export interface KeyRateLimit {
  /** 0 when the events may go now (and takes them); else whole seconds to wait. */
  take(keyId: number, events: number): number;
}

export function createKeyRateLimit(eventsPerSecond: number, burst: number, now: () => number = Date.now): KeyRateLimit {
  if (eventsPerSecond <= 0) return { take: () => 0 };
  const capacity = Math.max(eventsPerSecond, burst);
  const buckets = new Map<number, { tokens: number; at: number }>();
  return {
    take(keyId, events) {
      const t = now();
      const bucket = buckets.get(keyId) ?? { tokens: capacity, at: t };
      bucket.tokens = Math.min(capacity, bucket.tokens + ((t - bucket.at) / 1000) * eventsPerSecond);
      bucket.at = t;
      buckets.set(keyId, bucket);
      if (bucket.tokens >= events) {
        bucket.tokens -= events;
        return 0;
      }
      return Math.max(1, Math.ceil((events - bucket.tokens) / eventsPerSecond));
    },
  };
}
