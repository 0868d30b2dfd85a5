import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Database } from '../src/db/client.ts';
import type { Logger } from '../src/shared/logger.ts';
import { createBenchConsumer, createBenchTopics, startBenchWorker } from './stats-pipeline.ts';

export interface Freshness {
  rate: number;
  clicks: number;
  /** Milliseconds from a click entering the queue to its fold committing. */
  p50: number;
  p99: number;
  max: number;
  /** Clicks not counted within a minute after the last was queued. */
  late: number;
}

const TICK_MS = 50;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Clicks queued at a steady `rate` (as the web process queues them after its 302) while
 * the worker and the stats consumer run: how long until each is counted. A tick's clicks
 * count as counted when the consumer's folded total first reaches their number (folds
 * commit whole batches, and a batch holds the oldest queued clicks).
 */
export async function benchFreshness(opts: {
  bootstrap: string;
  db: Database;
  redis: Redis;
  redisUrl: string;
  logger: Logger;
  rate: number;
  seconds: number;
  batchSize: number;
  makeLines: (n: number) => string[];
}): Promise<Freshness> {
  const prefix = `bench_fresh_${process.pid}_`;
  const { topics, groupId } = await createBenchTopics(opts.bootstrap, prefix);
  const perTick = Math.max(1, Math.round((opts.rate * TICK_MS) / 1000));
  const ticks = Math.round((opts.seconds * 1000) / TICK_MS);
  const lines = opts.makeLines(perTick * ticks);
  const queueKey = `clicktrack_bench:${randomUUID()}`;
  const worker = await startBenchWorker({ bootstrap: opts.bootstrap, redisUrl: opts.redisUrl, queueKey, prefix, logger: opts.logger });
  const { consumer, metrics } = createBenchConsumer({ db: opts.db, bootstrap: opts.bootstrap, topics, groupId, logger: opts.logger, batchSize: opts.batchSize });
  void worker.run();
  void consumer.run();
  // Both joined and idle before the clock starts.
  await sleep(3_000);
  const queued: { at: number; total: number }[] = [];
  const counted: { at: number; total: number }[] = [];
  let polling = true;
  const poller = (async () => {
    while (polling) {
      counted.push({ at: performance.now(), total: metrics.totals().folded });
      await sleep(10);
    }
  })();
  try {
    const start = performance.now();
    for (let t = 0; t < ticks; t++) {
      await opts.redis.lpush(queueKey, ...lines.slice(t * perTick, (t + 1) * perTick));
      queued.push({ at: performance.now(), total: (t + 1) * perTick });
      const next = start + (t + 1) * TICK_MS;
      await sleep(Math.max(0, next - performance.now()));
    }
    const deadline = Date.now() + 60_000;
    while (metrics.totals().folded < lines.length && Date.now() < deadline) await sleep(20);
  } finally {
    polling = false;
    await poller;
    // The poller may have stopped just before the last fold it waited for: without this
    // sample the last tick's clicks read as never counted.
    counted.push({ at: performance.now(), total: metrics.totals().folded });
    await worker.stop();
    await consumer.stop();
    await opts.redis.del(queueKey);
  }
  const delays: number[] = [];
  let late = 0;
  let c = 0;
  for (const q of queued) {
    while (c < counted.length && (counted[c] as { total: number }).total < q.total) c++;
    if (c === counted.length) late += perTick;
    else delays.push((counted[c] as { at: number }).at - q.at);
  }
  delays.sort((a, b) => a - b);
  const pick = (p: number) => Math.round(delays[Math.min(delays.length - 1, Math.floor(delays.length * p))] ?? Number.NaN);
  return { rate: opts.rate, clicks: lines.length, p50: pick(0.5), p99: pick(0.99), max: Math.round(delays.at(-1) ?? Number.NaN), late };
}
