import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import postgres from 'postgres';
import { freePort, startProcess } from '../test/support/processes.ts';
import { load, loadGenerator, type LoadResult } from './load.ts';
import { benchDatabase } from './services.ts';

const IPHONE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
/** Batches are large: two connections keep the one web process busy; more only queue batches behind each other (measured: 8 took fewer events/s than 2, and pushed lines past the push timeout more often). */
const BATCH_CONNECTIONS = 2;

export interface IngestBench {
  batchEvents: number;
  batchBytes: number;
  rounds: Array<{ clicksPerSecond: number; eventsPerSecond: number; batchP50Ms: number; batchP99Ms: number; refused: number }>;
  /** Lines on the queue minus events and clicks answered (>= 0: every answered one was queued). */
  unqueued: number;
  /** Lines whose push outlasted CLICK_PUSH_TIMEOUT_MS and went through the in-memory buffer (a busy loop or Redis). */
  bufferedLines: number;
}

/**
 * One production web process (Postgres, Redis): `POST /v1/batch` with 1,000-event batches
 * and the click path, alternated in rounds, so both figures see the same machine. The
 * batch carries no messageIds (the server generates UUIDv7s), so every event is new and
 * pays the full road: validation, dedupe SET NX, line, push.
 */
export async function benchIngest(opts: { adminUrl: string; redisUrl: string; seconds: number; rounds: number; port?: number }): Promise<IngestBench> {
  const db = await benchDatabase(opts.adminUrl);
  const sql = postgres(db.url, { max: 1 });
  const redis = new Redis(opts.redisUrl);
  const queueKey = `clicktrack_bench:${process.pid}:click_queue`;
  const port = opts.port ?? (await freePort());
  const web = await startProcess(
    process.execPath,
    ['src/web/index.ts'],
    {
      PORT: String(port),
      DATABASE_URL: db.url,
      REDIS_URL: opts.redisUrl,
      REDIS_QUEUE_KEY: queueKey,
      LOG_LEVEL: 'info',
      NODE_ENV: 'production',
      API_KEY: 'bench',
      INGEST_KEY_EVENTS_PER_S: '0',
      // The bench deletes its dedupe keys after each round; this only bounds what a crash leaves.
      INGEST_DEDUPE_WINDOW_S: '300',
    },
    /web listening/,
  );
  const base = `http://127.0.0.1:${port}`;
  try {
    await sql`insert into campaign_links (slug, campaign, targets) values ('bench', 'bench', ${sql.json({ ios: 'https://apps.apple.com/app/id284882215', default: 'https://example.com' })})`;
    const made = await fetch(`${base}/api/v1/write-keys`, {
      method: 'POST',
      headers: { authorization: 'Bearer bench', 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'bench', platform: 'ios' }),
    });
    const { key } = (await made.json()) as { key: string };
    const body = JSON.stringify({ batch: batchOf(1_000) });
    const headers = { authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}`, 'content-type': 'application/json', 'user-agent': 'ExampleApp/2.1 (iPhone; iOS 17.5)' };
    const clickUrl = `${base}/t/click/bench?adid=44566636-6BC5-48DE-B4AE-7DF9DF06B356&click=c-8842&utm_source=bench`;

    // Warm-up (JIT, caches, connections); not counted.
    await load(clickUrl, 2, { 'user-agent': IPHONE_UA });
    await post(`${base}/v1/batch`, body, headers, 2);
    await clearRound(redis, queueKey);

    const rounds: IngestBench['rounds'] = [];
    let unqueued = 0;
    for (let round = 0; round < opts.rounds; round++) {
      const clicks = await load(clickUrl, opts.seconds, { 'user-agent': IPHONE_UA });
      const batches = await post(`${base}/v1/batch`, body, headers, opts.seconds);
      // Every click answered and every event of a 200 must be on the list.
      const answered = clicks.redirects + batches.redirects * 1_000;
      let queued = 0;
      for (let i = 0; i < 50 && queued < answered; i++) {
        queued = await redis.llen(queueKey);
        if (queued < answered) await new Promise((r) => setTimeout(r, 100));
      }
      unqueued += Math.max(0, answered - queued);
      rounds.push({
        clicksPerSecond: clicks.requestsPerSecond,
        eventsPerSecond: batches.requestsPerSecond * 1_000,
        batchP50Ms: batches.latencyP50Ms,
        batchP99Ms: batches.latencyP99Ms,
        refused: batches.errors,
      });
      await clearRound(redis, queueKey);
    }
    const metrics = await (await fetch(`${base}/metrics`)).text();
    const bufferedLines = Number(/^click_queue_buffered_total (\d+)/m.exec(metrics)?.[1] ?? 0);
    return { batchEvents: 1_000, batchBytes: Buffer.byteLength(body), rounds, unqueued, bufferedLines };
  } finally {
    await web.stop();
    await clearRound(redis, queueKey);
    redis.disconnect();
    await sql.end();
    await db.drop();
  }
}

/** A batch as an app would send it: installs, opens and purchases with ids and a few properties. */
function batchOf(n: number): unknown[] {
  const now = Date.now();
  return Array.from({ length: n }, (_, i) => {
    const kind = i % 10 === 0 ? 'purchase' : i % 3 === 0 ? 'install' : 'open';
    return {
      event: kind,
      timestamp: new Date(now - (n - i) * 1000).toISOString(),
      click_id: '0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
      idfa: '44566636-6BC5-48DE-B4AE-7DF9DF06B356',
      app_version: '2.1.0',
      ...(kind === 'purchase' ? { revenue: '4.99', currency: 'USD' } : {}),
      properties: { screen: 'home', level: i % 50, ab: 'b' },
    };
  });
}

/** The list and the round's dedupe keys (SCAN, not KEYS: the Redis is shared). */
async function clearRound(redis: Redis, queueKey: string): Promise<void> {
  await redis.del(queueKey);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${queueKey}:event_ids:*`, 'COUNT', 5_000);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== '0');
}

/** POSTs the same body for `seconds` on a few keep-alive connections; `redirects` counts the 200s. */
async function post(url: string, body: string, headers: Record<string, string>, seconds: number): Promise<LoadResult> {
  if (loadGenerator === 'wrk') {
    const script = join(tmpdir(), `clicktrack-bench-${process.pid}-ingest.lua`);
    const bodyFile = join(tmpdir(), `clicktrack-bench-${process.pid}-ingest.json`);
    writeFileSync(bodyFile, body);
    writeFileSync(
      script,
      `local f = io.open("${bodyFile}", "rb"); wrk.body = f:read("*a"); f:close()
wrk.method = "POST"
${Object.entries(headers).map(([k, v]) => `wrk.headers["${k}"] = "${v}"`).join('\n')}
`,
    );
    try {
      const { stdout } = await promisify(execFile)('/usr/bin/wrk', ['-t1', `-c${BATCH_CONNECTIONS}`, `-d${seconds}s`, '--latency', '-s', script, url]);
      const num = (re: RegExp) => Number(re.exec(stdout)?.[1] ?? 0);
      const ms = (re: RegExp) => {
        const m = re.exec(stdout);
        return m ? Number(m[1]) * (m[2] === 'us' ? 0.001 : m[2] === 's' ? 1000 : 1) : 0;
      };
      const total = num(/(\d+) requests in/);
      const bad = num(/Non-2xx or 3xx responses: (\d+)/);
      const duration = num(/requests in ([\d.]+)s/) || seconds;
      return {
        // Only batches answered 200 count as events taken.
        requestsPerSecond: (total - bad) / duration,
        total,
        redirects: total - bad,
        errors: bad,
        latencyP50Ms: ms(/50%\s+([\d.]+)(us|ms|s)/),
        latencyP99Ms: ms(/99%\s+([\d.]+)(us|ms|s)/),
      };
    } finally {
      rmSync(script, { force: true });
      rmSync(bodyFile, { force: true });
    }
  }
  const result = await autocannon({ url, method: 'POST', body, headers, connections: BATCH_CONNECTIONS, duration: seconds });
  const ok = result['2xx'] ?? 0;
  return { requestsPerSecond: ok / seconds, total: result.requests.total, redirects: ok, errors: result.non2xx + result.errors, latencyP50Ms: result.latency.p50, latencyP99Ms: result.latency.p99 };
}
