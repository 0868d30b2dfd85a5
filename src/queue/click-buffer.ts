import type { Logger } from '../shared/logger.ts';
import { withTimeout } from '../shared/with-timeout.ts';
import type { ClickSpool } from './click-spool.ts';
import type { StorePool } from './store-pool.ts';

export interface ClickBufferOptions {
  /** Lines held in memory; past this, and with no spool taking them, lines are dropped. */
  maxLines: number;
  retryIntervalMs: number;
  flushBatchLines: number;
  /** Lines older than this that no store takes go to the spool. */
  spillAfterMs: number;
  /** How often the spool is checked for lines to bring back to Redis. */
  restoreIntervalMs: number;
  /** A spool write or restore that takes longer counts as failed (Postgres may hang). */
  spoolTimeoutMs: number;
}

export interface ClickBufferObserver {
  buffered(lines: number): void;
  dropped(lines: number): void;
  bufferSize(lines: number): void;
  spilled(lines: number): void;
  restored(lines: number): void;
}

/**
 * Where clicks wait when no store takes them in time: memory first, then the spool. A
 * background flush moves them to a store as soon as one answers; when none does for
 * `spillAfterMs`, or the process is stopping, they are written to the spool, which any
 * web process empties back into Redis once it is reachable. A line is dropped only when
 * memory is full and the spool refuses it too, and that is counted and logged.
 */
export interface ClickBuffer {
  /** Takes lines no store took; 'dropped' when some could not be kept. */
  add(lines: string[]): 'buffered' | 'dropped';
  readonly size: number;
  /** Flushes to a store, else spills; resolves with the lines still in memory. */
  drain(deadline: number): Promise<number>;
  close(): void;
}

export function createClickBuffer(
  pool: StorePool,
  spool: ClickSpool | undefined,
  logger: Logger,
  options: ClickBufferOptions,
  observer: ClickBufferObserver,
  now: () => number,
): ClickBuffer {
  let lines: string[] = [];
  /** When each chunk of lines arrived, oldest first: [arrival ms, line count]. */
  const arrivals: Array<[number, number]> = [];
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> | undefined;
  let restoring: Promise<void> | undefined;
  let closed = false;
  let dropping = false;
  let spoolDown = false;
  /** Spilling since the last time a store took the buffer: log the start of it once. */
  let spilling = false;
  // Whatever takes lines off the front of the buffer (a flush to a store, a spill) runs
  // alone: two at once would send the same front lines and then both cut them, cutting
  // lines that went nowhere. The stop's spill and a retry timer are the two that meet.
  let tail: Promise<unknown> = Promise.resolve();
  function exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = tail.then(work, work);
    tail = run.catch(() => {});
    return run;
  }

  function take(n: number): void {
    lines = lines.slice(n);
    while (n > 0 && arrivals.length > 0) {
      const first = arrivals[0]!;
      if (first[1] <= n) {
        n -= first[1];
        arrivals.shift();
      } else {
        first[1] -= n;
        n = 0;
      }
    }
    observer.bufferSize(lines.length);
  }

  function schedule(delayMs: number): void {
    if (timer || closed) return;
    timer = setTimeout(() => {
      timer = undefined;
      void flush();
      void restore();
    }, delayMs);
    timer.unref();
  }

  // The promise is stored before anything can settle it: `.finally` runs on a later
  // microtask, so an empty buffer cannot leave a settled promise behind that makes every
  // later flush a no-op (the bug that kept clicks in memory until exit).
  function flush(): Promise<void> {
    flushing ??= exclusive(flushToStores).finally(() => {
      flushing = undefined;
      if (lines.length > 0) schedule(options.retryIntervalMs);
    });
    return flushing;
  }

  async function flushToStores(): Promise<void> {
    while (lines.length > 0) {
      const batch = lines.slice(0, options.flushBatchLines);
      try {
        await pool.push(batch);
      } catch {
        const oldest = arrivals[0]?.[0] ?? now();
        if (now() - oldest >= options.spillAfterMs) await spill(false);
        return;
      }
      take(batch.length);
      if (lines.length === 0) {
        logger.info('click buffer flushed; clicks go straight to the store again');
        dropping = false;
        spilling = false;
      }
    }
  }

  /** Writes the buffer to the spool; true when memory is empty afterwards. */
  async function spill(stopping: boolean): Promise<boolean> {
    if (!spool) return lines.length === 0;
    while (lines.length > 0) {
      const batch = lines.slice(0, 10_000);
      try {
        await withTimeout(spool.write(batch), options.spoolTimeoutMs, () => new Error(`spool write took over ${options.spoolTimeoutMs} ms`));
      } catch (err) {
        if (!spoolDown) logger.error({ reason: (err as Error).message, lines: lines.length }, 'click spool unavailable; clicks stay in memory');
        spoolDown = true;
        return false;
      }
      take(batch.length);
      observer.spilled(batch.length);
      if (spoolDown || !spilling || stopping) logger.warn({ lines: batch.length, stopping }, 'clicks go to the spool until a store takes them');
      spoolDown = false;
      spilling = true;
    }
    dropping = false;
    return true;
  }

  async function restoreFromSpool(): Promise<void> {
    if (!spool || pool.healthy() === undefined) return;
    let total = 0;
    try {
      for (;;) {
        const moved = await withTimeout(spool.restore((batch) => pool.push(batch), options.flushBatchLines), options.spoolTimeoutMs, () => new Error('spool restore timed out'));
        total += moved;
        if (moved > 0) observer.restored(moved);
        if (moved < options.flushBatchLines || closed) break;
      }
    } catch {
      // A store or Postgres failed: the rest stays in the spool for the next round.
    }
    if (total > 0) logger.info({ lines: total }, 'spooled clicks returned to the store');
  }

  function restore(): Promise<void> {
    restoring ??= restoreFromSpool().finally(() => (restoring = undefined));
    return restoring;
  }

  // Lines another process spilled (one that stopped during an outage) come back from here.
  const poll = spool ? setInterval(() => void restore(), options.restoreIntervalMs) : undefined;
  poll?.unref();
  if (spool) schedule(0);

  return {
    add(incoming) {
      const room = options.maxLines - lines.length;
      const kept = incoming.length <= room ? incoming : incoming.slice(0, Math.max(room, 0));
      if (kept.length > 0) {
        lines.push(...kept);
        arrivals.push([now(), kept.length]);
        observer.buffered(kept.length);
      }
      const lost = incoming.length - kept.length;
      if (lost > 0) {
        observer.dropped(lost);
        if (!dropping) logger.error({ maxLines: options.maxLines }, 'click buffer full and no spool takes clicks; dropping until one recovers');
        dropping = true;
      }
      observer.bufferSize(lines.length);
      // Half full: do not wait for the timer, the spool should take the load now.
      if (lines.length >= options.maxLines / 2) void flush();
      else schedule(options.retryIntervalMs);
      return lost === 0 ? 'buffered' : 'dropped';
    },
    get size() {
      return lines.length;
    },
    async drain(deadline) {
      while (lines.length > 0 && now() < deadline) {
        await flush();
        // No store took everything: on the way out, the spool is the place to wait.
        if (lines.length === 0 || (await exclusive(() => spill(true)))) break;
        await sleep(Math.min(options.retryIntervalMs, Math.max(deadline - now(), 0)));
      }
      return lines.length;
    },
    close() {
      closed = true;
      clearTimeout(timer);
      clearInterval(poll);
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
