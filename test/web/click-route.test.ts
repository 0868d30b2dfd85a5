import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeLine } from '../../src/shared/click-line.ts';
import {
  ANDROID_UA,
  DESKTOP_UA,
  IPHONE_UA,
  TARGETS,
  insertLink,
  testRedis,
  testSql,
} from '../support/fixtures.ts';
import { startTestRuntime } from '../support/web-runtime.ts';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
// The link below has store parameters on (the default): the App Store gets its campaign token.
const IOS_REDIRECT = `${TARGETS.ios}?ct=spring%20sale`;
const sql = testSql();
const redis = testRedis();
afterAll(async () => {
  await sql.end();
  redis.disconnect();
});

describe('GET /t/click/:slug', () => {
  let runtime: Awaited<ReturnType<typeof startTestRuntime>>;
  let slug: string;
  let linkId: number;
  beforeAll(async () => {
    runtime = await startTestRuntime({ TRUST_PROXY: '1' });
    const link = await insertLink(sql, { campaign: 'spring sale', network: 'meta' });
    slug = link.slug;
    linkId = link.id;
  });

  const click = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
    runtime.app.request(path, { method, headers });

  async function queuedLines(): Promise<string[]> {
    return redis.lrange(runtime.queueKey, 0, -1);
  }

  it('redirects an iPhone to the App Store target and queues one well-formed line', async () => {
    const before = (await queuedLines()).length;
    const res = await click(`/t/click/${slug}?adid=ABC&utm_source=fb`, { 'user-agent': IPHONE_UA, 'x-forwarded-for': '198.51.100.7' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(IOS_REDIRECT);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-robots-tag')).toBe('noindex');

    const lines = await queuedLines();
    expect(lines).toHaveLength(before + 1);
    const decoded = decodeLine(lines[0]!);
    if (!decoded.ok) throw decoded.error;
    const { line } = decoded;
    expect(line.ip).toBe('198.51.100.7');
    expect(Math.abs(line.ts - Date.now() / 1000)).toBeLessThan(5);
    expect(line.topic).toBe('clicks');
    expect(line.type).toBe('/t/click');
    expect(line.userAgent).toBe(IPHONE_UA);
    expect(line.params).toMatchObject({
      link_id: String(linkId),
      slug,
      campaign: 'spring sale',
      adgroup: 'ag1',
      ad: 'ad1',
      network: 'meta',
      platform: 'ios',
      redirect_url: IOS_REDIRECT,
      // ABC is no advertising id: reported, and kept with the visitor's other parameters.
      reqparams: 'adid=ABC&utm_source=fb',
    });
    expect(line.params.adid).toBeUndefined();
    expect(line.params.click_id).toMatch(UUID_V7);
  });

  it('queues the Referer host only, never its path or query', async () => {
    await click(`/t/click/${slug}`, { 'user-agent': IPHONE_UA, referer: 'https://News.Example.com/story?gclid=secret' });
    const decoded = decodeLine((await queuedLines())[0]!);
    if (!decoded.ok) throw decoded.error;
    expect(decoded.line.params.referer_host).toBe('news.example.com');
    expect(JSON.stringify(decoded.line.params)).not.toContain('secret');
  });

  it('gives every click its own click id, and a visitor cannot forge one', async () => {
    await click(`/t/click/${slug}?click_id=forged`, { 'user-agent': IPHONE_UA });
    await click(`/t/click/${slug}`, { 'user-agent': IPHONE_UA });
    const [a, b] = (await queuedLines()).map((raw) => decodeLine(raw)).map((d) => (d.ok ? d.line.params.click_id : ''));
    expect(a).toMatch(UUID_V7);
    expect(b).toMatch(UUID_V7);
    expect(a).not.toBe(b);
  });

  it('redirects Android to the Play Store target and a desktop to the web target', async () => {
    const android = (await click(`/t/click/${slug}`, { 'user-agent': ANDROID_UA })).headers.get('location') ?? '';
    expect(android.startsWith(`${TARGETS.android}&referrer=utm_source%3Dmeta%26utm_medium%3Dclick%26utm_campaign%3Dspring%2520sale%26click_id%3D`)).toBe(true);
    expect((await click(`/t/click/${slug}`, { 'user-agent': DESKTOP_UA })).headers.get('location')).toBe(TARGETS.default);
    expect((await click(`/t/click/${slug}`)).headers.get('location')).toBe(TARGETS.default);
  });

  it('honours the Sec-CH-UA-Platform client hint', async () => {
    const res = await click(`/t/click/${slug}`, { 'user-agent': DESKTOP_UA, 'sec-ch-ua-platform': '"Android"' });
    expect(res.headers.get('location')).toMatch(/^https:\/\/play\.google\.com\//);
  });

  it('answers HEAD the same way without queueing anything', async () => {
    const before = (await queuedLines()).length;
    const res = await click(`/t/click/${slug}`, { 'user-agent': IPHONE_UA }, 'HEAD');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(IOS_REDIRECT);
    expect(await queuedLines()).toHaveLength(before);
  });

  it('answers 404 for an unknown or malformed slug and queues nothing', async () => {
    const before = (await queuedLines()).length;
    expect((await click('/t/click/no-such-link', { 'user-agent': IPHONE_UA })).status).toBe(404);
    expect((await click('/t/click/%E2%98%83%20x', { 'user-agent': IPHONE_UA })).status).toBe(404);
    expect(await queuedLines()).toHaveLength(before);
  });

  it('answers 404 when the link has no target for the platform', async () => {
    const iosOnly = await insertLink(sql, { targets: { ios: TARGETS.ios } });
    expect((await click(`/t/click/${iosOnly.slug}`, { 'user-agent': DESKTOP_UA })).status).toBe(404);
    expect((await click(`/t/click/${iosOnly.slug}`, { 'user-agent': IPHONE_UA })).status).toBe(302);
  });

  it('caps the visitor query and keeps our own fields', async () => {
    await click(`/t/click/${slug}?big=${'x'.repeat(5000)}&small=1`, { 'user-agent': IPHONE_UA });
    const [raw] = await queuedLines();
    const decoded = decodeLine(raw!);
    if (!decoded.ok) throw decoded.error;
    expect(decoded.line.params.big).toBeUndefined();
    expect(decoded.line.params.reqparams).toBe('small=1');
    expect(decoded.line.params.params_truncated).toBe('1');
    expect(decoded.line.params.slug).toBe(slug);
  });
});

describe('NOT_FOUND_URL', () => {
  it('redirects unknown slugs and links without a usable target there', async () => {
    const runtime = await startTestRuntime({ NOT_FOUND_URL: 'https://example.com/gone' });
    const iosOnly = await insertLink(sql, { targets: { ios: TARGETS.ios } });
    for (const path of ['/t/click/nope', `/t/click/${iosOnly.slug}`]) {
      const res = await runtime.app.request(path, { headers: { 'user-agent': DESKTOP_UA } });
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe('https://example.com/gone');
    }
    expect(await redis.llen(runtime.queueKey)).toBe(0);
  });
});

describe('when Postgres is unreachable', () => {
  const unreachable = 'postgres://postgres@127.0.0.1:1/nothing';

  it('redirects to ERROR_PAGE_URL for an uncached link and queues nothing', async () => {
    const runtime = await startTestRuntime({ DATABASE_URL: unreachable, ERROR_PAGE_URL: 'https://example.com/oops' });
    const res = await runtime.app.request('/t/click/anything', { headers: { 'user-agent': IPHONE_UA } });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('https://example.com/oops');
    expect(await redis.llen(runtime.queueKey)).toBe(0);
  });

  it('answers the unknown-link way (never a 500) without ERROR_PAGE_URL, and /ready names postgres', async () => {
    const runtime = await startTestRuntime({ DATABASE_URL: unreachable });
    const res = await runtime.app.request('/t/click/anything');
    expect(res.status).toBe(404);
    const ready = await runtime.app.request('/ready');
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'unavailable', down: ['postgres'] });
  });
});

describe('service routes', () => {
  it('serve health, readiness, robots.txt, favicon and metrics', async () => {
    const runtime = await startTestRuntime();
    const link = await insertLink(sql);
    await runtime.app.request(`/t/click/${link.slug}`, { headers: { 'user-agent': IPHONE_UA } });

    expect((await runtime.app.request('/health')).status).toBe(200);
    const ready = await runtime.app.request('/ready');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
    const robots = await runtime.app.request('/robots.txt');
    expect(await robots.text()).toBe('User-agent: *\nDisallow: /\n');
    expect((await runtime.app.request('/favicon.ico')).status).toBe(204);
    const metrics = await (await runtime.app.request('/metrics')).text();
    expect(metrics).toMatch(/clicks_total\{platform="ios",outcome="queued"\} 1/);
    expect(metrics).toMatch(/click_redirect_duration_seconds_count 1/);
    expect(metrics).toMatch(/click_queue_buffer_lines 0/);
  });

  it('answers unknown routes with a JSON 404', async () => {
    const runtime = await startTestRuntime();
    const res = await runtime.app.request('/nope');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: 'not_found' });
  });
});
