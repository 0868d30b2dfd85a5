import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import type { Database } from '../src/db/client.ts';
import type { Logger } from '../src/shared/logger.ts';
import { queryRows } from '../src/stats/sql-rows.ts';
import { buildAsDeployed, spawnAsDeployed } from './procfile-flags.ts';
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
  const { perTick, ticks, lines, queueKey } = schedule(opts);
  const worker = await startBenchWorker({ bootstrap: opts.bootstrap, redisUrl: opts.redisUrl, queueKey, prefix, logger: opts.logger });
  const { consumer, metrics } = createBenchConsumer({ db: opts.db, bootstrap: opts.bootstrap, topics, groupId, logger: opts.logger, batchSize: opts.batchSize });
  void worker.run();
  void consumer.run();
  // Both joined and idle before the clock starts.
  await sleep(3_000);
  try {
    return await queueAndWatch({ redis: opts.redis, queueKey, lines, perTick, ticks, rate: opts.rate, counted: () => metrics.totals().folded });
  } finally {
    await worker.stop();
    await consumer.stop();
    await opts.redis.del(queueKey);
  }
}

/** The clicks of a run, as many every tick as make `rate` a second for `seconds`, and a queue of their own. */
function schedule(opts: { rate: number; seconds: number; makeLines: (n: number) => string[] }) {
  const perTick = Math.max(1, Math.round((opts.rate * TICK_MS) / 1000));
  const ticks = Math.round((opts.seconds * 1000) / TICK_MS);
  return { perTick, ticks, lines: opts.makeLines(perTick * ticks), queueKey: `clicktrack_bench:${randomUUID()}` };
}

/**
 * Queues `lines` at a steady rate, `perTick` every tick, and samples how many are counted
 * (`counted`) until all are, or a minute after the last: the time from each tick's queueing to
 * its clicks being counted.
 */
async function queueAndWatch(opts: { redis: Redis; queueKey: string; lines: string[]; perTick: number; ticks: number; rate: number; counted: () => number | Promise<number> }): Promise<Freshness> {
  const { lines, perTick, ticks } = opts;
  const queued: { at: number; total: number }[] = [];
  const counted: { at: number; total: number }[] = [];
  let polling = true;
  const poller = (async () => {
    while (polling) {
      counted.push({ at: performance.now(), total: await opts.counted() });
      await sleep(10);
    }
  })();
  try {
    const start = performance.now();
    for (let t = 0; t < ticks; t++) {
      await opts.redis.lpush(opts.queueKey, ...lines.slice(t * perTick, (t + 1) * perTick));
      queued.push({ at: performance.now(), total: (t + 1) * perTick });
      const next = start + (t + 1) * TICK_MS;
      await sleep(Math.max(0, next - performance.now()));
    }
    const deadline = Date.now() + 60_000;
    while ((await opts.counted()) < lines.length && Date.now() < deadline) await sleep(20);
  } finally {
    polling = false;
    await poller;
    // The poller may have stopped just before the last fold it waited for: without this
    // sample the last tick's clicks read as never counted.
    counted.push({ at: performance.now(), total: await opts.counted() });
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

/**
 * The same, with the worker and the stats process each in a process of its own, as the
 * Procfile starts them (their flags, the compile cache): in the bench's own process the two
 * shared one event loop with the queueing, which no deployment does. Counted: the stats
 * process's stored offsets of its own topics (they start at 0).
 */
export async function benchFreshnessDeployed(opts: { bootstrap: string; databaseUrl: string; db: Database; redis: Redis; redisUrl: string; rate: number; seconds: number; makeLines: (n: number) => string[] }): Promise<Freshness> {
  buildAsDeployed();
  const prefix = `bench_fresh_deployed_${process.pid}_`;
  await createBenchTopics(opts.bootstrap, prefix);
  const { perTick, ticks, lines, queueKey } = schedule(opts);
  const common = { KAFKA_URL: opts.bootstrap, KAFKA_PREFIX: prefix, NODE_ENV: 'production', LOG_LEVEL: 'warn', METRICS_LOG_INTERVAL_MS: '0' };
  const children = [
    spawnAsDeployed('worker', 'src/worker/index.ts', { ...common, REDIS_URL: opts.redisUrl, REDIS_QUEUE_KEY: queueKey }),
    spawnAsDeployed('stats', 'src/stats/index.ts', { ...common, DATABASE_URL: opts.databaseUrl, STATS_HASH_KEY: 'bench' }),
  ];
  try {
    // Both started, joined and idle before the clock starts.
    await sleep(8_000);
    const exited = children.find((c) => c.exitCode !== null);
    if (exited) throw new Error(`a process of the deployed freshness run exited (${exited.exitCode})`);
    const counted = async () =>
      Number((await queryRows<{ n: string | null }>(opts.db, sql`select sum(next_offset)::text as n from stats_offsets where starts_with(topic, ${prefix})`))[0]?.n ?? 0);
    return await queueAndWatch({ redis: opts.redis, queueKey, lines, perTick, ticks, rate: opts.rate, counted });
  } finally {
    for (const child of children) child.kill('SIGKILL');
    await opts.redis.del(queueKey);
  }
}
