import type { Logger } from '../shared/logger.ts';
import { createClickBuffer, type ClickBufferObserver } from './click-buffer.ts';
import type { ClickSpool } from './click-spool.ts';
import type { ClickStore } from './click-store.ts';
import { createStorePool } from './store-pool.ts';

export interface ClickQueueOptions {
  /** The longest a click waits on a store before it is answered anyway. */
  pushTimeoutMs?: number;
  /** Lines held in memory while no store takes them; past this, and with the spool refusing them too, lines are dropped and counted. */
  bufferMaxLines?: number;
  retryIntervalMs?: number;
  /** A store that failed or stalled is skipped this long, then probed by the buffer flush. */
  storeCooldownMs?: number;
  flushBatchLines?: number;
  /** Durable overflow for lines no store takes; without it they wait in memory only. */
  spool?: ClickSpool | undefined;
  /** Buffered lines older than this, with no store taking them, are written to the spool. */
  spillAfterMs?: number;
  restoreIntervalMs?: number;
  spoolTimeoutMs?: number;
}

export interface ClickQueueObserver extends ClickBufferObserver {
  pushFailed(store: string): void;
}

/** queued: a store took it; pending: still in flight, owned by the queue; buffered: in memory. */
export type PushOutcome = 'queued' | 'pending' | 'buffered' | 'dropped';

export interface ClickQueue {
  push(line: string): Promise<PushOutcome>;
  readonly bufferedLines: number;
  /** Waits for in-flight pushes, then flushes the buffer to a store or the spool; resolves with the lines still unsent. */
  drain(timeoutMs: number): Promise<number>;
  close(): Promise<void>;
}

const noopObserver: ClickQueueObserver = {
  pushFailed() {},
  buffered() {},
  dropped() {},
  bufferSize() {},
  spilled() {},
  restored() {},
};

/**
 * The click path's only contact with Redis. A push is bounded by `pushTimeoutMs`; a store
 * that fails or stalls is taken out of rotation for a cooldown, and its lines go to the
 * buffer (memory, then the spool), so a Redis outage delays clicks instead of failing or
 * losing them.
 */
export function createClickQueue(
  stores: readonly ClickStore[],
  logger: Logger,
  options: ClickQueueOptions = {},
  observer: ClickQueueObserver = noopObserver,
  now: () => number = Date.now,
): ClickQueue {
  const pushTimeoutMs = options.pushTimeoutMs ?? 50;
  const maxBatchLines = 1_000;
  const pool = createStorePool(stores, logger, options.storeCooldownMs ?? 1_000, observer.pushFailed, now);
  const buffer = createClickBuffer(
    pool,
    options.spool,
    logger,
    {
      maxLines: options.bufferMaxLines ?? 100_000,
      retryIntervalMs: options.retryIntervalMs ?? 250,
      flushBatchLines: options.flushBatchLines ?? 500,
      spillAfterMs: options.spillAfterMs ?? 1_000,
      restoreIntervalMs: options.restoreIntervalMs ?? 2_000,
      spoolTimeoutMs: options.spoolTimeoutMs ?? 5_000,
    },
    observer,
    now,
  );
  const inFlight = new Set<Promise<unknown>>();

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
    const state = pool.healthy();
    if (!state) {
      settle(buffer.add(lines));
      return;
    }
    const outages = state.outages;
    const timer = setTimeout(() => {
      // A stalled store would slow every click: skip it while this push finishes or fails.
      if (state.downUntil <= now()) pool.markDown(state, new Error(`push took over ${pushTimeoutMs} ms`));
      settle('pending');
    }, pushTimeoutMs);
    void track(
      state.store.push(lines).then(
        (): PushOutcome => {
          if (state.down) pool.markUp(state, outages);
          return 'queued';
        },
        (err: unknown): PushOutcome => {
          pool.markDown(state, err);
          return buffer.add(lines);
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
      return buffer.size;
    },
    async drain(timeoutMs) {
      const deadline = now() + timeoutMs;
      if (batch) sendBatch(batch);
      // A stalled push ends by the store's command timeout and lands in the buffer.
      await Promise.race([Promise.allSettled([...inFlight]), sleep(timeoutMs)]);
      return (await buffer.drain(deadline)) + inFlight.size;
    },
    async close() {
      buffer.close();
      await Promise.all(stores.map((s) => s.close()));
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
