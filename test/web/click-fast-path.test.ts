import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeLine, type EventLine } from '../../src/shared/click-line.ts';
import { serverWithFastPath } from '../../src/web/routes/click-fast-path.ts';
import { ANDROID_UA, DESKTOP_UA, IPHONE_UA, insertLink, testRedis, testSql } from '../support/fixtures.ts';
import { startTestRuntime } from '../support/web-runtime.ts';

const sql = testSql();
const redis = testRedis();

describe('the click fast path (Node request, no Hono)', () => {
  let runtime: Awaited<ReturnType<typeof startTestRuntime>>;
  let server: ReturnType<typeof serve>;
  let base: string;
  /** What the fast path said about each request: true, it answered; false, Hono did. */
  const took: boolean[] = [];
  // Made before the runtime starts (no notification of them reaches it), and no delta check
  // but the first while the file runs: a link's own notification or the next check (every
  // 5 s by default) evicts it from the cache whenever it lands, and on a loaded machine that
  // was after a test had cached it (the fast path then missed it, once in CI).
  let links: Record<'sale' | 'platforms' | 'plain' | 'ruled', Awaited<ReturnType<typeof insertLink>>>;

  beforeAll(async () => {
    links = {
      sale: await insertLink(sql, { campaign: 'spring sale', network: 'meta' }),
      platforms: await insertLink(sql),
      plain: await insertLink(sql),
      ruled: await insertLink(sql, { maxClicks: 1000 }),
    };
    runtime = await startTestRuntime({ TRUST_PROXY: '1', LINK_CACHE_SYNC_MS: '3600000', LINK_CACHE_WARM: '1' });
    // Returns after the first check, which reads the last 30 s of changes (these links among
    // them); only with the warm-up on, as here. Each test still caches its links itself.
    await runtime.warmUp();
    const fast = runtime.clickFastPath;
    const spy: typeof fast = (req, res) => {
      const answered = fast(req, res);
      took.push(answered);
      return answered;
    };
    await new Promise<void>((resolve) => {
      server = serve({ fetch: runtime.app.fetch, port: 0, hostname: '127.0.0.1', createServer: serverWithFastPath(spy) }, () => resolve());
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await sql.end();
    redis.disconnect();
  });

  const popLine = async (): Promise<EventLine> => {
    const raw = await redis.lpop(runtime.queueKey);
    if (raw === null) throw new Error('no line queued');
    const decoded = decodeLine(raw);
    if (!decoded.ok) throw decoded.error;
    return decoded.line;
  };
  // What may differ between two clicks of the same visitor: the click id, the second.
  const comparable = (line: EventLine) => {
    const { click_id, attr_window_from, attr_window_till, ...params } = line.params;
    expect(click_id).toMatch(/^[0-9a-f-]{36}$/);
    return { ...line, ts: 0, params };
  };
  const lookupHits = async (): Promise<number> => {
    const text = await (await runtime.app.request('/metrics')).text();
    return Number(/^link_cache_lookups_total\{outcome="hit"\} (\d+)/m.exec(text)?.[1] ?? 0);
  };
  const viaServer = async (path: string, headers: Record<string, string>, method = 'GET') => {
    took.length = 0;
    const res = await fetch(`${base}${path}`, { method, headers, redirect: 'manual' });
    return { res, fast: took[0] };
  };

  it('answers a cached link exactly as the Hono route does, and queues the same line', async () => {
    const link = links.sale;
    const path = `/t/click/${link.slug}?idfa=6D92078A-8246-4BA4-AE5B-76104861E7DC&click=c%201&utm_source=fb&utm_source=tw`;
    const headers = { 'user-agent': IPHONE_UA, 'x-forwarded-for': '198.51.100.7', referer: 'https://news.example.com/a?b=c', 'sec-gpc': '1' };
    // The Hono route answers first, to compare with; the fast path then answers from the cache.
    const viaHono = await runtime.app.request(path, { headers });
    const honoLine = comparable(await popLine());
    const hits = await lookupHits();
    const { res, fast } = await viaServer(path, headers);
    expect(fast).toBe(true);
    expect(await lookupHits()).toBe(hits + 1);
    expect(res.status).toBe(302);
    for (const name of ['location', 'cache-control', 'referrer-policy', 'x-robots-tag']) expect(res.headers.get(name)).toBe(viaHono.headers.get(name));
    const fastLine = comparable(await popLine());
    expect(fastLine).toEqual(honoLine);
    // Sec-GPC: the address is truncated, and no fingerprint is queued.
    expect(fastLine.ip).toBe('198.51.100.0');
    expect(fastLine.params.privacy).toBe('1');
    expect(fastLine.params.referer_host).toBe('news.example.com');
  });

  it('gives each platform its target', async () => {
    const link = links.platforms;
    await runtime.app.request(`/t/click/${link.slug}`, { headers: { 'user-agent': IPHONE_UA } });
    await redis.del(runtime.queueKey);
    for (const [ua, platform] of [
      [ANDROID_UA, 'android'],
      [DESKTOP_UA, 'web'],
    ] as const) {
      const { res, fast } = await viaServer(`/t/click/${link.slug}`, { 'user-agent': ua });
      expect(fast).toBe(true);
      const line = await popLine();
      expect(line.params.platform).toBe(platform);
      expect(res.headers.get('location')).toBe(line.params.redirect_url);
    }
  });

  it('leaves to Hono what it does not answer, and Hono answers it', async () => {
    const { plain, ruled } = links;
    for (const slug of [plain.slug, ruled.slug]) await runtime.app.request(`/t/click/${slug}`, { headers: { 'user-agent': IPHONE_UA } });
    await redis.del(runtime.queueKey);
    const cases: Array<[string, string, number]> = [
      ['HEAD', `/t/click/${plain.slug}`, 302],
      ['GET', `/t/click/${ruled.slug}`, 302],
      ['GET', '/t/click/no-such-link-here', 404],
      ['GET', `/t/click/${plain.slug}%41`, 404],
      ['GET', `/t/click/${plain.slug}/`, 404],
      ['GET', '/health', 200],
    ];
    for (const [method, path, status] of cases) {
      const hits = await lookupHits();
      const { res, fast } = await viaServer(path, { 'user-agent': IPHONE_UA }, method);
      expect({ path, method, fast, status: res.status }).toEqual({ path, method, fast: false, status });
      // A click handed on is counted once, by the route (the cached links: HEAD and ruled).
      if (method === 'HEAD' || path.endsWith(ruled.slug)) expect(await lookupHits()).toBe(hits + 1);
    }
    // Of those, only the ruled GET is a click.
    expect(await redis.llen(runtime.queueKey)).toBe(1);
  });
});
