import { afterAll, describe, expect, it } from 'vitest';
import { ANDROID_UA, IPHONE_UA, TARGETS, insertLink, testSql, uniqueKey } from '../support/fixtures.ts';
import { readTopic } from '../support/kafka-consumer.ts';
import { startTestRuntime } from '../support/web-runtime.ts';
import { startTestWorker } from '../support/worker-runtime.ts';

const ADID = '44566636-6BC5-48DE-B4AE-7DF9DF06B356';
const sql = testSql();
afterAll(() => sql.end());

describe('attribution end to end (route -> Redis -> worker -> Kafka)', () => {
  it('delivers clicks and impressions with their attribution fields, keyed by their ids', async () => {
    const queueKey = uniqueKey();
    const web = await startTestRuntime({ REDIS_QUEUE_KEY: queueKey, TRUST_PROXY: '1', APP_STORE_PROVIDER_TOKEN: '118000' });
    const link = await insertLink(sql, { campaign: 'launch', network: 'meta', attributionWindowIdfa: 60, attributionWindowFingerprint: 15 });

    const iphone = await web.app.request(`/t/click/${link.slug}?adid=445666366bc548deb4ae7df9df06b356&click=n1&partner_data=p1&sub=a`, {
      headers: { 'user-agent': IPHONE_UA, 'x-forwarded-for': '8.8.8.8' },
    });
    const android = await web.app.request(`/t/click/${link.slug}?sub=b`, {
      headers: { 'user-agent': ANDROID_UA, 'x-forwarded-for': '8.8.4.4', 'sec-gpc': '1' },
    });
    const pixel = await web.app.request(`/t/imp/${link.slug}?placement=feed`, { headers: { 'user-agent': IPHONE_UA, 'x-forwarded-for': '8.8.8.8' } });
    expect([iphone.status, android.status, pixel.status]).toEqual([302, 302, 200]);

    const worker = await startTestWorker({ REDIS_QUEUE_KEY: queueKey });
    try {
      const clicks = (await readTopic(`${worker.prefix}clicks`, 2)).map((m) => ({ key: m.key, event: JSON.parse(m.value) }));
      const impressions = (await readTopic(`${worker.prefix}impressions`, 1)).map((m) => ({ key: m.key, event: JSON.parse(m.value) }));
      expect(clicks).toHaveLength(2);
      expect(impressions).toHaveLength(1);
      const byPlatform = new Map(clicks.map((c) => [c.event.params.platform, c]));

      const ios = byPlatform.get('ios')!;
      expect(ios.key).toBe(ios.event.click_id);
      expect(ios.event).toMatchObject({ ip: '8.8.8.8', country: 'US', platform: 'ios', bot: false });
      expect(ios.event.params).toMatchObject({
        adid: ADID,
        idfa_comb: ADID,
        lookup_key: 'eb2e4ebe9bf98f8c92efc5f2cb468b18',
        attr_window_from: String(ios.event.ts),
        attr_window_till: String(ios.event.ts + 60 * 60),
        click: 'n1',
        partner_data: 'p1',
        reqparams: 'sub=a',
        redirect_url: `${TARGETS.ios}?ct=launch&pt=118000`,
      });
      expect(iphone.headers.get('location')).toBe(ios.event.params.redirect_url);

      const droid = byPlatform.get('android')!;
      expect(droid.event).toMatchObject({ ip: '8.8.4.0', country: 'US', platform: 'android' });
      expect(droid.event.params).toMatchObject({ privacy: '1', reqparams: 'sub=b', attr_window_till: String(droid.event.ts + 15 * 60) });
      expect(droid.event.params.lookup_key).toBeUndefined();
      expect(android.headers.get('location')).toBe(droid.event.params.redirect_url);
      expect(new URL(droid.event.params.redirect_url).searchParams.get('referrer')).toBe(
        `utm_source=meta&utm_medium=click&utm_campaign=launch&click_id=${droid.key}`,
      );

      const [impression] = impressions;
      expect(impression!.key).toBe(impression!.event.params.impression_id);
      expect(impression!.event).toMatchObject({
        type: '/t/imp',
        path: '/t/imp',
        impression_id: impression!.key,
        ip: '8.8.8.8',
        country: 'US',
        platform: 'ios',
        device: { type: 'smartphone', vendor: 'Apple' },
        bot: false,
        params: { slug: link.slug, campaign: 'launch', reqparams: 'placement=feed' },
      });
      expect(impression!.event).not.toHaveProperty('click_id');
      expect(impression!.event.params.redirect_url).toBeUndefined();
    } finally {
      await worker.stop();
    }
  });
});
