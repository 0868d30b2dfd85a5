import type { Logger } from '../shared/logger.ts';
import type { ClickStore } from './click-store.ts';

export interface ClickQueueOptions {
  /** The longest a click waits on a store before it is answered anyway. */
  pushTimeoutMs?: number;
  /** Lines held in memory while no store takes them; past this, new lines are dropped and counted. */
  bufferMaxLines?: number;
  retryIntervalMs?: number;
  /** A store that failed or stalled is skipped this long, then probed by the buffer flush. */
  storeCooldownMs?: number;
  flushBatchLines?: number;
}

export interface ClickQueueObserver {
  pushFailed(store: string): void;
  buffered(lines: number): void;
  dropped(lines: number): void;
  bufferSize(lines: number): void;
}

/** queued: a store took it; pending: still in flight, owned by the queue; buffered: in memory. */
export type PushOutcome = 'queued' | 'pending' | 'buffered' | 'dropped';

export interface ClickQueue {
  push(line: string): Promise<PushOutcome>;
  readonly bufferedLines: number;
  /** Waits for in-flight pushes and flushes the buffer; resolves with the lines still unsent. */
  drain(timeoutMs: number): Promise<number>;
  close(): Promise<void>;
}

interface StoreState {
  store: ClickStore;
  downUntil: number;
}

const noopObserver: ClickQueueObserver = { pushFailed() {}, buffered() {}, dropped() {}, bufferSize() {} };

/**
 * The click path's only contact with Redis. A push is bounded by `pushTimeoutMs`; a store
 * that fails or stalls is taken out of rotation for a cooldown, and its lines wait in a
 * bounded in-memory buffer that a background loop retries, so a Redis outage delays
 * clicks instead of failing or losing them.
 */
export function createClickQueue(
  stores: readonly ClickStore[],
  logger: Logger,
  options: ClickQueueOptions = {},
  observer: ClickQueueObserver = noopObserver,
  now: () => number = Date.now,
): ClickQueue {
  if (stores.length === 0) throw new Error('createClickQueue: at least one store is required');
  const pushTimeoutMs = options.pushTimeoutMs ?? 50;
  const bufferMaxLines = options.bufferMaxLines ?? 100_000;
  const retryIntervalMs = options.retryIntervalMs ?? 250;
  const cooldownMs = options.storeCooldownMs ?? 1_000;
  const flushBatchLines = options.flushBatchLines ?? 500;
  const maxBatchLines = 1_000;

  const states: StoreState[] = stores.map((store) => ({ store, downUntil: 0 }));
  const inFlight = new Set<Promise<unknown>>();
  let buffer: string[] = [];
  let next = 0;
  let flushTimer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> | undefined;
  let closed = false;
  let dropping = false;

  function healthyStore(): StoreState | undefined {
    const t = now();
    for (let i = 0; i < states.length; i++) {
      const state = states[(next + i) % states.length]!;
      if (state.downUntil <= t) {
        next = (next + i + 1) % states.length;
        return state;
      }
    }
    return undefined;
  }

  function markDown(state: StoreState, reason: unknown): void {
    observer.pushFailed(state.store.name);
    if (state.downUntil <= now()) {
      logger.warn({ store: state.store.name, err: reason }, 'click store unavailable; buffering clicks in memory');
    }
    state.downUntil = now() + cooldownMs;
  }

  function addToBuffer(lines: string[]): PushOutcome {
    const room = bufferMaxLines - buffer.length;
    const kept = lines.length <= room ? lines : lines.slice(0, Math.max(room, 0));
    if (kept.length > 0) {
      buffer.push(...kept);
      observer.buffered(kept.length);
    }
    const lost = lines.length - kept.length;
    if (lost > 0) {
      observer.dropped(lost);
      if (!dropping) logger.error({ bufferMaxLines }, 'click buffer full; dropping clicks until a store recovers');
      dropping = true;
    }
    observer.bufferSize(buffer.length);
    scheduleFlush(retryIntervalMs);
    return kept.length === lines.length ? 'buffered' : 'dropped';
  }

  function scheduleFlush(delayMs: number): void {
    if (flushTimer || closed || buffer.length === 0) return;
    flushTimer = setTimeout(() => {
      flushTimer = undefined;
      void flushOnce();
    }, delayMs);
    flushTimer.unref();
  }

  function flushOnce(): Promise<void> {
    // With nothing to flush the loop below would finish synchronously, its `finally` would
    // clear `flushing` before `??=` stores the settled promise, and every later flush would
    // return that promise without sending anything: buffered clicks stuck for good.
    if (!flushing && buffer.length === 0) return Promise.resolve();
    flushing ??= (async () => {
      try {
        while (buffer.length > 0) {
          // Probe a cooled-down store; if all are cooling down, try the least recently failed.
          const state = healthyStore() ?? states.reduce((a, b) => (a.downUntil <= b.downUntil ? a : b));
          const batch = buffer.slice(0, flushBatchLines);
          try {
            await state.store.push(batch);
          } catch (err) {
            markDown(state, err);
            return;
          }
          state.downUntil = 0;
          buffer = buffer.slice(batch.length);
          observer.bufferSize(buffer.length);
          if (buffer.length === 0) {
            logger.info({ store: state.store.name }, 'click buffer flushed; clicks go straight to the store again');
            dropping = false;
          }
        }
      } finally {
        flushing = undefined;
        scheduleFlush(retryIntervalMs);
      }
    })();
    return flushing;
  }

  function track<T>(promise: Promise<T>): Promise<T> {
    inFlight.add(promise);
    void promise.finally(() => inFlight.delete(promise));
    return promise;
  }

  interface Batch {
    lines: string[];
    result: Promise<PushOutcome>;
    settle: (outcome: PushOutcome) => void;
    sent: boolean;
  }
  let batch: Batch | undefined;

  // Clicks that arrive in the same turn of the event loop share one LPUSH, one promise and
  // one timer: per click that leaves an array push, which is what keeps the redirect cheap.
  function sendBatch(current: Batch): void {
    if (current.sent) return;
    current.sent = true;
    if (batch === current) batch = undefined;
    const { lines, settle } = current;
    const state = healthyStore();
    if (!state) return settle(addToBuffer(lines));
    const timer = setTimeout(() => {
      // A stalled store would slow every click: skip it while this push finishes or fails.
      if (state.downUntil <= now()) markDown(state, new Error(`push took over ${pushTimeoutMs} ms`));
      settle('pending');
    }, pushTimeoutMs);
    void track(
      state.store.push(lines).then(
        (): PushOutcome => 'queued',
        (err: unknown): PushOutcome => {
          markDown(state, err);
          return addToBuffer(lines);
        },
      ),
    ).then((outcome) => {
      clearTimeout(timer);
      settle(outcome);
    });
  }

  return {
    push(line) {
      if (!batch) {
        let settle: (outcome: PushOutcome) => void = () => {};
        const result = new Promise<PushOutcome>((resolve) => (settle = resolve));
        const next: Batch = { lines: [], result, settle, sent: false };
        batch = next;
        setImmediate(() => sendBatch(next));
      }
      const current = batch;
      current.lines.push(line);
      if (current.lines.length >= maxBatchLines) sendBatch(current);
      return current.result;
    },
    get bufferedLines() {
      return buffer.length;
    },
    async drain(timeoutMs) {
      const until = now() + timeoutMs;
      if (batch) sendBatch(batch);
      await Promise.race([Promise.allSettled([...inFlight]), sleep(timeoutMs)]);
      while (buffer.length > 0 && now() < until) {
        await flushOnce();
        if (buffer.length > 0) await sleep(Math.min(retryIntervalMs, Math.max(until - now(), 0)));
      }
      return buffer.length + inFlight.size;
    },
    async close() {
      closed = true;
      clearTimeout(flushTimer);
      await Promise.all(stores.map((s) => s.close()));
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
