import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeLine } from '../../src/shared/click-line.ts';
import { PIXEL_GIF } from '../../src/web/routes/impression.ts';
import { IPHONE_UA, insertLink, testRedis, testSql } from '../support/fixtures.ts';
import { startTestRuntime } from '../support/web-runtime.ts';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
// The canonical transparent 1x1 GIF89a.
const GIF_BYTES = [
  0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0x21, 0xf9, 0x04,
  0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b,
];

const sql = testSql();
const redis = testRedis();
afterAll(async () => {
  await sql.end();
  redis.disconnect();
});

async function expectPixel(res: Response): Promise<void> {
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('image/gif');
  expect(res.headers.get('cache-control')).toBe('no-store');
  expect(res.headers.get('content-length')).toBe('43');
  if (res.body) expect([...new Uint8Array(await res.arrayBuffer())]).toEqual(GIF_BYTES);
}

describe('GET /t/imp/:slug', () => {
  let runtime: Awaited<ReturnType<typeof startTestRuntime>>;
  beforeAll(async () => {
    runtime = await startTestRuntime({ TRUST_PROXY: '1' });
  });
  const queued = () => redis.lrange(runtime.queueKey, 0, -1);

  it('serves the 43-byte transparent GIF', () => {
    expect(PIXEL_GIF).toHaveLength(43);
    expect([...PIXEL_GIF]).toEqual(GIF_BYTES);
  });

  it('answers the pixel, uncached, and queues an impression line', async () => {
    const link = await insertLink(sql, { campaign: 'launch', attributionWindowFingerprint: 30 });
    const res = await runtime.app.request(`/t/imp/${link.slug}?placement=top&click_id=forged`, {
      headers: { 'user-agent': IPHONE_UA, 'x-forwarded-for': '198.51.100.7' },
    });
    await expectPixel(res);
    const [raw] = await queued();
    const decoded = decodeLine(raw ?? '');
    if (!decoded.ok) throw decoded.error;
    const { line } = decoded;
    expect(line).toMatchObject({ ip: '198.51.100.7', topic: 'impressions', type: '/t/imp', userAgent: IPHONE_UA });
    expect(line.params).toMatchObject({
      link_id: String(link.id),
      slug: link.slug,
      campaign: 'launch',
      platform: 'ios',
      attr_window_from: String(line.ts),
      attr_window_till: String(line.ts + 30 * 60),
      reqparams: 'placement=top&click_id=forged',
    });
    expect(line.params.impression_id).toMatch(UUID_V7);
    expect(line.params.lookup_key).toMatch(/^[0-9a-f]{32}$/);
    expect(line.params.click_id).toBeUndefined();
    expect(line.params.redirect_url).toBeUndefined();
  });

  it('answers the pixel for an unknown or malformed slug and queues nothing', async () => {
    const before = (await queued()).length;
    await expectPixel(await runtime.app.request('/t/imp/no-such-link'));
    await expectPixel(await runtime.app.request('/t/imp/%E2%98%83%20x'));
    expect(await queued()).toHaveLength(before);
  });

  it('answers HEAD without queueing', async () => {
    const link = await insertLink(sql);
    const before = (await queued()).length;
    const res = await runtime.app.request(`/t/imp/${link.slug}`, { method: 'HEAD', headers: { 'user-agent': IPHONE_UA } });
    await expectPixel(res);
    expect(await queued()).toHaveLength(before);
  });

  it('honours Sec-GPC like a click', async () => {
    const link = await insertLink(sql);
    await runtime.app.request(`/t/imp/${link.slug}`, { headers: { 'user-agent': IPHONE_UA, 'x-forwarded-for': '198.51.100.7', 'sec-gpc': '1' } });
    const decoded = decodeLine((await queued())[0] ?? '');
    if (!decoded.ok) throw decoded.error;
    expect(decoded.line.ip).toBe('198.51.100.0');
    expect(decoded.line.params).toMatchObject({ privacy: '1' });
    expect(decoded.line.params.lookup_key).toBeUndefined();
  });

  it('counts impressions in the metrics', async () => {
    const metrics = await (await runtime.app.request('/metrics')).text();
    expect(metrics).toMatch(/impressions_total\{outcome="queued"\} [1-9]/);
    expect(metrics).toMatch(/impressions_total\{outcome="unknown_link"\} 2/);
  });
});

describe('the pixel when Postgres is unreachable', () => {
  it('still answers the GIF, so the page that embeds it is not broken', async () => {
    const runtime = await startTestRuntime({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nothing' });
    await expectPixel(await runtime.app.request('/t/imp/anything'));
    expect(await redis.llen(runtime.queueKey)).toBe(0);
  });
});
