import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createDb } from '../../src/db/client.ts';
import { statsTopics } from '../../src/config/stats.ts';
import { queryRows } from '../../src/stats/sql-rows.ts';
import { insertLink, testDatabaseUrl, testSql } from '../support/fixtures.ts';
import { uniqueKafkaPrefix } from '../support/kafka-consumer.ts';
import { startProcess, type RunningProcess } from '../support/processes.ts';
import { createStatsTopics, produceEvents, waitFor } from './kafka-helpers.ts';
import { enrichedJson } from './support.ts';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';

const client = testSql();
const db = createDb(client);
let stats: RunningProcess | undefined;
let proxy: TcpProxy | undefined;
afterAll(async () => {
  await stats?.stop('SIGKILL');
  await proxy?.close();
  await client.end();
});

const FLAPPING_MS = 5_000;

/**
 * A stats process started while Postgres restarts: each new connection is dropped as it asks
 * for the array types (the first thing postgres.js sends on it), and the next one is refused
 * for a moment, until Postgres is stable. postgres.js 3.4.9 ended the process there with an
 * unhandled rejection (porsager/postgres#1192; mended at install, test/db): the exactly-once
 * test saw it once in CI, when a stats process restarted during its outage.
 */
describe('the stats process started while Postgres restarts', () => {
  it('waits, joins once Postgres is back, and counts', async () => {
    const prefix = uniqueKafkaPrefix();
    await createStatsTopics(prefix, 2);
    const link = await insertLink(client);
    // From the first connection on: a slow start on a busy machine must not miss the flapping.
    let until: number | undefined;
    let cuts = 0;
    proxy = await startTcpProxy(Number(new URL(testDatabaseUrl()).port || 5432), 0, (chunk, self) => {
      if (!chunk.includes('typcategory')) return false;
      until ??= Date.now() + FLAPPING_MS;
      if (Date.now() > until) return false;
      cuts++;
      void self.cut().then(() => setTimeout(() => void self.restore(), 300));
      return true;
    });
    const url = new URL(testDatabaseUrl());
    url.port = String(proxy.port);
    stats = await startProcess(
      process.execPath,
      ['src/stats/index.ts'],
      { LOG_LEVEL: 'info', DATABASE_URL: url.toString(), KAFKA_URL: inject('kafkaBootstrap'), KAFKA_PREFIX: prefix, METRICS_LOG_INTERVAL_MS: '0' },
      /stats consumer joined/,
      90_000,
    );
    expect(cuts).toBeGreaterThan(0);
    expect(stats.output()).toMatch(/stats consumer session failed; retrying/);
    expect(stats.child.exitCode).toBeNull();

    const id = randomUUID();
    await produceEvents(statsTopics(prefix).topics[0] as string, [{ key: id, value: enrichedJson({ linkId: link.id, id, ts: Math.floor(Date.now() / 1000) }) }]);
    const counted = async () =>
      Number((await queryRows<{ n: string }>(db, sql`select coalesce(sum(count), 0)::text as n from stats_hourly where link_id = ${link.id} and kind = 1`))[0]?.n);
    await waitFor(async () => (await counted()) === 1, 60_000, 'the click counted');
    expect(stats.child.exitCode).toBeNull();
  }, 180_000);
});
