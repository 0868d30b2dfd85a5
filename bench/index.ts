// `npm run bench`: prints figures and ratios; never pass/fail (machines here are noisy).
import { benchClickPath } from './click-path.ts';
import { loadGenerator } from './load.ts';
import { benchStatsConsumer, benchStatsQueries } from './stats.ts';
import { benchWorker } from './worker.ts';

const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const seconds = Number(process.env.BENCH_SECONDS ?? 6);
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const only = process.argv[2];

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

if (!only || only === 'click') {
  console.log(`click path: ${rounds} rounds of ${seconds} s each, bare route and full path alternated, 64 connections, load from ${loadGenerator}`);
  if (loadGenerator !== 'wrk') console.log('  (wrk is not installed: `apt-get install wrk` for a load generator that does not compete with the server for CPU)');
  const r = await benchClickPath({ adminUrl, redisUrl, seconds, rounds });
  console.log(`  bare Hono 302      ${fmt(r.bare.requestsPerSecond)} req/s  p50 ${r.bare.latencyP50Ms} ms  p99 ${r.bare.latencyP99Ms} ms`);
  console.log(`  full click path    ${fmt(r.full.requestsPerSecond)} req/s  p50 ${r.full.latencyP50Ms} ms  p99 ${r.full.latencyP99Ms} ms  errors ${r.full.errors}`);
  for (const [i, round] of r.rounds.entries()) {
    console.log(`  round ${i + 1}: bare ${fmt(round.bare)}  full ${fmt(round.full)}  ratio ${(round.full / round.bare).toFixed(3)}`);
  }
  console.log(`  ratio full / bare (median of the rounds' ratios): ${r.ratio.toFixed(3)}`);
  console.log(`  lines queued minus redirects answered: ${r.queued} (>= 0: every answered click was queued; requests still in flight when a round ends add up to 64 each)`);
}

if (!only || only === 'worker') {
  const lines = Number(process.env.BENCH_WORKER_LINES ?? 100_000);
  console.log(`worker: ${lines.toLocaleString('en-US')} pre-filled lines into Kafka (acks=all, idempotent, lz4), plain drain and enriched drain alternated`);
  const w = await benchWorker({ redisUrl, kafkaUrl: process.env.KAFKA_URL, lines, rounds });
  console.log(`  plain drain (no enrichment)   ${fmt(w.plain)} lines/s`);
  console.log(`  enriched drain (GeoIP, UA)    ${fmt(w.enriched)} lines/s`);
  console.log(`  ratio enriched / plain (median of the rounds' ratios): ${w.ratio.toFixed(3)}`);
}

if (!only || only === 'stats') {
  const events = Number(process.env.BENCH_STATS_EVENTS ?? 100_000);
  const statsRounds = Number(process.env.BENCH_STATS_ROUNDS ?? 3);
  console.log(`stats consumer: ${events.toLocaleString('en-US')} lines drained by the enriched worker into Kafka (4 partitions), then folded by the stats consumer into Postgres, ${statsRounds} rounds`);
  const s = await benchStatsConsumer({ adminUrl, redisUrl, events, rounds: statsRounds, batchSize: Number(process.env.STATS_BATCH_SIZE ?? 2000) });
  for (const [i, w] of s.worker.entries()) console.log(`  round ${i + 1}: worker enriched drain ${fmt(w)} lines/s  stats consumer ${fmt(s.stats[i]!)} events/s  ratio ${(s.stats[i]! / w).toFixed(2)}`);
}

if (!only || only === 'stats-query') {
  const clicks = Number(process.env.BENCH_STATS_CLICKS ?? 10_000_000);
  console.log(`stats queries: ${clicks.toLocaleString('en-US')} synthetic clicks over 90 days and 10,000 links (rollups, visitor rows and dedupe rows filled by SQL)`);
  const q = await benchStatsQueries({ adminUrl, clicks, links: 10_000, runs: Number(process.env.BENCH_STATS_RUNS ?? 40) });
  console.log(`  filled in ${q.fillSeconds.toFixed(0)} s: ${fmt(q.rows.hourly)} rollup rows, ${fmt(q.rows.visitors)} visitor rows, ${fmt(q.rows.events)} dedupe rows`);
  console.log(`  one link, 30 days daily, grouped by country:   p50 ${q.linkByCountry.p50} ms  p95 ${q.linkByCountry.p95} ms`);
  console.log(`  dashboard, all links, 30 days (4 group-bys):   p50 ${q.dashboard.p50} ms  p95 ${q.dashboard.p95} ms`);
}
