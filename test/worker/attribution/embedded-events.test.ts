import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { loadWorkerConfig } from '../../../src/config/worker.ts';
import { createDb } from '../../../src/db/client.ts';
import { MemoryQueue } from '../../../src/queue/memory-queue.ts';
import { queryRows } from '../../../src/stats/sql-rows.ts';
import { withStats } from '../../../src/stats/stats-sink.ts';
import { createVisitorHasher } from '../../../src/stats/stats-event.ts';
import { createMemoryParkingLot } from '../../../src/worker/attribution/parking.ts';
import { startWorkerRuntime } from '../../../src/worker/runtime.ts';
import { createFileSink } from '../../../src/worker/sink/file-sink.ts';
import { insertLink, silentLogger, testSql } from '../../support/fixtures.ts';
import { clickLine, eventLine } from './lines.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'clicktrack-embedded-events-'));
const client = testSql();
const db = createDb(client);
afterAll(async () => {
  rmSync(dataDir, { recursive: true, force: true });
  await client.end();
});

describe('the embedded default (in-memory queue, in-process worker, NDJSON file, in-process stats)', () => {
  it('attributes event lines, also one queued before its click, and counts them', async () => {
    const link = await insertLink(client, { campaign: 'embedded' });
    const queue = new MemoryQueue();
    const push = queue.store().push;
    const file = join(dataDir, 'events.ndjson');
    const sink = withStats(createFileSink(file), { db, hashVisitor: createVisitorHasher('k') });
    const config = loadWorkerConfig({ DATA_DIR: dataDir, REDIS_URL: 'redis://unused', WORKER_ATTRIBUTION_GRACE_S: '10' });
    const worker = await startWorkerRuntime({ ...config, redisUrls: [] }, silentLogger, {
      sources: [{ name: 'memory', list: queue, waitList: queue, parking: createMemoryParkingLot(push), close: async () => {} }],
      sink,
    });
    void worker.run();
    try {
      const click = clickLine({ linkId: link.id, slug: link.slug, ip: '8.8.8.8', platform: 'ios', ts: Math.floor(Date.now() / 1000) - 5 });
      const early = eventLine({ ip: '9.9.9.9', platform: 'ios', clickId: click.id });
      await push([early.line]);
      await expect.poll(async () => (await worker.metrics.summary()).eventsParked, { timeout: 10_000 }).toBeGreaterThan(0);
      const purchase = eventLine({ ip: '8.8.8.8', platform: 'ios', event: 'purchase', revenue: '1.25', currency: 'EUR' });
      await push([click.line, purchase.line]);
      const counted = async () =>
        (await queryRows<{ event: string; n: number }>(db, sql`select event, count(*)::int as n from stats_conversion_events where link_id = ${link.id} group by event order by event`));
      await expect.poll(counted, { timeout: 15_000 }).toEqual([
        { event: 'install', n: 1 },
        { event: 'purchase', n: 1 },
      ]);
      const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      const install = lines.find((l) => l.message_id === early.id);
      expect(install.attribution).toMatchObject({ click_id: click.id, match: 'click_id', link_id: link.id });
      expect(lines.find((l) => l.message_id === purchase.id).attribution).toMatchObject({ click_id: click.id, match: 'fingerprint' });
    } finally {
      await worker.stop();
    }
  }, 40_000);
});
