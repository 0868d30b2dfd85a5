import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { decodeLine } from '../../src/shared/click-line.ts';
import { IPHONE_UA, TARGETS, insertLink, testDatabaseUrl, testRedis, testRedisUrl, testSql, uniqueKey } from '../support/fixtures.ts';
import { freePort, startRedisServer, startWebProcess, type RunningProcess } from '../support/processes.ts';

const sql = testSql();
const redis = testRedis();
const running: RunningProcess[] = [];
afterAll(async () => {
  await Promise.all(running.map((p) => p.stop('SIGKILL')));
  await sql.end();
  redis.disconnect();
});

async function web(env: Record<string, string> = {}) {
  // A queue key of its own unless the test names one: never the shared Redis' default list.
  const proc = await startWebProcess({ DATABASE_URL: testDatabaseUrl(), REDIS_URL: testRedisUrl(), REDIS_QUEUE_KEY: uniqueKey(), ...env });
  running.push(proc);
  return proc;
}

// Links have store parameters on by default: the App Store target gets its campaign token.
const location = (res: Response) => res.headers.get('location')?.split('?')[0];
const click = (url: string, slug: string) => fetch(`${url}/t/click/${slug}`, { redirect: 'manual', headers: { 'user-agent': IPHONE_UA } });

describe('the web process on a real socket', () => {
  it('redirects and queues the line with the socket address', async () => {
    const queueKey = uniqueKey();
    const proc = await web({ REDIS_QUEUE_KEY: queueKey });
    const link = await insertLink(sql);
    const res = await click(proc.url, link.slug);
    expect(res.status).toBe(302);
    expect(location(res)).toBe(TARGETS.ios);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const lines = await redis.lrange(queueKey, 0, -1);
    expect(lines).toHaveLength(1);
    const decoded = decodeLine(lines[0]!);
    expect(decoded.ok && decoded.line.ip).toBe('127.0.0.1');
  });

  it('warms its link cache after binding the port: a link in Postgres before the start is clicked without a query', async () => {
    const link = await insertLink(sql);
    const proc = await web();
    const metric = async (line: string) => {
      const text = await (await fetch(`${proc.url}/metrics`)).text();
      // A counter's label set that never counted is not listed at all: 0.
      return Number(text.split('\n').find((l) => l.startsWith(`${line} `))?.split(' ')[1] ?? 0);
    };
    await expect.poll(() => metric('link_cache_warm'), { timeout: 20_000, interval: 50 }).toBe(1);
    expect(await metric('link_cache_entries')).toBeGreaterThan(0);
    expect(location(await click(proc.url, link.slug))).toBe(TARGETS.ios);
    expect(await metric('link_cache_lookups_total{outcome="hit"}')).toBeGreaterThanOrEqual(1);
    expect(await metric('link_cache_lookups_total{outcome="miss"}')).toBe(0);
  });

  it('spreads a change to a link to every running web process within a second', async () => {
    const [a, b] = await Promise.all([web(), web()]);
    const link = await insertLink(sql);
    // Warm both caches with the old target.
    for (const proc of [a, b]) expect(location(await click(proc.url, link.slug))).toBe(TARGETS.ios);

    const newTarget = 'https://apps.apple.com/app/id999';
    const changedAt = performance.now();
    await sql`update campaign_links set targets = ${JSON.stringify({ ...TARGETS, ios: newTarget })}::jsonb where id = ${link.id}`;
    for (const proc of [a, b]) {
      await expect
        .poll(async () => location(await click(proc.url, link.slug)), { timeout: 1_000, interval: 20 })
        .toBe(newTarget);
    }
    expect(performance.now() - changedAt).toBeLessThan(1_000);

    await sql`delete from campaign_links where id = ${link.id}`;
    for (const proc of [a, b]) {
      await expect.poll(async () => (await click(proc.url, link.slug)).status, { timeout: 1_000, interval: 20 }).toBe(404);
    }
  });

  it('keeps redirecting fast while Redis is down, and delivers the buffered line when it is back', async () => {
    const port = await freePort();
    let redisServer = await startRedisServer(port);
    running.push(redisServer);
    const redisUrl = `redis://127.0.0.1:${port}`;
    const queueKey = 'click_queue';
    const proc = await web({ REDIS_URL: redisUrl, REDIS_QUEUE_KEY: queueKey });
    const link = await insertLink(sql);
    expect((await click(proc.url, link.slug)).status).toBe(302);

    await redisServer.stop('SIGKILL');
    const timings: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      const res = await click(proc.url, link.slug);
      timings.push(performance.now() - started);
      expect(res.status).toBe(302);
      expect(location(res)).toBe(TARGETS.ios);
    }
    // Bounded by the push timeout (50 ms), never by Redis' reconnect.
    expect(Math.max(...timings)).toBeLessThan(500);
    const metrics = await (await fetch(`${proc.url}/metrics`)).text();
    expect(metrics).toMatch(/click_queue_buffer_lines 5/);
    expect((await fetch(`${proc.url}/ready`)).status).toBe(503);

    redisServer = await startRedisServer(port);
    running.push(redisServer);
    const fresh = new Redis(redisUrl);
    try {
      await expect.poll(() => fresh.llen(queueKey), { timeout: 10_000, interval: 100 }).toBe(5);
      const lines = await fresh.lrange(queueKey, 0, -1);
      expect(lines.every((l) => decodeLine(l).ok)).toBe(true);
    } finally {
      fresh.disconnect();
    }
  });

  it('refuses to start in production without its required settings, naming them', async () => {
    await expect(startWebProcess({ NODE_ENV: 'production' })).rejects.toThrow(/DATABASE_URL: required when NODE_ENV=production/);
    await expect(
      startWebProcess({ NODE_ENV: 'production', DATABASE_URL: testDatabaseUrl(), REDIS_URL: testRedisUrl() }),
    ).rejects.toThrow(/API_KEY: required when NODE_ENV=production/);
  });
});
