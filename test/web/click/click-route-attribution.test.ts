import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeLine, type EventLine } from '../../../src/shared/click-line.ts';
import { ANDROID_UA, IPHONE_UA, TARGETS, insertLink, testDatabaseUrl, testRedis, testRedisUrl, testSql, uniqueKey } from '../../support/fixtures.ts';
import { startWebProcess } from '../../support/processes.ts';
import { startTestRuntime } from '../../support/web-runtime.ts';

const ADID = '44566636-6BC5-48DE-B4AE-7DF9DF06B356';
const sql = testSql();
const redis = testRedis();
afterAll(async () => {
  await sql.end();
  redis.disconnect();
});

type Runtime = Awaited<ReturnType<typeof startTestRuntime>>;

async function lastLine(runtime: Runtime): Promise<EventLine> {
  const [raw] = await redis.lrange(runtime.queueKey, 0, 0);
  const decoded = decodeLine(raw ?? '');
  if (!decoded.ok) throw decoded.error;
  return decoded.line;
}

describe('attribution on the click route', () => {
  let runtime: Runtime;
  beforeAll(async () => {
    runtime = await startTestRuntime({ TRUST_PROXY: '1', APP_STORE_PROVIDER_TOKEN: '118000' });
  });
  const click = (path: string, headers: Record<string, string>) => runtime.app.request(path, { headers });

  it('queues the normalised advertising id, its lookup key and the idfa window', async () => {
    const link = await insertLink(sql, { attributionWindowIdfa: 100, attributionWindowFingerprint: 10 });
    const res = await click(`/t/click/${link.slug}?idfa=445666366bc548deb4ae7df9df06b356&click=net-1&cb=pd&sub=7`, {
      'user-agent': IPHONE_UA,
      'x-forwarded-for': '198.51.100.7',
    });
    expect(res.status).toBe(302);
    const { params, ts } = await lastLine(runtime);
    expect(params).toMatchObject({
      adid: ADID,
      idfa_comb: ADID,
      lookup_key: 'eb2e4ebe9bf98f8c92efc5f2cb468b18',
      attr_window_from: String(ts),
      attr_window_till: String(ts + 100 * 60),
      click: 'net-1',
      partner_data: 'pd',
      reqparams: 'sub=7',
    });
  });

  it('redirects and queues a click with an invalid id, and counts the id', async () => {
    const link = await insertLink(sql);
    const res = await click(`/t/click/${link.slug}?adid=not-an-id`, { 'user-agent': IPHONE_UA, 'x-forwarded-for': '198.51.100.8' });
    expect(res.status).toBe(302);
    const { params } = await lastLine(runtime);
    expect(params.adid).toBeUndefined();
    expect(params.reqparams).toBe('adid=not-an-id');
    expect(params.lookup_key).toBeDefined();
    const metrics = await (await runtime.app.request('/metrics')).text();
    expect(metrics).toMatch(/click_invalid_ad_ids_total\{field="adid",reason="malformed"\} [1-9]/);
  });

  it('queues the URL the visitor was sent to, with store parameters and the global provider token', async () => {
    const link = await insertLink(sql, { campaign: 'launch', appStoreCampaignToken: 'tok-1' });
    const ios = await click(`/t/click/${link.slug}`, { 'user-agent': IPHONE_UA });
    expect(ios.headers.get('location')).toBe(`${TARGETS.ios}?ct=tok-1&pt=118000`);
    expect((await lastLine(runtime)).params.redirect_url).toBe(`${TARGETS.ios}?ct=tok-1&pt=118000`);

    const android = await click(`/t/click/${link.slug}`, { 'user-agent': ANDROID_UA });
    const { params } = await lastLine(runtime);
    expect(android.headers.get('location')).toBe(params.redirect_url);
    const referrer = new URL(params.redirect_url!).searchParams.get('referrer');
    expect(referrer).toBe(`utm_source=meta&utm_medium=click&utm_campaign=launch&click_id=${params.click_id}`);
  });

  it('leaves the targets alone for a link with store parameters off', async () => {
    const link = await insertLink(sql, { storeParams: false });
    expect((await click(`/t/click/${link.slug}`, { 'user-agent': IPHONE_UA })).headers.get('location')).toBe(TARGETS.ios);
    expect((await click(`/t/click/${link.slug}`, { 'user-agent': ANDROID_UA })).headers.get('location')).toBe(TARGETS.android);
  });

  it('fills in target templates and forwards the query when the link asks', async () => {
    const link = await insertLink(sql, {
      targets: { default: 'https://example.com/l/{slug}?cid={click_id}&s={q:sub}' },
      forwardQuery: true,
    });
    const res = await click(`/t/click/${link.slug}?sub=a%26b%23c&gclid=G&click_id=forged`, { 'user-agent': 'curl/8' });
    const { params } = await lastLine(runtime);
    expect(res.headers.get('location')).toBe(`https://example.com/l/${link.slug}?cid=${params.click_id}&s=a%26b%23c&sub=a%26b%23c&gclid=G`);
    expect(params.redirect_url).toBe(res.headers.get('location'));
  });

  it.each([
    ['Sec-GPC: 1', { 'sec-gpc': '1' }],
    ['DNT: 1', { dnt: '1' }],
  ])('queues a truncated address and no fingerprint for %s', async (_, privacyHeader) => {
    const link = await insertLink(sql);
    await click(`/t/click/${link.slug}`, { 'user-agent': IPHONE_UA, 'x-forwarded-for': '198.51.100.7', ...privacyHeader });
    const line = await lastLine(runtime);
    expect(line.ip).toBe('198.51.100.0');
    expect(line.params.privacy).toBe('1');
    expect(line.params.lookup_key).toBeUndefined();
  });

  it('truncates IPv6 addresses to /48', async () => {
    const link = await insertLink(sql);
    await click(`/t/click/${link.slug}`, { 'user-agent': IPHONE_UA, 'x-forwarded-for': '2a03:2880:f12f:83:face:b00c:0:25de', 'sec-gpc': '1' });
    expect((await lastLine(runtime)).ip).toBe('2a03:2880:f12f::');
  });

  it('queues the full address of a visitor who did not ask for privacy', async () => {
    const link = await insertLink(sql);
    await click(`/t/click/${link.slug}`, { 'user-agent': IPHONE_UA, 'x-forwarded-for': '198.51.100.7', dnt: '0' });
    const line = await lastLine(runtime);
    expect(line.ip).toBe('198.51.100.7');
    expect(line.params.privacy).toBeUndefined();
  });
});

describe('IP_PRIVACY=truncate', () => {
  it('truncates every click and writes no fingerprint', async () => {
    const runtime = await startTestRuntime({ TRUST_PROXY: '1', IP_PRIVACY: 'truncate' });
    const link = await insertLink(sql);
    await runtime.app.request(`/t/click/${link.slug}?adid=${ADID}`, { headers: { 'user-agent': IPHONE_UA, 'x-forwarded-for': '203.0.113.99' } });
    await runtime.app.request(`/t/click/${link.slug}`, { headers: { 'user-agent': IPHONE_UA, 'x-forwarded-for': '203.0.113.99' } });
    const lines = (await redis.lrange(runtime.queueKey, 0, -1)).map((raw) => decodeLine(raw)).map((d) => (d.ok ? d.line : null));
    expect(lines.map((l) => l?.ip)).toEqual(['203.0.113.0', '203.0.113.0']);
    expect(lines.map((l) => l?.params.privacy)).toEqual(['1', '1']);
    // Newest first: the click without an id has no lookup key, the one with an id keeps its own.
    expect(lines[0]?.params.lookup_key).toBeUndefined();
    expect(lines[1]?.params.lookup_key).toBe('eb2e4ebe9bf98f8c92efc5f2cb468b18');
  });
});

describe('privacy on a real socket', () => {
  it('reads Sec-GPC, DNT and X-Forwarded-For from the request the server received', async () => {
    const queueKey = uniqueKey();
    const proc = await startWebProcess({ DATABASE_URL: testDatabaseUrl(), REDIS_URL: testRedisUrl(), REDIS_QUEUE_KEY: queueKey, TRUST_PROXY: '1' });
    try {
      const link = await insertLink(sql);
      const visit = (headers: Record<string, string>) =>
        fetch(`${proc.url}/t/click/${link.slug}`, { redirect: 'manual', headers: { 'user-agent': IPHONE_UA, 'x-forwarded-for': '198.51.100.7', ...headers } });
      const privacyHeaders: Array<Record<string, string>> = [{}, { 'sec-gpc': '1' }, { dnt: '1' }];
      for (const headers of privacyHeaders) expect((await visit(headers)).status).toBe(302);
      await expect.poll(() => redis.llen(queueKey)).toBe(3);
      const lines = (await redis.lrange(queueKey, 0, -1)).reverse().map((raw) => decodeLine(raw)).map((d) => (d.ok ? d.line : null));
      expect(lines.map((l) => l?.ip)).toEqual(['198.51.100.7', '198.51.100.0', '198.51.100.0']);
      expect(lines.map((l) => l?.params.privacy)).toEqual([undefined, '1', '1']);
    } finally {
      await proc.stop();
    }
  });
});
