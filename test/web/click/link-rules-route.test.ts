import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeLine } from '../../../src/shared/click-line.ts';
import { freePort } from '../../support/processes.ts';
import { ANDROID_UA, DESKTOP_UA, IPHONE_UA, TARGETS, insertLink, testRedis, testSql } from '../../support/fixtures.ts';
import { startTestRuntime } from '../../support/web-runtime.ts';

const sql = testSql();
const redis = testRedis();
afterAll(async () => {
  await sql.end();
  redis.disconnect();
});

const EXPIRED = 'https://example.com/expired';
const DE_IP = '188.103.123.173';
const US_IP = '8.8.8.8';

describe('link rules on the click path', () => {
  let runtime: Awaited<ReturnType<typeof startTestRuntime>>;
  beforeAll(async () => {
    runtime = await startTestRuntime({ TRUST_PROXY: '1' });
  });

  const click = (slug: string, headers: Record<string, string> = {}, method = 'GET', query = '') =>
    runtime.app.request(`/t/click/${slug}${query}`, { method, headers: { 'user-agent': DESKTOP_UA, ...headers } });

  async function lastParams(): Promise<Record<string, string>> {
    const [raw] = await redis.lrange(runtime.queueKey, 0, 0);
    const decoded = decodeLine(raw!);
    if (!decoded.ok) throw decoded.error;
    return decoded.line.params as Record<string, string>;
  }

  it('routes by country through the bundled GeoIP database, and the line names the rule', async () => {
    const link = await insertLink(sql, {
      storeParams: false,
      rules: [
        { name: 'ios-fb', when: { platforms: ['ios'], query: [{ param: 'src', equals: 'fb' }] }, target: 'https://r1.example/' },
        { name: 'germany', when: { countries: ['DE'] }, target: 'https://de.example/' },
      ],
    });
    const de = await click(link.slug, { 'x-forwarded-for': DE_IP });
    expect(de.headers.get('location')).toBe('https://de.example/');
    expect(await lastParams()).toMatchObject({ rule: 'germany', redirect_url: 'https://de.example/' });
    expect((await lastParams()).variant).toBeUndefined();

    const us = await click(link.slug, { 'x-forwarded-for': US_IP });
    expect(us.headers.get('location')).toBe(TARGETS.default);
    expect((await lastParams()).rule).toBeUndefined();

    const fb = await click(link.slug, { 'x-forwarded-for': DE_IP, 'user-agent': IPHONE_UA }, 'GET', '?src=fb');
    expect(fb.headers.get('location')).toBe('https://r1.example/');
    expect((await lastParams()).rule).toBe('ios-fb');
  });

  it('routes by language and keeps a visitor on their variant, the line naming it', async () => {
    const link = await insertLink(sql, {
      storeParams: false,
      rules: [
        { when: { languages: ['fr'] }, target: 'https://fr.example/' },
        {
          name: 'split',
          when: {},
          targets: {
            android: [
              { name: 'a', url: 'https://a.example/', weight: 1 },
              { name: 'b', url: 'https://b.example/', weight: 1 },
            ],
          },
        },
      ],
    });
    const fr = await click(link.slug, { 'accept-language': 'en;q=0.5, fr-CA' });
    expect(fr.headers.get('location')).toBe('https://fr.example/');
    expect((await lastParams()).rule).toBe('1');

    const seen = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const headers = { 'user-agent': ANDROID_UA, 'x-forwarded-for': `198.51.100.${i}` };
      const first = (await click(link.slug, headers)).headers.get('location');
      const params = await lastParams();
      expect(params.rule).toBe('split');
      expect(first).toBe(params.variant === 'a' ? 'https://a.example/' : 'https://b.example/');
      expect((await click(link.slug, headers)).headers.get('location')).toBe(first);
      seen.add(first!);
    }
    expect(seen.size).toBe(2);
  });

  it('outside the schedule: expired_url, else the unknown-link answer, and nothing queued', async () => {
    const hour = 3_600_000;
    const notYet = await insertLink(sql, { startsAt: new Date(Date.now() + hour), expiredUrl: EXPIRED });
    const over = await insertLink(sql, { expiresAt: new Date(Date.now() - 1000) });
    const now = await insertLink(sql, { startsAt: new Date(Date.now() - hour), expiresAt: new Date(Date.now() + hour), storeParams: false });
    const before = await redis.llen(runtime.queueKey);
    expect((await click(notYet.slug)).headers.get('location')).toBe(EXPIRED);
    expect((await click(over.slug)).status).toBe(404);
    expect(await redis.llen(runtime.queueKey)).toBe(before);
    expect((await click(now.slug)).headers.get('location')).toBe(TARGETS.default);
    expect(await redis.llen(runtime.queueKey)).toBe(before + 1);
  });

  it('max_clicks counts human GETs only: bots and HEAD never use it up', async () => {
    const link = await insertLink(sql, { maxClicks: 3, expiredUrl: EXPIRED, storeParams: false });
    for (let i = 0; i < 5; i++) {
      expect((await click(link.slug, {}, 'HEAD')).headers.get('location')).toBe(TARGETS.default);
      expect((await click(link.slug, { 'user-agent': 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' })).headers.get('location')).toBe(TARGETS.default);
      expect((await click(link.slug, { 'user-agent': 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)' })).headers.get('location')).toBe(TARGETS.default);
    }
    for (let i = 0; i < 3; i++) expect((await click(link.slug, { 'user-agent': IPHONE_UA })).headers.get('location')).toBe(TARGETS.ios);
    expect((await click(link.slug, { 'user-agent': IPHONE_UA })).headers.get('location')).toBe(EXPIRED);
    expect((await click(link.slug)).headers.get('location')).toBe(EXPIRED);
    // Raising the limit lets clicks through again at once.
    await sql`update campaign_links set max_clicks = 10 where id = ${link.id}`;
    const deadline = Date.now() + 5_000;
    let location: string | null = EXPIRED;
    while (location === EXPIRED && Date.now() < deadline) {
      location = (await click(link.slug)).headers.get('location');
      if (location === EXPIRED) await new Promise((r) => setTimeout(r, 20));
    }
    expect(location).toBe(TARGETS.default);
  });
});

describe('with Redis down', () => {
  it('a limited link keeps redirecting', async () => {
    const deadPort = await freePort();
    const runtime = await startTestRuntime({ REDIS_URL: `redis://127.0.0.1:${deadPort}/15`, CLICK_SPILL_AFTER_MS: '600000' });
    const link = await insertLink(sql, { maxClicks: 1, expiredUrl: EXPIRED, storeParams: false });
    for (let i = 0; i < 5; i++) {
      const res = await runtime.app.request(`/t/click/${link.slug}`, { headers: { 'user-agent': DESKTOP_UA } });
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe(TARGETS.default);
    }
  });
});
