import { Redis } from 'ioredis';
import postgres from 'postgres';
import { freePort, startProcess } from '../test/support/processes.ts';
import { load, type LoadResult } from './load.ts';
import { processCpuMs } from './process-cpu.ts';
import { benchDatabase } from './services.ts';

const IPHONE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

export interface ClickPathBench {
  bare: LoadResult;
  full: LoadResult;
  /** The same click path for a link with 10 rules (a country rule first) and a 3-way split. */
  ruled: LoadResult;
  rounds: Array<{ bare: number; full: number; ruled: number }>;
  /** Server CPU per answered request (median of the rounds), in microseconds. */
  cpuPerClickUs: { bare: number; full: number; ruled: number };
  ratio: number;
  /** Median of the rounds' ruled / full ratios. */
  ruledRatio: number;
  queued: number;
}

const SPLIT = [
  { name: 'a', url: 'https://apps.apple.com/app/id284882215?v=a', weight: 50 },
  { name: 'b', url: 'https://apps.apple.com/app/id284882215?v=b', weight: 30 },
  { name: 'c', url: 'https://apps.apple.com/app/id284882215?v=c', weight: 20 },
];
/**
 * Ten rules the bench's iPhone visitor fails one by one before the split decides: every
 * kind of condition is evaluated on every click, the GeoIP lookup first of all.
 */
const TEN_RULES = [
  { name: 'dach', when: { countries: ['DE', 'AT', 'CH'] }, target: 'https://example.com/dach' },
  { name: 'french', when: { languages: ['fr'] }, target: 'https://example.com/fr' },
  { name: 'android-fb', when: { platforms: ['android'], query: [{ param: 'utm_source', equals: 'fb' }] }, target: 'https://example.com/a' },
  { name: 'tv', when: { devices: ['tv'] }, target: 'https://example.com/tv' },
  { name: 'tiktok', when: { query: [{ param: 'utm_source', equals: 'tiktok' }] }, target: 'https://example.com/tt' },
  { name: 'office', when: { ips: ['10.0.0.0/8', '2001:db8::/32'] }, target: 'https://example.com/office' },
  { name: 'launch', when: { time: { until: '2020-01-01T00:00:00Z' } }, target: 'https://example.com/launch' },
  { name: 'us-tablets', when: { countries: ['US'], devices: ['tablet'] }, target: 'https://example.com/us' },
  { name: 'night', when: { time: { hours: { from: '03:00', to: '03:01' }, timezone: 'Europe/Berlin' } }, target: 'https://example.com/night' },
  { name: 'split', when: {}, target: SPLIT },
];

/**
 * The full click path (production config: Postgres, Redis, warm cache) against a bare
 * Hono route answering the same 302, alternated in one run so machine noise hits both.
 */
export async function benchClickPath(opts: { adminUrl: string; redisUrl: string; seconds: number; rounds: number }): Promise<ClickPathBench> {
  const db = await benchDatabase(opts.adminUrl);
  const sql = postgres(db.url, { max: 1 });
  const redis = new Redis(opts.redisUrl);
  const queueKey = `clicktrack_bench:${process.pid}:click_queue`;
  const [bareport, fullPort] = [await freePort(), await freePort()];
  const node = process.execPath;
  const bareServer = await startProcess(node, ['bench/bare-server.ts'], { PORT: String(bareport) }, /web listening/);
  const fullServer = await startProcess(
    node,
    ['src/web/index.ts'],
    { PORT: String(fullPort), DATABASE_URL: db.url, REDIS_URL: opts.redisUrl, REDIS_QUEUE_KEY: queueKey, LOG_LEVEL: 'info', NODE_ENV: 'production', API_KEY: 'bench' },
    /web listening/,
  );
  try {
    await sql`insert into campaign_links (slug, campaign, targets) values ('bench', 'bench', ${sql.json({ ios: 'https://apps.apple.com/app/id284882215', default: 'https://example.com' })})`;
    await sql`insert into campaign_links (slug, campaign, targets, rules) values ('bench-rules', 'bench', ${sql.json({ ios: 'https://apps.apple.com/app/id284882215', default: 'https://example.com' })}, ${sql.json(TEN_RULES)})`;
    const headers = { 'user-agent': IPHONE_UA };
    const bareUrl = `http://127.0.0.1:${bareport}/t/click/bench?adid=44566636-6BC5-48DE-B4AE-7DF9DF06B356&click=c-8842&utm_source=bench`;
    const fullUrl = `http://127.0.0.1:${fullPort}/t/click/bench?adid=44566636-6BC5-48DE-B4AE-7DF9DF06B356&click=c-8842&utm_source=bench`;
    const ruledUrl = `http://127.0.0.1:${fullPort}/t/click/bench-rules?adid=44566636-6BC5-48DE-B4AE-7DF9DF06B356&click=c-8842&utm_source=bench`;
    // The ruled link's visitor also sends languages, so the language rules read a header.
    const ruledHeaders = { ...headers, 'accept-language': 'en-US,en;q=0.9' };
    // Warm up both (JIT, link cache, connections); not counted.
    await load(bareUrl, 3, headers);
    await load(fullUrl, 3, headers);
    await load(ruledUrl, 3, ruledHeaders);
    await redis.del(queueKey);

    const bare: LoadResult[] = [];
    const full: LoadResult[] = [];
    const ruled: LoadResult[] = [];
    const cpu = { bare: [] as number[], full: [] as number[], ruled: [] as number[] };
    // Each run also reads its server's CPU time, for CPU per answered request.
    const measured = async (pid: number | undefined, url: string, h: Record<string, string>, runs: LoadResult[], perClick: number[]) => {
      const before = processCpuMs(pid);
      const run = await load(url, opts.seconds, h);
      runs.push(run);
      perClick.push(((processCpuMs(pid) - before) * 1000) / Math.max(1, run.total));
    };
    for (let round = 0; round < opts.rounds; round++) {
      await measured(bareServer.child.pid, bareUrl, headers, bare, cpu.bare);
      await measured(fullServer.child.pid, fullUrl, headers, full, cpu.full);
      await measured(fullServer.child.pid, ruledUrl, ruledHeaders, ruled, cpu.ruled);
    }
    const redirects = [...full, ...ruled].reduce((sum, r) => sum + r.redirects, 0);
    // Every answered click must be in Redis; give in-flight pushes a moment to land.
    let queued = 0;
    for (let i = 0; i < 50 && queued < redirects; i++) {
      queued = await redis.llen(queueKey);
      if (queued < redirects) await new Promise((r) => setTimeout(r, 100));
    }
    const best = (runs: LoadResult[]) => runs.reduce((a, b) => (a.requestsPerSecond >= b.requestsPerSecond ? a : b));
    const bareBest = best(bare);
    const fullBest = best(full);
    return {
      rounds: bare.map((b, i) => ({ bare: b.requestsPerSecond, full: full[i]!.requestsPerSecond, ruled: ruled[i]!.requestsPerSecond })),
      bare: bareBest,
      full: fullBest,
      ruled: best(ruled),
      ruledRatio: medianOf(ruled.map((r, i) => r.requestsPerSecond / full[i]!.requestsPerSecond)),
      cpuPerClickUs: { bare: medianOf(cpu.bare), full: medianOf(cpu.full), ruled: medianOf(cpu.ruled) },
      // Each round pairs a bare run with the full run right after it, so both see the same noise.
      ratio: medianOf(bare.map((b, i) => full[i]!.requestsPerSecond / b.requestsPerSecond)),
      queued: queued - redirects,
    };
  } finally {
    await Promise.all([bareServer.stop(), fullServer.stop()]);
    await redis.del(queueKey);
    redis.disconnect();
    await sql.end();
    await db.drop();
  }
}

function medianOf(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
