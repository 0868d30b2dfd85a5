import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { sql } from 'drizzle-orm';
import { createDb } from '../../src/db/client.ts';
import { statsTopics } from '../../src/config/stats.ts';
import { createStatsConsumer, loadOffsets, type StatsConsumer } from '../../src/stats/consumer.ts';
import { createStatsMetrics } from '../../src/stats/metrics.ts';
import { queryRows } from '../../src/stats/sql-rows.ts';
import { silentLogger, testSql } from '../support/fixtures.ts';
import { uniqueKafkaPrefix } from '../support/kafka-consumer.ts';
import { createStatsTopics, produceEvents, waitFor } from './kafka-helpers.ts';
import { enrichedJson, HASH_KEY } from './support.ts';
import { STATS_HEADER, statsHeaderOf } from '../../src/shared/stats-fields.ts';

const client = testSql();
const db = createDb(client);
const consumers: StatsConsumer[] = [];
afterAll(async () => {
  await Promise.all(consumers.map((c) => c.stop()));
  await client.end();
});

let nextLink = 800_000_000 + Math.floor(Math.random() * 1_000_000) * 10;
const TS = Math.floor(Date.now() / 1000) - 600;

function startConsumer(prefix: string) {
  const metrics = createStatsMetrics({ defaultMetrics: false });
  const { topics, groupId } = statsTopics(prefix);
  const consumer = createStatsConsumer({
    db,
    kafka: { bootstrapBrokers: inject('kafkaBootstrap').split(',') },
    topics,
    groupId,
    hashKey: HASH_KEY,
    metrics,
    logger: silentLogger,
    batchSize: 500,
    sessionTimeoutMs: 6_000,
  });
  consumers.push(consumer);
  void consumer.run();
  return { consumer, metrics };
}

async function counted(linkId: number): Promise<number> {
  const [row] = await queryRows<{ n: string | null }>(db, sql`select sum(count)::text as n from stats_hourly where link_id = ${linkId}`);
  return Number(row?.n ?? 0);
}

/** `distinct` clicks on `linkId`, plus every 10th one sent a second time (a redelivery). */
function clicksWithRedeliveries(linkId: number, distinct: number) {
  const messages = Array.from({ length: distinct }, (_, i) => {
    const id = randomUUID();
    return { key: id, value: enrichedJson({ linkId, id, ts: TS + (i % 3600), lookupKey: `v${i % 97}` }) };
  });
  return [...messages, ...messages.filter((_, i) => i % 10 === 0)];
}

describe('the stats consumer', () => {
  it('counts every click once across redeliveries and resumes from the offsets stored in Postgres', async () => {
    const prefix = uniqueKafkaPrefix();
    await createStatsTopics(prefix);
    const linkId = nextLink++;
    const topic = `${prefix}clicks`;
    await produceEvents(topic, clicksWithRedeliveries(linkId, 3_000));
    await produceEvents(topic, [{ key: 'x', value: 'not json' }]);

    const first = startConsumer(prefix);
    await waitFor(async () => (await counted(linkId)) >= 3_000, 60_000, '3,000 clicks counted');
    // Every redelivery is skipped (a rebalance may make the stream read a few more again).
    expect(first.metrics.totals().duplicates).toBeGreaterThanOrEqual(300);
    const { groupId } = statsTopics(prefix);
    // The producer may have written a retried message twice: the log holds at least 3,301.
    await waitFor(async () => (await loadOffsets(db, groupId)).reduce((sum, o) => sum + Number(o.offset), 0) >= 3_301, 30_000, 'offsets stored');
    await first.consumer.stop();

    // More clicks while it is stopped; a new consumer folds only those.
    await produceEvents(topic, clicksWithRedeliveries(linkId, 1_000));
    const second = startConsumer(prefix);
    await waitFor(async () => (await counted(linkId)) >= 4_000, 60_000, '4,000 clicks counted');
    await waitFor(async () => second.metrics.totals().folded + second.metrics.totals().duplicates >= 1_100, 30_000, 'second consumer read its share');
    // Resumed from the stored offsets: nothing of the first 3,300 messages was folded again.
    expect(second.metrics.totals().folded).toBe(1_000);
    expect(second.metrics.totals().duplicates).toBeGreaterThanOrEqual(100);
    expect(await counted(linkId)).toBe(4_000);
    await second.consumer.stop();
  }, 180_000);

  it("reads the worker's stats header instead of the message, and the message when the header is not one it knows", async () => {
    const prefix = uniqueKafkaPrefix();
    await createStatsTopics(prefix);
    const [inText, headerWins, valueWins] = [nextLink++, nextLink++, nextLink++];
    const header = (linkId: number, id: string) => statsHeaderOf(JSON.parse(enrichedJson({ linkId, id, ts: TS, lookupKey: 'h1' }))) as string;
    const ids = Array.from({ length: 3 }, () => randomUUID());
    await produceEvents(`${prefix}clicks`, [
      // The original text format: no JSON to parse, counted from its header.
      { key: ids[0] as string, value: '/t/click country=DE&ts=1 click_id=x', headers: { [STATS_HEADER]: header(inText, ids[0] as string) } },
      // The header is what counts, not the message beside it.
      { key: ids[1] as string, value: enrichedJson({ linkId: valueWins, id: ids[1] as string, ts: TS }), headers: { [STATS_HEADER]: header(headerWins, ids[1] as string) } },
      // A later version's header is not read: the message is.
      { key: ids[2] as string, value: enrichedJson({ linkId: valueWins, id: ids[2] as string, ts: TS }), headers: { 'clicktrack-stats-2': '{"a":1}' } },
    ]);
    startConsumer(prefix);
    await waitFor(async () => (await counted(inText)) + (await counted(headerWins)) + (await counted(valueWins)) >= 3, 60_000, '3 clicks counted');
    expect([await counted(inText), await counted(headerWins), await counted(valueWins)]).toEqual([1, 1, 1]);
  }, 120_000);

  it('keeps counts exact with two consumers splitting the partitions', async () => {
    const prefix = uniqueKafkaPrefix();
    await createStatsTopics(prefix);
    const linkIds = [nextLink++, nextLink++, nextLink++];
    const a = startConsumer(prefix);
    const b = startConsumer(prefix);
    for (const linkId of linkIds) await produceEvents(`${prefix}clicks`, clicksWithRedeliveries(linkId, 2_000));
    for (const linkId of linkIds) await waitFor(async () => (await counted(linkId)) >= 2_000, 90_000, `link ${linkId} counted`);
    // Give a late duplicate the chance to show up before asserting nothing is counted twice.
    await waitFor(async () => a.metrics.totals().folded + b.metrics.totals().folded + a.metrics.totals().duplicates + b.metrics.totals().duplicates >= 6_600, 30_000, 'all read');
    for (const linkId of linkIds) expect(await counted(linkId)).toBe(2_000);
    expect(a.metrics.totals().folded + b.metrics.totals().folded).toBe(6_000);
  }, 180_000);
});
