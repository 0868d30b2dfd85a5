import { Worker } from 'node:worker_threads';
import type { PreparedBatch } from './fold-batch.ts';
import type { PackedValues } from './packed-values.ts';

export interface PrepareRequest {
  id: number;
  packed: PackedValues;
}

/** A batch as the worker thread left it. */
export interface Prepared {
  id: number;
  /** Clicks and impressions parsed. */
  events: number;
  /** Messages not counted, by reason. */
  skipped: Record<string, number>;
  /** App events (topic `events`) in the batch. */
  conversions: number;
  /** The statement's parameters; none when the batch holds app events. */
  batch: PreparedBatch | undefined;
}

// A batch of 10,000 messages is about 7 MB of JSON (1.5 MB of stats headers) and more parsed,
// all of it garbage once its parameters are built. A young generation that holds a whole
// batch lets most of it die there instead of being copied to the old generation: with 16 MB,
// V8's GC helper threads used 10-13 µs of CPU an event, as much as half the thread's own;
// 64 MB took about a fifth off that, alternated in the same minutes (README, Statistics
// benchmarks). A process flag wins over this limit: under the Procfile's
// `--max-semi-space-size=8` the thread's semi-spaces are 8 MB too (`--trace-gc-nvp`), and
// 16 or 32 there folded no faster while RSS grew by 20 and 80 MB (README).
const THREAD_HEAP = { maxYoungGenerationSizeMb: 64, maxOldGenerationSizeMb: 128 };

export interface BatchPreparer {
  prepare(packed: PackedValues): Promise<Prepared>;
  /**
   * Forgets which rows earlier batches stored (stored-rows.ts): a consumer's session calls
   * this when it starts, since the last one may have dropped batches that never committed.
   */
  forgetStored(): void;
  close(): Promise<void>;
}

/**
 * Parses batches and builds their statements in a worker thread. On the main thread that
 * work (JSON, the visitor's HMAC, grouping, quoting: about 15 µs a message) kept the event
 * loop busy in long stretches, and Postgres sat waiting for the next query, or for the
 * rest of one, in about a third of every fold (README, Statistics benchmarks). A thread that
 * fails fails its batches' promises, and the next batch starts a new one.
 */
export function createBatchPreparer(hashKey: string): BatchPreparer {
  let worker: Worker | undefined;
  let nextId = 0;
  const pending = new Map<number, { thread: Worker; resolve: (p: Prepared) => void; reject: (err: unknown) => void }>();

  // Only that thread's batches: an 'exit' that follows an 'error' may come after the next
  // batch already went to a new thread.
  const failAll = (thread: Worker, err: unknown) => {
    for (const [id, p] of pending) {
      if (p.thread !== thread) continue;
      p.reject(err);
      pending.delete(id);
    }
  };

  const start = (): Worker => {
    // Its heap as capped as the main thread's (Procfile): V8 would size it from the host's
    // memory, not the dyno's.
    const thread = new Worker(new URL('./prepare-thread.ts', import.meta.url), { workerData: { hashKey }, resourceLimits: THREAD_HEAP });
    thread.on('message', (reply: Prepared) => {
      pending.get(reply.id)?.resolve(reply);
      pending.delete(reply.id);
    });
    thread.on('error', (err) => {
      if (worker === thread) worker = undefined;
      failAll(thread, err);
    });
    thread.on('exit', (code) => {
      if (worker === thread) worker = undefined;
      failAll(thread, new Error(`the stats prepare thread exited (code ${code})`));
    });
    // Never what keeps a process alive: close() ends it, and so does the process's exit.
    thread.unref();
    return thread;
  };
  // Started now, so loading its modules overlaps joining the consumer group.
  worker = start();

  return {
    prepare(packed) {
      const thread = (worker ??= start());
      const id = ++nextId;
      const reply = new Promise<Prepared>((resolve, reject) => pending.set(id, { thread, resolve, reject }));
      thread.postMessage({ id, packed } satisfies PrepareRequest);
      return reply;
    },
    forgetStored() {
      worker?.postMessage({ forgetStored: true });
    },
    async close() {
      const thread = worker;
      worker = undefined;
      if (!thread) return;
      await thread.terminate();
      failAll(thread, new Error('the stats consumer stopped'));
    },
  };
}
