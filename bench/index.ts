// `npm run bench`: prints figures and ratios; never pass/fail (machines here are noisy).
// `npm run bench -- click|links|cache|tiers|worker|ingest|attribution|stats|stats-fold|stats-query` runs one part.
import { benchAttribution } from './attribution.ts';
import { benchCacheMemory } from './cache-memory.ts';
import { benchClickPath } from './click-path.ts';
import { benchIngest } from './ingest.ts';
import { benchLinkTiers } from './link-tiers.ts';
import { loadGenerator } from './load.ts';
import { buildAsDeployed, procfileStart } from './procfile-flags.ts';
import { benchMillionLinks, linksDatabase, type MillionLinksBench } from './million-links.ts';
import { benchStatsConsumer, benchStatsQueries, LIVE_SECONDS } from './stats.ts';
import { benchEvents, benchFoldOnce } from './stats-fold.ts';
import { benchWorker } from './worker.ts';

const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const seconds = Number(process.env.BENCH_SECONDS ?? 6);
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const links = Number(process.env.BENCH_LINKS ?? 1_000_000);
const only = process.argv[2];

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => `${n.toFixed(1)} ms`;

if (!only || only === 'click') {
  console.log(`click path: ${rounds} rounds of ${seconds} s each, bare route and full path alternated, 64 connections, load from ${loadGenerator}`);
  if (loadGenerator !== 'wrk') console.log('  (wrk is not installed: `apt-get install wrk` for a load generator that does not compete with the server for CPU)');
  const r = await benchClickPath({ adminUrl, redisUrl, seconds, rounds });
  console.log(`  bare Hono 302      ${fmt(r.bare.requestsPerSecond)} req/s  p50 ${r.bare.latencyP50Ms} ms  p99 ${r.bare.latencyP99Ms} ms`);
  console.log(`  full click path    ${fmt(r.full.requestsPerSecond)} req/s  p50 ${r.full.latencyP50Ms} ms  p99 ${r.full.latencyP99Ms} ms  errors ${r.full.errors}`);
  console.log(`  10 rules + split   ${fmt(r.ruled.requestsPerSecond)} req/s  p50 ${r.ruled.latencyP50Ms} ms  p99 ${r.ruled.latencyP99Ms} ms  errors ${r.ruled.errors}`);
  for (const [i, round] of r.rounds.entries()) {
    console.log(`  round ${i + 1}: bare ${fmt(round.bare)}  full ${fmt(round.full)}  ruled ${fmt(round.ruled)}  ratio ${(round.full / round.bare).toFixed(3)}  ruled/full ${(round.ruled / round.full).toFixed(3)}`);
  }
  console.log(`  ratio full / bare (median of the rounds' ratios): ${r.ratio.toFixed(3)}`);
  console.log(`  ratio 10 rules + 3-way split / plain link (median of the rounds' ratios): ${r.ruledRatio.toFixed(3)}`);
  const cpu = r.cpuPerClickUs;
  console.log(
    `  server CPU per request (median): bare ${cpu.bare.toFixed(1)} us, full ${cpu.full.toFixed(1)} us, ruled ${cpu.ruled.toFixed(1)} us; as rates: full / bare ${(cpu.bare / cpu.full).toFixed(3)}, ruled / plain ${(cpu.full / cpu.ruled).toFixed(3)}`,
  );
  console.log(`  lines queued minus redirects answered: ${r.queued} (>= 0: every answered click was queued; requests still in flight when a round ends add up to 64 each)`);
}

if (!only || only === 'ingest') {
  console.log(`event ingestion: one production web process, ${rounds} rounds of ${seconds} s: the click path (64 connections), then POST /v1/batch with 1,000-event batches (2 connections), load from ${loadGenerator}`);
  const port = process.env.BENCH_PORT ? Number(process.env.BENCH_PORT) : undefined;
  const r = await benchIngest({ adminUrl, redisUrl, seconds, rounds, ...(port ? { port } : {}) });
  console.log(`  batch: ${fmt(r.batchEvents)} events, ${fmt(r.batchBytes / 1024)} KB of JSON`);
  for (const [i, round] of r.rounds.entries()) {
    console.log(
      `  round ${i + 1}: click path ${fmt(round.clicksPerSecond)} clicks/s   /v1/batch ${fmt(round.eventsPerSecond)} events/s (batch p50 ${ms(round.batchP50Ms)}, p99 ${ms(round.batchP99Ms)}, refused ${round.refused})   events / clicks ${(round.eventsPerSecond / round.clicksPerSecond).toFixed(2)}`,
    );
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  console.log(`  median: click path ${fmt(median(r.rounds.map((x) => x.clicksPerSecond)))} clicks/s, /v1/batch ${fmt(median(r.rounds.map((x) => x.eventsPerSecond)))} events/s`);
  console.log(`  answered but not on the queue: ${r.unqueued} (0: every click and every accepted event was queued); lines that went through the buffer (push over CLICK_PUSH_TIMEOUT_MS): ${fmt(r.bufferedLines)}`);
}

function printLinks(r: MillionLinksBench, label: string): void {
  console.log(`  ${label}`);
  console.log(`    start to /health ready ${ms(r.startToHealthMs)}; RSS 2 s later ${r.idleRssMb.toFixed(0)} MB, after the random rounds ${r.afterRssMb.toFixed(0)} MB (highest ${r.peakRssMb.toFixed(0)} MB)`);
  if (r.warm) {
    const w = r.warm;
    console.log(`    warm ${ms(w.fromHealthMs)} after /health (its own figure: ${w.ownSeconds.toFixed(1)} s): ${fmt(w.links)} links cached, ${w.cacheMb.toFixed(1)} MB estimated; RSS then ${w.rssMb.toFixed(0)} MB`);
  }
  const h = r.heap;
  console.log(
    `    of which V8 young generation ${h.newSpace.toFixed(0)} MB, old ${h.oldSpace.toFixed(0)} MB (${h.oldSpaceUsed.toFixed(0)} MB in use, garbage included), large objects ${h.largeObjects.toFixed(0)} MB; clicks buffered for Redis: ${fmt(h.bufferedClicks)}`,
  );
  console.log(`    bare Hono 302        ${fmt(r.bare.requestsPerSecond)} req/s  p99 ${r.bare.latencyP99Ms} ms`);
  console.log(`    one hot link         ${fmt(r.hot.requestsPerSecond)} req/s  p99 ${r.hot.latencyP99Ms} ms`);
  console.log(`    random over ${fmt(r.links)}  ${fmt(r.random.requestsPerSecond)} req/s  p99 ${r.random.latencyP99Ms} ms  errors ${r.random.errors}`);
  for (const [i, round] of r.rounds.entries()) {
    console.log(`    round ${i + 1}: bare ${fmt(round.bare)}  hot ${fmt(round.hot)}  random ${fmt(round.random)}  random/hot ${(round.random / round.hot).toFixed(3)}  hot/bare ${(round.hot / round.bare).toFixed(3)}`);
  }
  console.log(`    ratio random / hot (median): ${r.randomToHot.toFixed(3)}; hot / bare Hono (median): ${r.hotToBare.toFixed(3)}`);
  console.log(`    random clicks served from the cache: ${(r.hitRatio * 100).toFixed(1)}%; slugs per miss query: ${r.slugsPerQuery.toFixed(1)}`);
}

// Filled once for the two parts that use it (a million rows take a while).
const linksDb = !only || only === 'links' || only === 'tiers' ? await linksDatabase(adminUrl, links) : undefined;

if (linksDb) {
  try {
    if (!only || only === 'links') {
      console.log(`${fmt(links)} links: one production web process (default link cache), ${rounds} rounds of ${seconds} s: bare Hono, one hot link, random links`);
      buildAsDeployed();
      const asProcfile = await benchMillionLinks({ databaseUrl: linksDb.url, redisUrl, seconds, rounds, links });
      const web = procfileStart('web');
      printLinks(asProcfile, `as the Procfile starts it after npm run build (${Object.keys(web.env).join(', ')}; node ${[...web.flags, 'src/web/index.ts'].join(' ')})`);
      // Cold: the same process without the warm-up, so random clicks fill the cache as they come.
      const cold = await benchMillionLinks({ databaseUrl: linksDb.url, redisUrl, seconds, rounds: Math.min(rounds, 2), links, env: { LINK_CACHE_WARM: '0' } });
      printLinks(cold, 'cold: the same, with LINK_CACHE_WARM=0 (links cached as they are clicked)');
    }
    if (!only || only === 'tiers') {
      const redisLinks = Math.min(links, 100_000);
      const t = await benchLinkTiers({ databaseUrl: linksDb.url, redisUrl, links, redisLinks, seconds });
      console.log(`where a cache miss could go: batches of ${t.batch} random slugs, 4 at a time, ${seconds} s each`);
      console.log(`  Postgres (= any() over ${fmt(links)} links)   ${fmt(t.postgres.lookupsPerSecond)} links/s  batch p50 ${ms(t.postgres.batchP50Ms)}  p99 ${ms(t.postgres.batchP99Ms)}`);
      console.log(`  Redis (MGET of compact JSON, ${fmt(redisLinks)})   ${fmt(t.redis.lookupsPerSecond)} links/s  batch p50 ${ms(t.redis.batchP50Ms)}  p99 ${ms(t.redis.batchP99Ms)}`);
      console.log(`  Redis memory per link ${fmt(t.redisBytesPerLink)} bytes: ${fmt((t.redisBytesPerLink * links) / 1024 / 1024)} MB for ${fmt(links)} links`);
    }
  } finally {
    await linksDb.done();
  }
}

if (!only || only === 'cache') {
  const c = await benchCacheMemory();
  console.log("link cache memory (V8 heap and typed arrays grown per cached link, and the cache's own estimate that its budget counts):");
  console.log(`  ${fmt(c.distinct.entries)} links, every string distinct      ${fmt(c.distinct.heap)} bytes (estimated ${fmt(c.distinct.estimated)})`);
  console.log(`  ${fmt(c.shared.entries)} per-publisher links (5,000 profiles)   ${fmt(c.shared.heap)} bytes (estimated ${fmt(c.shared.estimated)})`);
  console.log(`  the default 64 MB budget keeps ${fmt(c.defaultBudget.entries)} of 1,500,000 per-publisher links: ${fmt(c.defaultBudget.heap)} bytes each (estimated ${fmt(c.defaultBudget.estimated)})`);
}

if (!only || only === 'worker') {
  const lines = Number(process.env.BENCH_WORKER_LINES ?? 100_000);
  console.log(`worker: ${lines.toLocaleString('en-US')} pre-filled lines into Kafka (acks=all, idempotent, lz4), plain drain and enriched drain alternated`);
  const w = await benchWorker({ redisUrl, kafkaUrl: process.env.KAFKA_URL, lines, rounds });
  console.log(`  plain drain (no enrichment)   ${fmt(w.plain)} lines/s`);
  console.log(`  enriched drain (GeoIP, UA)    ${fmt(w.enriched)} lines/s`);
  console.log(`  ratio enriched / plain (median of the rounds' ratios): ${w.ratio.toFixed(3)}`);
  for (const [label, p] of [['the worker as the Procfile starts it after npm run build', w.process], ["the same with Node's defaults (no V8 flags, no compile cache)", w.processDefaults]] as const) {
    console.log(`  ${label}: ${fmt(p.linesPerSecond)} lines/s (its start included), RSS under load up to ${p.peakRssMb.toFixed(0)} MB, ${p.idleRssMb.toFixed(0)} MB idle after`);
  }
}

if (!only || only === 'attribution') {
  const lines = Number(process.env.BENCH_ATTRIBUTION_LINES ?? 50_000);
  console.log(`attribution: ${lines.toLocaleString('en-US')} click lines, then one app event per click (1/4 by click id, 1/4 by advertising id, 1/4 by fingerprint, 1/4 organic), drained by one enriched worker into Kafka`);
  const a = await benchAttribution({ redisUrl, kafkaUrl: process.env.KAFKA_URL, lines, rounds });
  console.log(`  clicks (enriched, no click index)            ${fmt(a.plainClicks)} lines/s`);
  console.log(`  clicks (enriched, indexed for attribution)   ${fmt(a.clicks)} lines/s`);
  console.log(`  events (enriched, attributed)                ${fmt(a.events)} lines/s`);
  console.log(`  ratio events / indexed clicks (median of the rounds' ratios): ${a.ratio.toFixed(3)}`);
  console.log(`  last round's events by match: ${Object.entries(a.outcomes).map(([k, v]) => `${k} ${fmt(v)}`).join(', ')}`);
}

if (!only || only === 'stats') {
  // Rates count from each side's first output (bench/stats.ts, watchRate); from their starts too.
  const events = Number(process.env.BENCH_STATS_EVENTS ?? 300_000);
  const statsRounds = Number(process.env.BENCH_STATS_ROUNDS ?? 3);
  const liveRounds = Number(process.env.BENCH_STATS_LIVE_ROUNDS ?? 1);
  console.log(
    `stats consumer: ${events.toLocaleString('en-US')} lines drained by the enriched worker into Kafka (4 partitions), then folded by the stats consumer into Postgres, ${statsRounds} rounds of a day's backlog (timestamps over 24 hours) and ${liveRounds} of live clicks (timestamps within a minute), after a warm-up round of a fifth of that, not reported`,
  );
  const freshRate = Number(process.env.BENCH_FRESH_RATE ?? 5_000);
  const freshSeconds = Number(process.env.BENCH_FRESH_SECONDS ?? 20);
  const s = await benchStatsConsumer({ adminUrl, redisUrl, events, rounds: statsRounds, liveRounds, batchSize: Number(process.env.STATS_BATCH_SIZE ?? 10_000), freshRate, freshSeconds });
  for (const [i, w] of s.worker.entries()) {
    const fromStart = `from their starts: ${fmt(s.workerFromStart[i]!)} and ${fmt(s.statsFromStart[i]!)}, ratio ${(s.statsFromStart[i]! / s.workerFromStart[i]!).toFixed(2)}`;
    console.log(
      `  round ${i + 1} (${s.spread[i] === LIVE_SECONDS ? 'live clicks' : "a day's backlog"}): worker enriched drain ${fmt(w)} lines/s  stats consumer ${fmt(s.stats[i]!)} events/s  ratio ${(s.stats[i]! / w).toFixed(2)}  (${fromStart}; ${Math.round(s.foldShare[i]! * 100)}% of its time in fold transactions)`,
    );
  }
  for (const [i, c] of s.cpu.entries()) console.log(`  round ${i + 1}: CPU per folded event: Postgres ${c.postgres.toFixed(1)} µs, Kafka broker ${c.broker.toFixed(1)} µs, the consumer ${c.consumer.toFixed(1)} µs (${Object.entries(c.threads).map(([name, us]) => `${name} ${us.toFixed(1)}`).join(', ')})`);
  const p = s.process;
  console.log(`  the stats process as the Procfile starts it, on a backlog of ${fmt(p.events)}: ${fmt(p.perSecond)} events/s from its first count (${p.startSeconds.toFixed(1)} s after spawning it), peak RSS ${p.peakRssMb.toFixed(0)} MB`);
  const f = s.freshness;
  if (f) {
    console.log(`  freshness: ${fmt(f.clicks)} live clicks queued at ${fmt(f.rate)}/s for ${freshSeconds} s with the worker and the stats consumer running: queued to counted p50 ${fmt(f.p50)} ms  p99 ${fmt(f.p99)} ms  max ${fmt(f.max)} ms${f.late > 0 ? `  (${fmt(f.late)} not counted within a minute)` : ''}`);
  }
  const d = s.freshnessDeployed;
  if (d) {
    console.log(`  freshness, the worker and the stats process as the Procfile starts them: queued to counted p50 ${fmt(d.p50)} ms  p99 ${fmt(d.p99)} ms  max ${fmt(d.max)} ms${d.late > 0 ? `  (${fmt(d.late)} not counted within a minute)` : ''}`);
  }
}

if (!only || only === 'stats-fold') {
  const events = Number(process.env.BENCH_STATS_EVENTS ?? 100_000);
  const batchSize = Number(process.env.STATS_BATCH_SIZE ?? 10_000);
  const foldRounds = Number(process.env.BENCH_STATS_ROUNDS ?? 3);
  console.log(`stats fold alone (no Kafka): ${fmt(events)} events shaped like the stats bench's, batches of ${fmt(batchSize)}, into a fresh database, 1 and 2 transactions at a time, ${foldRounds} rounds`);
  for (let round = 0; round < foldRounds; round++) {
    const sample = benchEvents(events);
    const [one, two, ahead] = [
      await benchFoldOnce({ adminUrl, events: sample, batchSize, concurrency: 1 }),
      await benchFoldOnce({ adminUrl, events: sample, batchSize, concurrency: 2 }),
      await benchFoldOnce({ adminUrl, events: sample, batchSize, concurrency: 1, prepared: true }),
    ];
    console.log(
      `  round ${round + 1}: step by step 1 at a time ${fmt(one.perSecond)} events/s (batch p50 ${ms(one.batchMs)}), 2 at a time ${fmt(two.perSecond)} (batch p50 ${ms(two.batchMs)}); prepared ahead (as the consumer) ${fmt(ahead.perSecond)} (batch p50 ${ms(ahead.batchMs)})`,
    );
  }
}

if (!only || only === 'stats-query') {
  const clicks = Number(process.env.BENCH_STATS_CLICKS ?? 10_000_000);
  console.log(`stats queries: ${clicks.toLocaleString('en-US')} synthetic clicks over 90 days and 10,000 links (rollups, visitor rows and dedupe rows filled by SQL)`);
  const q = await benchStatsQueries({ adminUrl, clicks, links: 10_000, runs: Number(process.env.BENCH_STATS_RUNS ?? 40) });
  console.log(`  filled in ${q.fillSeconds.toFixed(0)} s: ${fmt(q.rows.hourly)} rollup rows, ${fmt(q.rows.visitors)} visitor rows, ${fmt(q.rows.events)} dedupe rows`);
  console.log(`  one link, 30 days daily, grouped by country:   p50 ${q.linkByCountry.p50} ms  p95 ${q.linkByCountry.p95} ms`);
  console.log(`  dashboard, all links, 30 days in Asia/Tokyo (totals, series, top links, campaigns, networks, countries):   p50 ${q.dashboard.p50} ms  p95 ${q.dashboard.p95} ms`);
  console.log(`  the same dashboard ending at each hour of a day in turn:   p50 ${q.dashboardAnyHour.p50} ms  p95 ${q.dashboardAnyHour.p95} ms  max ${q.dashboardAnyHour.max} ms`);
  console.log(`  link list, 50 links' clicks in 24 h and 30 days:   p50 ${q.linkList.p50} ms  p95 ${q.linkList.p95} ms`);
}
