import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import postgres from 'postgres';
import { migrateDatabase } from '../src/db/migrate.ts';
import { freePort, startProcess } from '../test/support/processes.ts';
import { load, type LoadResult, type RandomSlugs } from './load.ts';
import { procfileStart, type ProcfileStart } from './procfile-flags.ts';

const IPHONE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const QUERY = 'adid=44566636-6BC5-48DE-B4AE-7DF9DF06B356&click=c-8842&utm_source=bench';
const DIGITS = 7;

export interface MillionLinksBench {
  links: number;
  startToHealthMs: number;
  /** RSS 2 s after /health answered (the warm-up, when on, is under way by then). */
  idleRssMb: number;
  /** When the warm-up is on: how long from /health to warm, the process's own figure, and RSS then. */
  warm?: { fromHealthMs: number; ownSeconds: number; rssMb: number; links: number; cacheMb: number };
  /** After the last round of random clicks, and the highest it ever was. */
  afterRssMb: number;
  peakRssMb: number;
  rounds: Array<{ bare: number; hot: number; random: number }>;
  bare: LoadResult;
  hot: LoadResult;
  random: LoadResult;
  /** Medians of the rounds' ratios. */
  randomToHot: number;
  hotToBare: number;
  hitRatio: number;
  slugsPerQuery: number;
  /** Where the memory is after the random rounds, from the process's own /metrics (MB). */
  heap: { newSpace: number; oldSpaceUsed: number; oldSpace: number; largeObjects: number; bufferedClicks: number };
}

const slugOf = (n: number) => `l-${String(n).padStart(DIGITS, '0')}`;
const mb = (kb: number) => kb / 1024;

function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith(`${field}:`));
  return Number(line?.split(/\s+/)[1] ?? 0);
}

/**
 * Links as a network with per-publisher links has them: 1,000 campaigns (each its own app
 * and landing page), 5,000 publishers, 20 creatives. Kept between runs with
 * BENCH_KEEP_DATA=1, since filling a million rows takes a while.
 */
export async function linksDatabase(adminUrl: string, links: number): Promise<{ url: string; done: () => Promise<void> }> {
  // BENCH_LINKS_DATABASE: a name of one's own, when several people bench on one Postgres.
  const name = process.env.BENCH_LINKS_DATABASE ?? `clicktrack_bench_links_${links}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  const [exists] = await admin`select 1 from pg_database where datname = ${name}`;
  if (!exists) await admin.unsafe(`create database "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  await migrateDatabase(url.toString());
  const sql = postgres(url.toString(), { max: 1, onnotice: () => {} });
  const [{ n } = { n: 0 }] = await sql<{ n: number }[]>`select count(*)::int as n from campaign_links`;
  if (n !== links) {
    await sql`truncate campaign_links`;
    // No change notifications for the fill: nobody listens yet, and a million of them is slow.
    await sql`alter table campaign_links disable trigger user`;
    await sql`
      insert into campaign_links (slug, campaign, adgroup, ad, network, targets, created_at, updated_at)
      select 'l-' || lpad(i::text, ${DIGITS}, '0'), 'spring-sale-' || (i % 1000), 'publisher-' || (i % 5000), 'creative-' || (i % 20),
             'network-' || (i % 10),
             jsonb_build_object('ios', 'https://apps.apple.com/app/id' || (100000000 + i % 1000),
                                'android', 'https://play.google.com/store/apps/details?id=com.example.app' || (i % 1000),
                                'default', 'https://example.com/landing/' || (i % 1000)),
             -- Links made over the past days, as a network's are: a million changed this
             -- minute would be a bulk change, which clears the cache (link-delta-sync.ts).
             now() - interval '1 day' - make_interval(secs => i), now() - interval '1 day' - make_interval(secs => i)
      from generate_series(1, ${links}) as i`;
    await sql`alter table campaign_links enable trigger user`;
    await sql`vacuum analyze campaign_links`;
  }
  await sql.end();
  return {
    url: url.toString(),
    done: async () => {
      if (process.env.BENCH_KEEP_DATA !== '1') await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
}

async function waitForHealth(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url}/health not ready after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith(name))
    .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
}

/**
 * One production web process (default cache size) with `links` links in Postgres: clicks on
 * one hot link, clicks spread at random over all links, and the bare Hono route, alternated.
 */
export async function benchMillionLinks(opts: {
  /** A database filled by linksDatabase. */
  databaseUrl: string;
  redisUrl: string;
  seconds: number;
  rounds: number;
  links: number;
  /** Environment and Node options for the web process; by default the Procfile's, exactly as a dyno starts it. */
  start?: ProcfileStart;
  /** Extra environment (LINK_CACHE_WARM=0 for a cold start). */
  env?: Record<string, string>;
}): Promise<MillionLinksBench> {
  const redis = new Redis(opts.redisUrl);
  const queueKey = `clicktrack_bench:${process.pid}:million_queue`;
  const [barePort, webPort] = [await freePort(), await freePort()];
  const webUrl = `http://127.0.0.1:${webPort}`;
  const bareServer = await startProcess(process.execPath, ['bench/bare-server.ts'], { PORT: String(barePort) }, /web listening/);
  const started = performance.now();
  const start = opts.start ?? procfileStart('web');
  const web = await startProcess(
    process.execPath,
    [...start.flags, 'src/web/index.ts'],
    { ...start.env, ...opts.env, PORT: String(webPort), DATABASE_URL: opts.databaseUrl, REDIS_URL: opts.redisUrl, REDIS_QUEUE_KEY: queueKey, LOG_LEVEL: 'info', NODE_ENV: 'production', API_KEY: 'bench' },
    /web listening/,
    60_000,
  ).catch(async (err: unknown) => {
    await bareServer.stop();
    throw err;
  });
  try {
    await waitForHealth(webUrl, 60_000);
    const startToHealthMs = performance.now() - started;
    const pid = web.child.pid!;
    await new Promise((r) => setTimeout(r, 2_000));
    const idleRssMb = mb(statusKb(pid, 'VmRSS'));
    let warm: MillionLinksBench['warm'];
    if (opts.env?.LINK_CACHE_WARM !== '0') {
      // Random clicks are measured once the cache is warm: the process says so on /metrics.
      const deadline = Date.now() + 600_000;
      // (The space: link_cache_warm_seconds starts with the same name.)
      while ((await metric(webUrl, 'link_cache_warm ').catch(() => 0)) !== 1) {
        if (Date.now() > deadline) throw new Error('the link cache did not get warm within 10 minutes');
        await new Promise((r) => setTimeout(r, 100));
      }
      const [ownSeconds, entries, bytes] = await Promise.all([metric(webUrl, 'link_cache_warm_seconds '), metric(webUrl, 'link_cache_entries '), metric(webUrl, 'link_cache_bytes ')]);
      warm = { fromHealthMs: performance.now() - started - startToHealthMs, ownSeconds, rssMb: mb(statusKb(pid, 'VmRSS')), links: entries, cacheMb: bytes / 2 ** 20 };
    }

    const headers = { 'user-agent': IPHONE_UA };
    const hotUrl = `${webUrl}/t/click/${slugOf(1)}?${QUERY}`;
    const bareUrl = `http://127.0.0.1:${barePort}/t/click/${slugOf(1)}?${QUERY}`;
    const random: RandomSlugs = { prefix: 'l-', count: opts.links, digits: DIGITS, query: QUERY };
    // Warm-up (JIT, connections), not counted.
    await load(bareUrl, 2, headers);
    await load(hotUrl, 2, headers);
    await load(webUrl, 2, headers, random);
    await redis.del(queueKey);

    const runs: Array<{ bare: LoadResult; hot: LoadResult; random: LoadResult }> = [];
    const [misses0, queries0, slugs0] = await Promise.all([
      metric(webUrl, 'link_cache_lookups_total{outcome="miss"}'),
      metric(webUrl, 'link_lookup_queries_total'),
      metric(webUrl, 'link_lookup_query_slugs_total'),
    ]);
    for (let round = 0; round < opts.rounds; round++) {
      const bare = await load(bareUrl, opts.seconds, headers);
      const hot = await load(hotUrl, opts.seconds, headers);
      const rnd = await load(webUrl, opts.seconds, headers, random);
      runs.push({ bare, hot, random: rnd });
      // Keep the shared Redis small: the clicks themselves are not what is measured here.
      await redis.del(queueKey);
    }
    const afterRssMb = mb(statusKb(pid, 'VmRSS'));
    const space = (what: 'size_total' | 'size_used', name: string) => metric(webUrl, `nodejs_heap_space_${what}_bytes{space="${name}"}`);
    const [newSpace, oldSpace, oldSpaceUsed, largeObjects, bufferedClicks] = await Promise.all([
      space('size_total', 'new'),
      space('size_total', 'old'),
      space('size_used', 'old'),
      space('size_total', 'large_object'),
      metric(webUrl, 'click_queue_buffer_lines'),
    ]);
    const heap = { newSpace: newSpace / 2 ** 20, oldSpace: oldSpace / 2 ** 20, oldSpaceUsed: oldSpaceUsed / 2 ** 20, largeObjects: largeObjects / 2 ** 20, bufferedClicks };
    const peakRssMb = mb(statusKb(pid, 'VmHWM'));
    const [misses, queries, slugs] = await Promise.all([
      metric(webUrl, 'link_cache_lookups_total{outcome="miss"}'),
      metric(webUrl, 'link_lookup_queries_total'),
      metric(webUrl, 'link_lookup_query_slugs_total'),
    ]);
    const best = (pick: (r: (typeof runs)[number]) => LoadResult) =>
      runs.map(pick).reduce((a, b) => (a.requestsPerSecond >= b.requestsPerSecond ? a : b));
    return {
      links: opts.links,
      startToHealthMs,
      idleRssMb,
      ...(warm ? { warm } : {}),
      afterRssMb,
      peakRssMb,
      rounds: runs.map((r) => ({ bare: r.bare.requestsPerSecond, hot: r.hot.requestsPerSecond, random: r.random.requestsPerSecond })),
      bare: best((r) => r.bare),
      hot: best((r) => r.hot),
      random: best((r) => r.random),
      randomToHot: median(runs.map((r) => r.random.requestsPerSecond / r.hot.requestsPerSecond)),
      hotToBare: median(runs.map((r) => r.hot.requestsPerSecond / r.bare.requestsPerSecond)),
      // The hot link never misses, so every miss counted was a random click's.
      hitRatio: 1 - (misses - misses0) / Math.max(1, runs.reduce((sum, r) => sum + r.random.total, 0)),
      slugsPerQuery: (slugs - slugs0) / Math.max(1, queries - queries0),
      heap,
    };
  } catch (err) {
    // What the web process said last is what explains a failed run.
    console.error(web.output().slice(-4_000));
    throw err;
  } finally {
    await Promise.all([bareServer.stop(), web.stop()]);
    await redis.del(queueKey);
    redis.disconnect();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
