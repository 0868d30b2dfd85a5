import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { statsTopics } from '../../../src/config/stats.ts';
import { createDb } from '../../../src/db/client.ts';
import { createStatsConsumer, type StatsConsumer } from '../../../src/stats/consumer.ts';
import { createStatsMetrics } from '../../../src/stats/metrics.ts';
import { queryRows } from '../../../src/stats/sql-rows.ts';
import { ANDROID_UA, insertLink, silentLogger, testSql } from '../../support/fixtures.ts';
import { uniqueKafkaPrefix } from '../../support/kafka-consumer.ts';
import { startTestRuntime } from '../../support/web-runtime.ts';
import { startTestWorker } from '../../support/worker-runtime.ts';
import { createStatsTopics, waitFor } from '../../stats/kafka-helpers.ts';
import { HASH_KEY } from '../../stats/support.ts';
import { ADMIN_KEY, basic, createWriteKey } from '../../web/ingest/ingest-helpers.ts';

const client = testSql();
const db = createDb(client);
const consumers: StatsConsumer[] = [];
afterAll(async () => {
  await Promise.all(consumers.map((c) => c.stop()));
  await client.end();
});

const CLICKS = 40;

describe('conversions through the ingestion API (/t/click, /v1/batch, worker, Kafka, stats consumer)', () => {
  it('ties installs (Play referrer click_id) and purchases (fingerprint) to the clicks and counts them once, a retried batch included', async () => {
    const web = await startTestRuntime({ API_KEY: ADMIN_KEY, TRUST_PROXY: '1' });
    const prefix = uniqueKafkaPrefix();
    await createStatsTopics(prefix, 2);
    const worker = await startTestWorker({ REDIS_QUEUE_KEY: web.queueKey, KAFKA_PREFIX: prefix, WORKER_ATTRIBUTION_GRACE_S: '5' });
    const { topics, groupId } = statsTopics(prefix);
    const consumer = createStatsConsumer({ db, kafka: { bootstrapBrokers: inject('kafkaBootstrap').split(',') }, topics, groupId, hashKey: HASH_KEY, metrics: createStatsMetrics({ defaultMetrics: false }), logger: silentLogger, batchSize: 200, sessionTimeoutMs: 6_000 });
    consumers.push(consumer);
    void consumer.run();
    try {
      const link = await insertLink(client, { campaign: 'ingest-e2e', network: 'google' });
      const { key } = await createWriteKey(web.app, 'E2E Android app', 'android');
      const installs: unknown[] = [];
      const purchases: unknown[] = [];
      for (let i = 0; i < CLICKS; i++) {
        const ip = `198.18.${i}.7`;
        const res = await web.app.request(`/t/click/${link.slug}`, { headers: { 'user-agent': ANDROID_UA, 'x-forwarded-for': ip } });
        expect(res.status).toBe(302);
        // The Play Store hands the app the referrer the redirect carried: its click_id.
        const referrer = new URLSearchParams(new URL(res.headers.get('location') ?? '').searchParams.get('referrer') ?? '');
        installs.push({ event: 'install', messageId: `install-${link.id}-${i}`, click_id: referrer.get('click_id') });
        // A purchase from the same device with no ids at all: matched by fingerprint.
        if (i % 2 === 0) purchases.push({ ip, body: { event: 'purchase', messageId: `purchase-${link.id}-${i}`, revenue: '3.50', currency: 'USD', platform: 'android' } });
      }
      const batch = (events: unknown[], ip = '203.0.113.50') =>
        web.app.request('/v1/batch', { method: 'POST', headers: { authorization: basic(key), 'content-type': 'application/json', 'x-forwarded-for': ip }, body: JSON.stringify({ batch: events }) });
      expect((await batch(installs)).status).toBe(200);
      // A retry of the same batch (the app did not see the answer) counts nothing more.
      expect((await batch(installs)).status).toBe(200);
      for (const p of purchases as { ip: string; body: unknown }[]) expect((await batch([p.body], p.ip)).status).toBe(200);

      const counted = async () =>
        Object.fromEntries(
          (await queryRows<{ event: string; n: number }>(db, sql`select event, sum(count)::int as n from stats_conversions where link_id = ${link.id} group by event`)).map((r) => [r.event, r.n]),
        );
      await waitFor(async () => JSON.stringify(await counted()) === JSON.stringify({ install: CLICKS, purchase: CLICKS / 2 }) || Object.keys(await counted()).length > 2, 60_000, 'the conversions to be counted');
      const [revenue] = await queryRows<{ r: string }>(db, sql`select trim_scale(sum(revenue))::text as r from stats_conversions where link_id = ${link.id}`);
      expect(revenue?.r).toBe(String((CLICKS / 2) * 3.5));
      const matches = await queryRows<{ match: string; n: number }>(db, sql`select match, count(*)::int as n from stats_conversion_events where link_id = ${link.id} group by match order by match`);
      expect(matches).toEqual([
        { match: 'click_id', n: CLICKS },
        { match: 'fingerprint', n: CLICKS / 2 },
      ]);
      expect(await counted()).toEqual({ install: CLICKS, purchase: CLICKS / 2 });
    } finally {
      await worker.stop();
    }
  }, 120_000);
});
