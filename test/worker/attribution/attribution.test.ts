import { afterAll, describe, expect, it } from 'vitest';
import { pushLines, testRedis, uniqueKey } from '../../support/fixtures.ts';
import { readTopic } from '../../support/kafka-consumer.ts';
import { startTestWorker } from '../../support/worker-runtime.ts';
import { clickLine, eventLine } from './lines.ts';

const redis = testRedis();
afterAll(() => redis.disconnect());

const ADID = '44566636-6BC5-48DE-B4AE-7DF9DF06B356';
const nowS = () => Math.floor(Date.now() / 1000);

interface Delivered {
  message_id: string;
  event: string;
  attribution: { click_id: string; link_id: number; match: string; seconds_since_click: number; campaign: string } | null;
}

describe('attribution in the worker (real Redis and Kafka)', () => {
  it('ties events to clicks by click id, advertising id and fingerprint, last click wins, within the window and never by a private fingerprint', async () => {
    const queueKey = uniqueKey();
    const worker = await startTestWorker({ REDIS_QUEUE_KEY: queueKey, WORKER_ATTRIBUTION_GRACE_S: '2', WORKER_BATCH_SIZE: '50' });
    try {
      const t = nowS();
      const byId = clickLine({ linkId: 11, ip: '8.8.8.8', platform: 'android', ts: t - 60 });
      const byAdid = clickLine({ linkId: 12, ip: '9.9.9.9', platform: 'ios', adid: ADID, ts: t - 50 });
      // Two links, one device by fingerprint: the later click wins.
      const earlier = clickLine({ linkId: 13, ip: '1.1.1.1', platform: 'ios', ts: t - 40 });
      const later = clickLine({ linkId: 14, ip: '1.1.1.1', platform: 'ios', ts: t - 30 });
      // A window that ended before the install.
      const expired = clickLine({ linkId: 15, ip: '2.2.2.2', platform: 'android', ts: t - 7200, windowSeconds: 600 });
      // A visitor who asked for privacy: no fingerprint at click time.
      const privateClick = clickLine({ linkId: 16, ip: '3.3.3.0', platform: 'ios', privacy: true, ts: t - 20 });
      // A public click whose fingerprint a private event would match.
      const publicClick = clickLine({ linkId: 17, ip: '4.4.4.4', platform: 'android', ts: t - 20 });
      const clicks = [byId, byAdid, earlier, later, expired, privateClick, publicClick];
      await pushLines(redis, queueKey, clicks.map((c) => c.line));
      await expect.poll(async () => (await worker.metrics.summary()).delivered, { timeout: 20_000 }).toBe(clicks.length);

      const events = {
        byId: eventLine({ ip: '5.5.5.5', platform: 'android', clickId: byId.id }),
        byAdid: eventLine({ ip: '6.6.6.6', platform: 'ios', idfa: ADID.toLowerCase().replaceAll('-', '') }),
        byPrint: eventLine({ ip: '1.1.1.1', platform: 'ios', event: 'open' }),
        expired: eventLine({ ip: '2.2.2.2', platform: 'android' }),
        toPrivate: eventLine({ ip: '3.3.3.0', platform: 'ios' }),
        privateEvent: eventLine({ ip: '4.4.4.4', platform: 'android', privacy: true }),
        organic: eventLine({ ip: '7.7.7.7', platform: 'ios' }),
      };
      await pushLines(redis, queueKey, Object.values(events).map((e) => e.line));
      const messages = await readTopic(`${worker.prefix}events`, Object.keys(events).length, 30_000);
      const got = new Map(messages.map((m) => [m.key, JSON.parse(m.value) as Delivered]));
      const attribution = (name: keyof typeof events) => got.get(events[name].id)?.attribution;

      expect(attribution('byId')).toMatchObject({ click_id: byId.id, link_id: 11, match: 'click_id', campaign: 'campaign-11' });
      expect(attribution('byId')!.seconds_since_click).toBeGreaterThanOrEqual(60);
      expect(attribution('byAdid')).toMatchObject({ click_id: byAdid.id, link_id: 12, match: 'adid' });
      expect(attribution('byPrint')).toMatchObject({ click_id: later.id, link_id: 14, match: 'fingerprint' });
      expect(attribution('expired')).toBeNull();
      expect(attribution('toPrivate')).toBeNull();
      expect(attribution('privateEvent')).toBeNull();
      expect(attribution('organic')).toBeNull();
      expect(messages).toHaveLength(Object.keys(events).length);
      for (const m of messages) expect(m.key).toBe((JSON.parse(m.value) as Delivered).message_id);
      expect(got.get(events.byPrint.id)?.event).toBe('open');
    } finally {
      await worker.stop();
    }
  }, 60_000);

  it('attributes an event drained before its click, which was still behind it in the list', async () => {
    const queueKey = uniqueKey();
    const worker = await startTestWorker({ REDIS_QUEUE_KEY: queueKey, WORKER_ATTRIBUTION_GRACE_S: '20' });
    try {
      const click = clickLine({ linkId: 21, ip: '8.8.4.4', platform: 'android', ts: nowS() - 5 });
      const install = eventLine({ ip: '8.8.4.4', platform: 'android', clickId: click.id });
      await pushLines(redis, queueKey, [install.line]);
      await expect.poll(async () => (await worker.metrics.summary()).eventsParked, { timeout: 10_000 }).toBeGreaterThan(0);
      expect(await redis.zcard(`${queueKey}:parked`)).toBe(1);
      await pushLines(redis, queueKey, [click.line]);
      const [message] = await readTopic(`${worker.prefix}events`, 1, 20_000);
      expect(JSON.parse(message!.value).attribution).toMatchObject({ click_id: click.id, link_id: 21, match: 'click_id' });
      expect(await redis.zcard(`${queueKey}:parked`)).toBe(0);
    } finally {
      await worker.stop();
    }
  }, 40_000);
});
