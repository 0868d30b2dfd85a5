// `npm run bench`: prints figures and ratios; never pass/fail (machines here are noisy).
import { benchClickPath } from './click-path.ts';
import { loadGenerator } from './load.ts';
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
  console.log(`  10 rules + split   ${fmt(r.ruled.requestsPerSecond)} req/s  p50 ${r.ruled.latencyP50Ms} ms  p99 ${r.ruled.latencyP99Ms} ms  errors ${r.ruled.errors}`);
  for (const [i, round] of r.rounds.entries()) {
    console.log(`  round ${i + 1}: bare ${fmt(round.bare)}  full ${fmt(round.full)}  ruled ${fmt(round.ruled)}  ratio ${(round.full / round.bare).toFixed(3)}  ruled/full ${(round.ruled / round.full).toFixed(3)}`);
  }
  console.log(`  ratio full / bare (median of the rounds' ratios): ${r.ratio.toFixed(3)}`);
  console.log(`  ratio 10 rules + 3-way split / plain link (median of the rounds' ratios): ${r.ruledRatio.toFixed(3)}`);
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
