import { afterAll, describe, expect, it } from 'vitest';
import { ANDROID_UA, IPHONE_UA, TARGETS, insertLink, testRedis, testSql, uniqueKey } from '../support/fixtures.ts';
import { STATS_HEADER } from '../../src/shared/stats-fields.ts';
import { readTopic } from '../support/kafka-consumer.ts';
import { startTestRuntime } from '../support/web-runtime.ts';
import { startTestWorker } from '../support/worker-runtime.ts';

const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';
const FACEBOOK = 'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)';

const sql = testSql();
const redis = testRedis();
afterAll(async () => {
  await sql.end();
  redis.disconnect();
});

describe('worker delivery into Kafka', () => {
  it('delivers clicks made through the real click route with the documented fields', async () => {
    const queueKey = uniqueKey();
    const web = await startTestRuntime({ REDIS_QUEUE_KEY: queueKey, TRUST_PROXY: '1' });
    const link = await insertLink(sql, { campaign: 'launch' });
    const visitors = [
      { ua: IPHONE_UA, ip: '8.8.8.8' },
      { ua: ANDROID_UA, ip: '8.8.4.4' },
      { ua: GOOGLEBOT, ip: '66.249.66.1' },
      { ua: FACEBOOK, ip: '69.171.250.1' },
    ];
    for (const v of visitors) {
      const res = await web.app.request(`/t/click/${link.slug}?adid=X1`, { headers: { 'user-agent': v.ua, 'x-forwarded-for': v.ip } });
      expect(res.status).toBe(302);
    }
    const worker = await startTestWorker({ REDIS_QUEUE_KEY: queueKey });
    try {
      const messages = await readTopic(`${worker.prefix}clicks`, 4);
      expect(messages).toHaveLength(4);
      const events = messages.map((m) => ({ key: m.key, event: JSON.parse(m.value) }));
      for (const { key, event } of events) expect(key).toBe(event.click_id);
      const byUa = new Map(events.map(({ event }) => [event.user_agent, event]));

      const iphone = byUa.get(IPHONE_UA);
      expect(iphone).toMatchObject({
        type: '/t/click',
        path: '/t/click',
        ip: '8.8.8.8',
        country: 'US',
        platform: 'ios',
        device: { type: 'smartphone', vendor: 'Apple', model: 'iPhone' },
        os: { name: 'iOS' },
        browser: { name: 'Mobile Safari' },
        bot: false,
        bot_name: null,
        // X1 is no advertising id, so it travels with the visitor's other parameters.
        params: { slug: link.slug, campaign: 'launch', platform: 'ios', redirect_url: `${TARGETS.ios}?ct=launch`, reqparams: 'adid=X1' },
      });
      expect(iphone.click_id).toMatch(/^[0-9a-f-]{36}$/);
      expect(typeof iphone.ts).toBe('number');
      expect(new Date(iphone.received_at).getTime()).toBe(iphone.ts * 1000);
      expect(iphone.klag).toBeGreaterThanOrEqual(0);

      // Each click carries the statistics' fields as a header (shared/stats-fields.ts).
      const header = (ua: string) => JSON.parse(messages.find((m) => JSON.parse(m.value).user_agent === ua)?.headers.get(STATS_HEADER) ?? 'null');
      expect(header(IPHONE_UA)).toEqual(['/t/click', iphone.click_id, link.id, iphone.ts, false, 'ios', 'US', 'smartphone', 'iOS', 'Mobile Safari', '', 'launch', 'meta', expect.stringMatching(/^[ka]:/)]);
      // A bot has no visitor identity: the statistics never count it as one.
      expect(header(GOOGLEBOT)).toMatchObject({ 4: true, 13: '' });
      expect(byUa.get(ANDROID_UA)).toMatchObject({ platform: 'android', device: { type: 'smartphone' }, bot: false, country: 'US' });
      expect(byUa.get(GOOGLEBOT)).toMatchObject({ bot: true, bot_name: 'Googlebot' });
      expect(byUa.get(FACEBOOK)).toMatchObject({ bot: true, bot_name: 'facebookexternalhit' });
      expect(await redis.llen(queueKey)).toBe(0);
    } finally {
      await worker.stop();
    }
  });

  it('dead-letters a malformed line with its reason and delivers its batch-mates', async () => {
    const queueKey = uniqueKey();
    const invalidKey = uniqueKey('click_invalid');
    await redis.lpush(
      queueKey,
      '203.0.113.1 1700000000 clicks /t/click click_id=a1 curl/8',
      'not a line at all',
      '203.0.113.2 1700000001 impressions /t/imp event_id=e2 Mozilla/5.0',
    );
    const worker = await startTestWorker({ REDIS_QUEUE_KEY: queueKey, REDIS_INVALID_KEY: invalidKey });
    try {
      const clicks = await readTopic(`${worker.prefix}clicks`, 1);
      const impressions = await readTopic(`${worker.prefix}impressions`, 1);
      expect(clicks.map((m) => m.key)).toEqual(['a1']);
      expect(impressions.map((m) => m.key)).toEqual(['e2']);
      expect(JSON.parse(impressions[0]!.value)).toMatchObject({ type: '/t/imp', ip: '203.0.113.2' });
      const dead = await redis.lrange(invalidKey, 0, -1);
      expect(dead).toHaveLength(1);
      expect(JSON.parse(dead[0]!)).toMatchObject({ line: 'not a line at all', reason: expect.stringMatching(/^bad_ip: /) });
      const metrics = await worker.metrics.summary();
      expect(metrics).toMatchObject({ delivered: 2, invalid: 1 });
    } finally {
      await worker.stop();
    }
  });

  it('writes the original text format with KAFKA_MESSAGE_FORMAT=adtekio', async () => {
    const queueKey = uniqueKey();
    await redis.lpush(queueKey, `188.103.123.173 ${Math.floor(Date.now() / 1000)} clicks /t/click click_id=c1&adid=ABC ${IPHONE_UA}`);
    const worker = await startTestWorker({ REDIS_QUEUE_KEY: queueKey, KAFKA_MESSAGE_FORMAT: 'adtekio' });
    try {
      const [message] = await readTopic(`${worker.prefix}clicks`, 1);
      expect(message?.value).toMatch(
        /^\/t\/click bot_name&country=DE&device=smartphone&device_name=iPhone&ip=3160898477&klag=\d+&platform=ios&ts=\d+ click_id=c1&adid=ABC$/,
      );
      // The statistics read the header, so they count clicks in this format too.
      expect(JSON.parse(message?.headers.get(STATS_HEADER) ?? 'null')).toMatchObject({ 0: '/t/click', 1: 'c1', 6: 'DE' });
    } finally {
      await worker.stop();
    }
  });
});
