import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { Redis } from 'ioredis';
import { sql } from 'drizzle-orm';
import { startKafka } from '../scripts/kafka/broker.ts';
import { openPostgres } from '../src/db/database.ts';
import { encodeLine } from '../src/shared/click-line.ts';
import { createLogger } from '../src/shared/logger.ts';
import { linkClickCounts, queryGroups, queryStats, type StatsQuery } from '../src/stats/query.ts';
import { freePort } from '../test/support/processes.ts';
import { commandCpuMs, ownThreadsCpuMs } from './process-cpu.ts';
import { benchDatabase } from './services.ts';
import { benchFreshness, benchFreshnessDeployed, type Freshness } from './stats-freshness.ts';
import { benchStatsProcess, type StatsProcessRun } from './stats-process.ts';
import { createBenchConsumer, createBenchTopics, startBenchWorker } from './stats-pipeline.ts';
import { seedStatsClicks, statsQueryDatabase } from './stats-seed.ts';
import { USER_AGENTS } from './user-agents.ts';

/** Live clicks: their timestamps within the last minute, as the tracker stamps them. */
export const LIVE_SECONDS = 60;

export interface StatsBench {
  events: number;
  /** Per round, how far back its events' timestamps go (seconds): a day, or live. */
  spread: number[];
  /** Enriched worker drain, lines/s, per round: from its first delivered batch to its last. */
  worker: number[];
  /** Stats consumer fold, events/s, per round (same events, same run): from its first fold to its last. */
  stats: number[];
  /** The same two from the moment each was started (joining the group, loading its thread, the first batch included). */
  workerFromStart: number[];
  statsFromStart: number[];
  /** Share of the stats consumer's time spent in fold transactions, per round. */
  foldShare: number[];
  /** CPU per folded event (µs) while the consumer ran: all Postgres processes, the broker's JVM, this process. */
  cpu: Array<{ postgres: number; broker: number; consumer: number; threads: Record<string, number> }>;
  freshness?: Freshness;
  /** The same with the worker and the stats process as the Procfile starts them. */
  freshnessDeployed?: Freshness;
  process: StatsProcessRun;
}

/**
 * Click lines of 1,000 links whose timestamps go back `spreadSeconds`: a day (86,400, the
 * default) is a day's backlog, where a batch's events fall in 24 hours and most make an
 * hourly row of their own, the fold's worst case; `LIVE_SECONDS` is live traffic, where every
 * click's timestamp is the moment the tracker took it, so a batch shares its hour.
 */
export function makeLines(n: number, spreadSeconds = 86_400): string[] {
  const now = Math.floor(Date.now() / 1000);
  return Array.from({ length: n }, (_, i) =>
    encodeLine({
      ip: `${((i * 7919) % 223) + 1}.${(i * 104729) % 256}.${(i * 31) % 256}.${i % 256}`,
      ts: now - (i % spreadSeconds),
      topic: 'clicks',
      type: '/t/click',
      params: {
        click_id: randomUUID(),
        link_id: String((i % 1000) + 1),
        slug: `bench${i % 1000}`,
        campaign: `c${i % 20}`,
        network: ['meta', 'tiktok', 'google'][i % 3] as string,
        platform: ['ios', 'android', 'web'][i % 3] as string,
        lookup_key: `k${i % 30_000}`,
        ...(i % 4 === 0 ? { referer_host: 'news.example.com' } : {}),
      },
      userAgent: USER_AGENTS[i % USER_AGENTS.length]!,
    }),
  );
}

/**
 * Polls `done` (every 10 ms, for up to 5 minutes) until it reaches `total`: the rate from the
 * first output to the last, and from `started`. The first leaves out what only a start costs
 * (the consumer joining its group and loading its thread's modules, about 0.7 s of a 5 s
 * round; the worker connecting its producer), the same way for both, as the deployed process's
 * figure counts from its first count.
 */
async function watchRate(done: () => Promise<number>, total: number, started: number): Promise<{ steady: number; fromStart: number }> {
  const deadline = Date.now() + 300_000;
  let first: { at: number; n: number } | undefined;
  let n = 0;
  while ((n = await done()) < total && Date.now() < deadline) {
    if (!first && n > 0) first = { at: performance.now(), n };
    await new Promise((r) => setTimeout(r, 10));
  }
  const end = performance.now();
  const fromStart = n / ((end - started) / 1000);
  // Everything in the first poll (a tiny run): only the rate from the start is known.
  return { steady: first && end > first.at ? (n - first.n) / ((end - first.at) / 1000) : fromStart, fromStart };
}

/** The worker's enriched drain into Kafka, then the stats consumer folding the same events, alternated per round. */
export async function benchStatsConsumer(opts: {
  adminUrl: string;
  redisUrl: string;
  events: number;
  rounds: number;
  /** Rounds after those of a day's backlog whose events are live clicks. */
  liveRounds: number;
  batchSize: number;
  /** Clicks per second queued for the freshness part; 0 skips it. */
  freshRate: number;
  freshSeconds: number;
}): Promise<StatsBench> {
  const dataDir = `.kafka/bench-stats-${process.pid}`;
  const broker = await startKafka({ port: await freePort(), controllerPort: await freePort(), dataDir });
  const database = await benchDatabase(opts.adminUrl);
  const pg = openPostgres(database.url, { max: 4 });
  const redis = new Redis(opts.redisUrl);
  const logger = createLogger('warn', 'bench');
  const result: Omit<StatsBench, 'process'> & Partial<Pick<StatsBench, 'process'>> = {
    events: opts.events,
    spread: [],
    worker: [],
    stats: [],
    workerFromStart: [],
    statsFromStart: [],
    foldShare: [],
    cpu: [],
  };
  try {
    // First, on a fresh database: run after the rounds, on their 900,000 events' rows, the
    // process read 30,000-34,000/s where it reads 45,000-50,000 here (README, Statistics).
    result.process = await benchStatsProcess({ bootstrap: broker.bootstrap, databaseUrl: database.url, db: pg.db, redis, redisUrl: opts.redisUrl, logger, lines: makeLines(opts.events) });
    // Round -1 warms up and is not reported: the worker's code had run in this process before
    // (it filled the stats process's topics above), the consumer's had not, and the first
    // round of a cold consumer read up to 10% low (README, Statistics benchmarks).
    for (let round = -1; round < opts.rounds + opts.liveRounds; round++) {
      const warmUp = round < 0;
      const spread = round < opts.rounds ? 86_400 : LIVE_SECONDS;
      // New click ids every round: the dedupe rows of the last round would make these duplicates.
      const lines = makeLines(warmUp ? Math.ceil(opts.events / 5) : opts.events, spread);
      const prefix = `bench_stats_${process.pid}_${warmUp ? 'warm' : round}_`;
      const { topics, groupId } = await createBenchTopics(broker.bootstrap, prefix);

      const queueKey = `clicktrack_bench:${randomUUID()}`;
      for (let i = 0; i < lines.length; i += 5000) await redis.lpush(queueKey, ...lines.slice(i, i + 5000));
      const worker = await startBenchWorker({ bootstrap: broker.bootstrap, redisUrl: opts.redisUrl, queueKey, prefix, logger });
      let started = performance.now();
      void worker.run();
      const delivered = await watchRate(
        async () => (await worker.metrics.summary()).delivered,
        lines.length,
        started,
      );
      if (!warmUp) console.log(`  round ${round + 1}: worker delivered ${(await worker.metrics.summary()).delivered}`);
      await worker.stop();
      await redis.del(queueKey);

      const { consumer, metrics } = createBenchConsumer({ db: pg.db, bootstrap: broker.bootstrap, topics, groupId, logger, batchSize: opts.batchSize });
      // The machine's other work counts too: read it on a quiet machine.
      const cpu0 = { postgres: commandCpuMs('postgres'), broker: commandCpuMs('java'), consumer: process.cpuUsage(), threads: ownThreadsCpuMs() };
      started = performance.now();
      void consumer.run();
      const folded = await watchRate(async () => metrics.totals().folded + metrics.totals().duplicates, lines.length, started);
      if (metrics.totals().folded < lines.length) console.log(`  (stats consumer folded ${metrics.totals().folded} of ${lines.length} within 5 min)`);
      const seconds = (performance.now() - started) / 1000;
      const perEvent = (ms: number) => (ms * 1000) / lines.length;
      const own = process.cpuUsage(cpu0.consumer);
      const cpu = {
        postgres: perEvent(commandCpuMs('postgres') - cpu0.postgres),
        broker: perEvent(commandCpuMs('java') - cpu0.broker),
        consumer: perEvent((own.user + own.system) / 1000),
        // Which of the consumer's threads: its main thread, its prepare thread, V8's GC helpers.
        threads: Object.fromEntries([...ownThreadsCpuMs()].map(([name, ms]) => [name, perEvent(ms - (cpu0.threads.get(name) ?? 0))]).filter(([, us]) => (us as number) >= 0.1)),
      };
      const foldShare = metrics.totals().foldSeconds / seconds;
      await consumer.stop();
      if (warmUp) continue;
      result.spread.push(spread);
      result.worker.push(delivered.steady);
      result.workerFromStart.push(delivered.fromStart);
      result.cpu.push(cpu);
      result.stats.push(folded.steady);
      result.statsFromStart.push(folded.fromStart);
      result.foldShare.push(foldShare);
    }
    if (opts.freshRate > 0) {
      // From the 302 to the count: live clicks, whose batches share their hour. (Made before
      // the clock starts and stamped over the minute before that, a click is up to about 90 s
      // old when queued; the delay measured runs from its queueing.)
      const live = (n: number) => makeLines(n, LIVE_SECONDS);
      result.freshness = await benchFreshness({
        bootstrap: broker.bootstrap,
        db: pg.db,
        redis,
        redisUrl: opts.redisUrl,
        logger,
        rate: opts.freshRate,
        seconds: opts.freshSeconds,
        batchSize: opts.batchSize,
        makeLines: live,
      });
      result.freshnessDeployed = await benchFreshnessDeployed({ bootstrap: broker.bootstrap, databaseUrl: database.url, db: pg.db, redis, redisUrl: opts.redisUrl, rate: opts.freshRate, seconds: opts.freshSeconds, makeLines: live });
    }
    return result as StatsBench;
  } finally {
    redis.disconnect();
    await pg.close();
    await database.drop();
    await broker.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export interface QueryBench {
  clicks: number;
  rows: { hourly: number; visitors: number; events: number };
  /** Milliseconds, p50 and p95 over the runs. */
  linkByCountry: { p50: number; p95: number };
  dashboard: { p50: number; p95: number };
  /** The same dashboard ending at each hour of a day in turn (the top links' blocks depend on the hour). */
  dashboardAnyHour: { p50: number; p95: number; max: number };
  /** The link list's clicks (24 h and 30 days) of a page of 50 links. */
  linkList: { p50: number; p95: number };
  fillSeconds: number;
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]! * 10) / 10;
};

/** The queries the issue names over `clicks` synthetic clicks (stats-seed.ts), timed. */
export async function benchStatsQueries(opts: { adminUrl: string; clicks: number; links: number; runs: number }): Promise<QueryBench> {
  const database = await statsQueryDatabase(opts.adminUrl, opts.clicks);
  const pg = openPostgres(database.url, { max: 4 });
  try {
    const fillStarted = performance.now();
    const now = await seedStatsClicks(pg.db, { clicks: opts.clicks, links: opts.links, now: Math.floor(Date.now() / 3_600_000) * 3600 });
    const fillSeconds = (performance.now() - fillStarted) / 1000;
    const count = async (table: string) => {
      const rows = (await pg.db.execute(sql.raw(`select count(*)::int as n from ${table}`))) as unknown as { n: number }[];
      return rows[0]?.n ?? 0;
    };
    const rows = { hourly: await count('stats_hourly'), visitors: await count('stats_visitors'), events: await count('stats_events') };
    const to = new Date(now * 1000 + 3_600_000);
    const from = new Date(to.getTime() - 30 * 86_400_000);
    const time = async (fn: () => Promise<unknown>) => {
      const started = performance.now();
      await fn();
      return performance.now() - started;
    };
    const linkTimes: number[] = [];
    const dashTimes: number[] = [];
    const listTimes: number[] = [];
    const anyHourTimes: number[] = [];
    const dashboardAt = (end: Date) => {
      // What /admin/dashboard runs: totals and the series, and four top-10 lists, at once.
      const q: StatsQuery = { from: new Date(end.getTime() - 30 * 86_400_000), to: end, interval: 'day', timezone: 'Asia/Tokyo', filters: {}, bots: 'exclude', limit: 10 };
      return Promise.all([queryStats(pg.db, q), ...(['link', 'campaign', 'network', 'country'] as const).map((groupBy) => queryGroups(pg.db, q, groupBy))]);
    };
    for (let i = 0; i < opts.runs; i++) {
      const link = String(1 + ((i * 37) % opts.links));
      linkTimes.push(await time(() => queryStats(pg.db, { from, to, interval: 'day', timezone: 'Europe/Berlin', groupBy: 'country', filters: { link: [link] }, bots: 'exclude', limit: 10 })));
      const page = Array.from({ length: 50 }, (_, j) => 1 + ((i * 50 + j) % opts.links));
      listTimes.push(await time(() => linkClickCounts(pg.db, page, new Date(now * 1000 + 1_800_000))));
      dashTimes.push(await time(() => dashboardAt(to)));
      anyHourTimes.push(await time(() => dashboardAt(new Date(to.getTime() - (i % 24) * 3_600_000))));
    }
    return {
      clicks: opts.clicks,
      rows,
      linkByCountry: { p50: percentile(linkTimes, 0.5), p95: percentile(linkTimes, 0.95) },
      dashboard: { p50: percentile(dashTimes, 0.5), p95: percentile(dashTimes, 0.95) },
      dashboardAnyHour: { p50: percentile(anyHourTimes, 0.5), p95: percentile(anyHourTimes, 0.95), max: percentile(anyHourTimes, 1) },
      linkList: { p50: percentile(listTimes, 0.5), p95: percentile(listTimes, 0.95) },
      fillSeconds,
    };
  } finally {
    await pg.close();
    await database.done();
  }
}
