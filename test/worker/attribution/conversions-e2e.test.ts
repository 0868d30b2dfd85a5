import { sql } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createDb } from '../../../src/db/client.ts';
import { statsTopics } from '../../../src/config/stats.ts';
import { createStatsConsumer, loadOffsets, type StatsConsumer } from '../../../src/stats/consumer.ts';
import { createStatsMetrics } from '../../../src/stats/metrics.ts';
import { queryRows } from '../../../src/stats/sql-rows.ts';
import { collectPageProblems, launchChromium, SCREENSHOTS, signInToAdmin } from '../../support/chromium.ts';
import { insertLink, pushLines, silentLogger, testDatabaseUrl, testRedis, testRedisUrl, testSql, uniqueKey } from '../../support/fixtures.ts';
import { readTopicUntil, uniqueKafkaPrefix } from '../../support/kafka-consumer.ts';
import { startProcess, startWebProcess, type RunningProcess } from '../../support/processes.ts';
import { createStatsTopics, waitFor } from '../../stats/kafka-helpers.ts';
import { HASH_KEY } from '../../stats/support.ts';
import { clickLine, eventLine } from './lines.ts';

// Per link; every click brings an install and every 4th a purchase.
const CLICKS_PER_LINK = Number(process.env.CONVERSIONS_E2E_CLICKS ?? 1_500);
const ORGANIC = 300;
const API_KEY = 'conversions-e2e-key-0123456789';
const client = testSql();
const db = createDb(client);
const redis = testRedis();
const running: RunningProcess[] = [];
const consumers: StatsConsumer[] = [];
let browser: Browser | undefined;
afterAll(async () => {
  await browser?.close();
  await Promise.all(running.map((p) => p.stop('SIGKILL')));
  await Promise.all(consumers.map((c) => c.stop()));
  redis.disconnect();
  await client.end();
});

const ip = (i: number) => `${11 + (i % 200)}.${(i >> 8) % 256}.${i % 256}.${(i * 7) % 250 + 1}`;

async function startWorker(env: Record<string, string>): Promise<RunningProcess> {
  const proc = await startProcess(
    process.execPath,
    ['src/worker/index.ts'],
    { REDIS_URL: testRedisUrl(), KAFKA_URL: inject('kafkaBootstrap'), WORKER_HEARTBEAT_TTL_MS: '1000', WORKER_BATCH_SIZE: '200', LOG_LEVEL: 'info', ...env },
    /worker draining/,
    30_000,
  );
  running.push(proc);
  return proc;
}

async function perLink(linkId: number): Promise<Record<string, { n: number; revenue: string | null }>> {
  const rows = await queryRows<{ event: string; n: string; revenue: string }>(
    db,
    sql`select event, sum(count)::text as n, trim_scale(sum(revenue))::text as revenue from stats_conversions where link_id = ${linkId} group by event`,
  );
  return Object.fromEntries(rows.map((r) => [r.event, { n: Number(r.n), revenue: r.revenue === '0' ? null : r.revenue }]));
}

describe('conversions end to end (Redis, worker, Kafka, stats consumer, admin UI)', () => {
  const links: { id: number; slug: string }[] = [];
  const expected = new Map<number, { installs: number; purchases: number }>();

  it('counts installs and purchases per link exactly as sent, with a worker SIGKILLed mid-batch', async () => {
    const queueKey = uniqueKey();
    const prefix = uniqueKafkaPrefix();
    await createStatsTopics(prefix, 2);
    for (const campaign of ['e2e-spring', 'e2e-autumn']) links.push(await insertLink(client, { campaign, network: campaign === 'e2e-spring' ? 'meta' : 'tiktok' }));
    const now = Math.floor(Date.now() / 1000);
    const lines: string[] = [];
    let sentEvents = 0;
    for (const [n, link] of links.entries()) {
      let purchases = 0;
      for (let i = 0; i < CLICKS_PER_LINK; i++) {
        const visitor = ip(n * CLICKS_PER_LINK + i);
        const click = clickLine({ linkId: link.id, slug: link.slug, campaign: n === 0 ? 'e2e-spring' : 'e2e-autumn', network: n === 0 ? 'meta' : 'tiktok', ip: visitor, platform: 'android', ts: now - 120 + (i % 60) });
        // Installs by click id (Play install referrer) and by fingerprint, alternately.
        const install = eventLine({ ip: visitor, platform: 'android', ...(i % 2 === 0 ? { clickId: click.id } : {}) });
        const pair = [click.line, install.line];
        // Every 10th install is queued before its click (a backlog reorders them).
        lines.push(...(i % 10 === 0 ? pair.reverse() : pair));
        sentEvents++;
        if (i % 4 === 0) {
          lines.push(eventLine({ ip: visitor, platform: 'android', clickId: click.id, event: 'purchase', revenue: '2.50', currency: 'USD' }).line);
          purchases++;
          sentEvents++;
        }
      }
      expected.set(link.id, { installs: CLICKS_PER_LINK, purchases });
    }
    // Organic: no click id, no advertising id, and privacy (so no fingerprint either).
    for (let i = 0; i < ORGANIC; i++) lines.push(eventLine({ ip: '203.0.113.0', platform: 'ios', privacy: true }).line);
    sentEvents += ORGANIC;
    await pushLines(redis, queueKey, lines);

    const env = { REDIS_QUEUE_KEY: queueKey, KAFKA_PREFIX: prefix };
    const first = await startWorker({ ...env, WORKER_ID: 'conv-a' });
    await expect.poll(() => redis.llen(queueKey), { timeout: 30_000, interval: 5 }).toBeLessThan(lines.length * 0.6);
    await first.stop('SIGKILL');
    let inSlots = 0;
    for (const slot of await redis.keys(`${queueKey}:processing:conv-a:*`)) inSlots += await redis.llen(slot);
    // A kill lands between Kafka's and Redis' acknowledgement only by chance (a few ms per
    // batch), so that case is also staged: lines the killed worker had delivered go back
    // to the list, as recoverOrphans returns such a slot.
    const delivered = lines.filter((l) => l.includes(' events /v1/track ')).slice(0, 300);
    await pushLines(redis, queueKey, delivered);
    await startWorker({ ...env, WORKER_ID: 'conv-b' });

    const { topics, groupId } = statsTopics(prefix);
    const consumer = createStatsConsumer({ db, kafka: { bootstrapBrokers: inject('kafkaBootstrap').split(',') }, topics, groupId, hashKey: HASH_KEY, metrics: createStatsMetrics({ defaultMetrics: false }), logger: silentLogger, batchSize: 500, sessionTimeoutMs: 6_000 });
    consumers.push(consumer);
    void consumer.run();

    // Out of Kafka: every event, some twice (the killed worker's batch), each with one attribution.
    const ids = new Set<string>();
    const messages = await readTopicUntil(`${prefix}events`, (got) => ids.add(got.at(-1)?.key ?? '').size >= sentEvents, 90_000);
    expect(ids.size).toBe(sentEvents);
    await waitFor(async () => (await redis.llen(queueKey)) === 0 && (await redis.zcard(`${queueKey}:parked`)) === 0, 30_000, 'the list and the parked events to drain');
    const all = await readTopicUntil(`${prefix}events`, (got) => got.length >= sentEvents + delivered.length, 10_000);
    expect(all.length).toBeGreaterThanOrEqual(sentEvents + delivered.length);
    messages.splice(0, messages.length, ...all);
    const attributionOf = new Map<string, string>();
    for (const m of messages) {
      const { attribution } = JSON.parse(m.value) as { attribution: unknown };
      const seen = attributionOf.get(m.key ?? '');
      if (seen !== undefined) expect(JSON.stringify(attribution)).toBe(seen);
      attributionOf.set(m.key ?? '', JSON.stringify(attribution));
    }
    console.log(`conversions e2e: ${messages.length} event messages for ${sentEvents} events (${messages.length - sentEvents} redelivered; lines in the killed worker's slots: ${inSlots})`);

    // Into Postgres: wait until the consumer has folded every message, then count.
    await waitFor(async () => {
      const offsets = await loadOffsets(db, groupId);
      return offsets.filter((o) => o.topic === `${prefix}events`).reduce((sum, o) => sum + Number(o.offset), 0) >= messages.length;
    }, 90_000, 'the stats consumer to fold every event message');
    for (const link of links) {
      const want = expected.get(link.id)!;
      expect(await perLink(link.id)).toEqual({ install: { n: want.installs, revenue: null }, purchase: { n: want.purchases, revenue: (want.purchases * 2.5).toString() } });
    }
    const [organic] = await queryRows<{ n: string }>(db, sql`select count(*)::text as n from stats_conversion_events e where e.link_id = 0 and e.message_id in (select key from jsonb_array_elements_text(${JSON.stringify([...ids])}::jsonb) as key)`);
    expect(Number(organic?.n)).toBe(ORGANIC);
  }, 240_000);

  it('shows the installs and purchases on the link page and the dashboard (Chromium, no CSP violation)', async () => {
    expect(links).toHaveLength(2);
    const web = await startWebProcess({ DATABASE_URL: testDatabaseUrl(), REDIS_URL: testRedisUrl(), REDIS_QUEUE_KEY: uniqueKey(), API_KEY });
    running.push(web);
    browser = await launchChromium();
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    const problems = collectPageProblems(page);
    await signInToAdmin(page, web.url, API_KEY);

    const [spring] = links;
    const want = expected.get(spring!.id)!;
    await page.goto(`${web.url}/admin/links/${spring!.id}`);
    const panel = page.locator('#conversions');
    const count = async (event: string) => Number((await panel.locator(`[data-event="${event}"] [data-count]`).getAttribute('data-count')) ?? -1);
    expect(await count('install')).toBe(want.installs);
    expect(await count('purchase')).toBe(want.purchases);
    expect(await panel.locator('[data-revenue="USD"]').textContent()).toBe((want.purchases * 2.5).toString());
    expect(await panel.locator('[data-total="conversion-rate"]').textContent()).toMatch(/^\d+(\.\d)?%/);
    expect(await panel.locator('.delays caption').first().textContent()).toContain('meta');
    await panel.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SCREENSHOTS}conversions-link.png`, fullPage: true });

    await page.goto(`${web.url}/admin/dashboard`);
    const dashboard = page.locator('#conversions');
    expect(await dashboard.locator('.breakdown', { hasText: 'Campaigns by conversions' }).textContent()).toContain('e2e-autumn');
    expect(Number(await dashboard.locator('[data-event="install"] [data-count]').getAttribute('data-count'))).toBeGreaterThanOrEqual(2 * CLICKS_PER_LINK);
    await page.screenshot({ path: `${SCREENSHOTS}conversions-dashboard.png`, fullPage: true });
    expect(problems).toEqual([]);
  }, 120_000);
});
