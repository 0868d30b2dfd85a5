import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.ts';
import { openPostgres } from '../../src/db/database.ts';
import { migrateDatabase } from '../../src/db/migrate.ts';
import { pruneDedupeRows } from '../../src/stats/prune.ts';
import { recentEvents } from '../../src/stats/query.ts';
import { queryRows } from '../../src/stats/sql-rows.ts';
import { createOwnDatabase } from '../support/own-database.ts';
import { openTempEmbedded } from '../support/temp-embedded.ts';

const DAY_MS = 86_400_000;
// More than one delete batch (5,000 rows) of old clicks.
const OLD_CLICKS = 5_500;

async function count(db: Database, table: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from ${sql.raw(table)}`);
  return row?.n ?? 0;
}

/** Old and recent dedupe rows of clicks and app events, over a few links. */
async function fill(db: Database): Promise<void> {
  const old = new Date(Date.now() - 40 * DAY_MS).toISOString();
  await db.execute(sql`insert into stats_events (event_id, link_id, at, kind, bot, platform, country, device)
    select i, 1 + i % 7, ${old}::timestamptz + make_interval(secs => i), 1, false, 'ios', 'US', 'smartphone'
    from generate_series(1, ${OLD_CLICKS}) as i`);
  // Link 1's recent clicks, one a minute back from an hour ago; one with an id an old row has.
  await db.execute(sql`insert into stats_events (event_id, link_id, at, kind, bot, platform, country, device)
    select case when i = 1 then 7 else -i end, 1, now() - interval '1 hour' - make_interval(mins => i), 1, i % 2 = 0, 'android', 'DE', 'tablet'
    from generate_series(1, 10) as i`);
  for (const [id, daysAgo] of [
    ['old-1', 40],
    ['old-2', 35],
    ['new-1', 1],
  ] as const) {
    await db.execute(sql`insert into stats_conversion_events (message_id, link_id, at, event, match, platform, country)
      values (${id}, 1, ${new Date(Date.now() - daysAgo * DAY_MS).toISOString()}::timestamptz, 'install', 'organic', 'ios', 'US')`);
  }
}

function pruneSuite(name: string, open: () => Promise<{ db: Database; close(): Promise<void> }>) {
  describe(`dedupe rows on ${name}`, () => {
    let handle: { db: Database; close(): Promise<void> };
    beforeAll(async () => {
      handle = await open();
      await fill(handle.db);
    });
    afterAll(async () => {
      await handle?.close();
    });

    it("answers a link's latest events newest first, from the key that also dedupes", async () => {
      const recent = await recentEvents(handle.db, 1, 4);
      expect(recent).toHaveLength(4);
      expect(recent.map((e) => e.platform)).toEqual(['android', 'android', 'android', 'android']);
      const times = recent.map((e) => Date.parse(e.at));
      expect(times).toEqual([...times].sort((a, b) => b - a));
      expect(Date.now() - (times[0] as number)).toBeGreaterThan(3_600_000);
      expect(Date.now() - (times[0] as number)).toBeLessThan(3_600_000 + 2 * 60_000 + 5_000);
    });

    it('deletes the rows older than the days kept, in batches, and keeps the rest', async () => {
      expect(await pruneDedupeRows(handle.db, 30)).toBe(OLD_CLICKS + 2);
      expect(await count(handle.db, 'stats_events')).toBe(10);
      expect(await count(handle.db, 'stats_conversion_events')).toBe(1);
      // The recent row whose id an old row had is still there.
      const [kept] = await queryRows<{ n: number }>(handle.db, sql`select count(*)::int as n from stats_events where event_id = 7`);
      expect(kept?.n).toBe(1);
      expect(await pruneDedupeRows(handle.db, 30)).toBe(0);
    });
  });
}

pruneSuite('Postgres (a database of its own: pruning reaches every row)', async () => {
  const own = await createOwnDatabase('prune');
  await migrateDatabase(own.url);
  const opened = openPostgres(own.url, { max: 2 });
  return {
    db: opened.db,
    close: async () => {
      await opened.close();
      await own.drop();
    },
  };
});

pruneSuite('PGlite (embedded)', () => openTempEmbedded('ct-prune'));
