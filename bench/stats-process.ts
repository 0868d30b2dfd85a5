import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { sql } from 'drizzle-orm';
import type { Database } from '../src/db/client.ts';
import type { Logger } from '../src/shared/logger.ts';
import { queryRows } from '../src/stats/sql-rows.ts';
import { buildAsDeployed, spawnAsDeployed } from './procfile-flags.ts';
import { createBenchTopics, startBenchWorker } from './stats-pipeline.ts';

export interface StatsProcessRun {
  events: number;
  /** Events/s from the first counted event to the last (the process's start left out). */
  perSecond: number;
  /** Seconds from spawning the process to its first counted event. */
  startSeconds: number;
  peakRssMb: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The stats process exactly as the Procfile starts it (its V8 flags, the compile cache, its
 * own heap and its thread's), folding a backlog of `lines` the worker put into Kafka: the
 * rate a deployed consumer catches up at, and the memory it needs for that (a basic dyno
 * has 512 MB).
 */
export async function benchStatsProcess(opts: { bootstrap: string; databaseUrl: string; db: Database; redis: Redis; redisUrl: string; logger: Logger; lines: string[] }): Promise<StatsProcessRun> {
  buildAsDeployed();
  const prefix = `bench_process_${process.pid}_`;
  await createBenchTopics(opts.bootstrap, prefix);
  const queueKey = `clicktrack_bench:${randomUUID()}`;
  for (let i = 0; i < opts.lines.length; i += 5000) await opts.redis.lpush(queueKey, ...opts.lines.slice(i, i + 5000));
  const worker = await startBenchWorker({ bootstrap: opts.bootstrap, redisUrl: opts.redisUrl, queueKey, prefix, logger: opts.logger });
  void worker.run();
  const drained = Date.now() + 300_000;
  while ((await worker.metrics.summary()).delivered < opts.lines.length && Date.now() < drained) await sleep(20);
  await worker.stop();
  await opts.redis.del(queueKey);

  const spawned = performance.now();
  const child = spawnAsDeployed('stats', 'src/stats/index.ts', {
    DATABASE_URL: opts.databaseUrl,
    KAFKA_URL: opts.bootstrap,
    KAFKA_PREFIX: prefix,
    NODE_ENV: 'production',
    STATS_HASH_KEY: 'bench',
    LOG_LEVEL: 'warn',
  });
  try {
    // Messages folded: the stored offsets of the process's own topics (they start at 0). Not
    // count(*) of the dedupe rows, which costs Postgres more the more rows earlier runs left.
    const counted = async () =>
      Number((await queryRows<{ n: string | null }>(opts.db, sql`select sum(next_offset)::text as n from stats_offsets where starts_with(topic, ${prefix})`))[0]?.n ?? 0);
    let first: { at: number; n: number } | undefined;
    const deadline = Date.now() + 300_000;
    for (;;) {
      const n = await counted();
      if (n > 0) first ??= { at: performance.now(), n };
      if (n >= opts.lines.length) break;
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the stats process counted ${n} of ${opts.lines.length}`);
      await sleep(50);
    }
    const end = performance.now();
    const hwm = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0);
    const from = first as { at: number; n: number };
    return { events: opts.lines.length, perSecond: (opts.lines.length - from.n) / ((end - from.at) / 1000), startSeconds: (from.at - spawned) / 1000, peakRssMb: hwm / 1024 };
  } finally {
    child.kill('SIGKILL');
  }
}
