import type { Logger } from '../../shared/logger.ts';
import type { PreparedBatch } from '../batch.ts';
import type { EventSink } from '../sink/event-sink.ts';
import type { WorkList } from '../../queue/work-list.ts';

export interface DrainObserver {
  delivered(batch: PreparedBatch, seconds: number): void;
  produceFailed(): void;
}

export interface DrainLoopOptions {
  batchSize: number;
  /** How long one idle wait blocks in Redis; bounds how fast an idle loop notices stop(). */
  blockSeconds?: number;
  heartbeatTtlMs?: number;
  backoffInitialMs?: number;
  backoffMaxMs?: number;
}

export interface DrainLoop {
  /** Resolves when the loop has stopped and returned undelivered lines to the click list. */
  run(): Promise<void>;
  /** Takes no new batch; the current one is finished or returned within `deadlineMs`. */
  stop(deadlineMs?: number): Promise<void>;
}

const SLOTS = 2;
/** How long a stop waits for a loop that is not delivering (it may be stuck on Redis). */
const IDLE_STOP_GRACE_MS = 3_000;

/**
 * take → prepare → produce → acknowledge, with the next batch taken while the current
 * one is produced. Lines leave Redis only at `ack`, after the sink confirmed them, so a
 * crash anywhere in the loop costs a re-delivery, never a loss.
 */
export function createDrainLoop(
  list: WorkList,
  /** The same list on a connection of its own, for the blocking idle wait. */
  waitList: WorkList,
  sink: EventSink,
  /** May look things up (the attribution of events): a failure there is retried like a Redis failure. */
  prepare: (raw: string[], nowMs: number) => PreparedBatch | Promise<PreparedBatch>,
  logger: Logger,
  observer: DrainObserver,
  options: DrainLoopOptions,
): DrainLoop {
  const blockSeconds = options.blockSeconds ?? 1;
  const ttlMs = options.heartbeatTtlMs ?? 15_000;
  const backoffMaxMs = options.backoffMaxMs ?? 5_000;
  let stopping = false;
  let wakeUp: () => void = () => {};
  let giveUp: (value: 'deadline') => void = () => {};
  const stopDeadline = new Promise<'deadline'>((resolve) => (giveUp = resolve));
  let done: Promise<void> | undefined;
  let sinkDown = false;
  let redisDown = false;
  let delivering = false;
  /** A delivered batch whose acknowledgement Redis did not take. */
  let unacked: { slot: number; invalid: string[] } | undefined;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  async function keepAlive(): Promise<void> {
    await list.heartbeat(SLOTS, ttlMs);
    const moved = await list.recoverOrphans();
    if (moved > 0) logger.warn({ lines: moved }, 'returned lines of a stopped worker to the click list');
  }

  /** True once the sink confirmed the batch; false when stop() gave up on it. */
  async function deliver(batch: PreparedBatch): Promise<boolean> {
    let backoffMs = options.backoffInitialMs ?? 250;
    for (;;) {
      const started = performance.now();
      const attempt = sink.send(batch.messages).then(() => 'sent' as const);
      try {
        const outcome = await Promise.race([attempt, stopDeadline]);
        if (outcome === 'deadline') return false;
        if (sinkDown) logger.info({ sink: sink.name }, 'sink reachable again; delivering');
        sinkDown = false;
        observer.delivered(batch, (performance.now() - started) / 1000);
        return true;
      } catch (err) {
        attempt.catch(() => {});
        observer.produceFailed();
        if (!sinkDown) logger.error({ err, sink: sink.name }, 'sink unavailable; lines stay in Redis, retrying');
        sinkDown = true;
        if (stopping) return false;
        await sleep(backoffMs);
        backoffMs = Math.min(backoffMs * 2, backoffMaxMs);
      }
    }
  }

  async function step(slot: number, raw: string[]): Promise<{ slot: number; raw: string[] } | 'stop'> {
    if (raw.length === 0) {
      await waitList.waitForLine(slot, blockSeconds);
      return { slot, raw: await list.take(slot, options.batchSize) };
    }
    const other = (slot + 1) % SLOTS;
    const next = list.take(other, options.batchSize);
    next.catch(() => {});
    const batch = await prepare(raw, Date.now());
    delivering = true;
    const delivered = await deliver(batch).finally(() => (delivering = false));
    if (!delivered) return 'stop';
    // Before the acknowledgement: a crash here re-delivers the batch (duplicates by key,
    // which consumers drop) rather than losing a click's index entry or a parked event.
    await batch.settle?.();
    // Kafka has the batch: if Redis fails now, the acknowledgement is retried when it is
    // back, instead of taking the slot again and delivering the batch a second time.
    unacked = { slot, invalid: batch.invalid };
    await list.ack(slot, batch.invalid);
    unacked = undefined;
    return { slot: other, raw: stopping ? [] : await next };
  }

  async function ackDelivered(): Promise<void> {
    if (!unacked) return;
    await list.ack(unacked.slot, unacked.invalid);
    unacked = undefined;
  }

  async function loop(): Promise<void> {
    const heartbeat = setInterval(() => {
      keepAlive().catch((err: unknown) => logger.warn({ err }, 'worker heartbeat failed'));
    }, Math.max(ttlMs / 3, 100));
    let state: { slot: number; raw: string[] } = { slot: 0, raw: [] };
    let backoffMs = options.backoffInitialMs ?? 250;
    try {
      // Lines a previous run of this worker left in its slots go back first, then those of
      // workers that died; all are taken again in their turn.
      await returnSlots().catch(() => {});
      await keepAlive().catch(() => {});
      while (!stopping) {
        try {
          if (redisDown) {
            // Back from a Redis failure: acknowledge what Kafka already has, and return the
            // batch prefetched into the other slot, which would otherwise wait there until
            // this worker stops. The current slot is re-taken as is by the next step.
            await ackDelivered();
            await list.requeue((state.slot + 1) % SLOTS);
          }
          const next = await step(state.slot, state.raw);
          if (next === 'stop') break;
          state = next;
          if (redisDown) logger.info('Redis reachable again; draining');
          redisDown = false;
          backoffMs = options.backoffInitialMs ?? 250;
        } catch (err) {
          // Redis failed mid-step: whatever was taken is still in its slot and is taken
          // again (the slot is re-delivered as is) once Redis answers.
          if (!redisDown) logger.error({ err }, 'Redis unavailable; worker retrying');
          redisDown = true;
          state = { slot: state.slot, raw: [] };
          await sleep(backoffMs);
          backoffMs = Math.min(backoffMs * 2, backoffMaxMs);
        }
      }
    } finally {
      clearInterval(heartbeat);
      await returnSlots();
    }
  }

  async function returnSlots(): Promise<void> {
    try {
      // A delivered batch is acknowledged, never returned; whatever else is still in a
      // slot (the batch given up on, a prefetched one) goes back.
      await ackDelivered();
      let returned = 0;
      for (let s = 0; s < SLOTS; s++) returned += await list.requeue(s);
      if (returned > 0) logger.info({ lines: returned }, 'returned undelivered lines to the click list');
      await list.retire(SLOTS);
    } catch (err) {
      // The slots stay registered; another worker returns them once the heartbeat expires.
      logger.error({ err }, 'could not return slots at stop');
    }
  }

  return {
    run() {
      done ??= loop();
      return done;
    },
    async stop(deadlineMs = 8_000) {
      stopping = true;
      setTimeout(() => giveUp('deadline'), deadlineMs).unref();
      wakeUp();
      // With Redis down, returning the slots cannot finish; the lines are safe in them and
      // another worker returns them once this one's heartbeat has expired. So the stop
      // waits out a Kafka delivery up to the deadline, but a loop stuck on Redis only briefly.
      const started = Date.now();
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<void>((resolve) => {
        timer = setInterval(() => {
          const waited = Date.now() - started;
          if (waited > deadlineMs + 1_000 || (!delivering && waited > IDLE_STOP_GRACE_MS)) resolve();
        }, 100);
      });
      const outcome = await Promise.race([done?.then(() => 'stopped' as const), late.then(() => 'late' as const)]);
      clearInterval(timer);
      if (outcome === 'late') logger.warn('stopped without returning the slots (Redis unavailable); they return when the heartbeat expires');
    },
  };
}
