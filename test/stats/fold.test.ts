import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createDb, type Database } from '../../src/db/client.ts';
import { prepareBatch } from '../../src/stats/fold-batch.ts';
import { foldEvents, foldPrepared } from '../../src/stats/fold.ts';
import { queryRows } from '../../src/stats/sql-rows.ts';
import { testSql } from '../support/fixtures.ts';
import { statsEvent } from './support.ts';
import { openTempEmbedded } from '../support/temp-embedded.ts';

let nextLink = 900_000_000 + Math.floor(Math.random() * 1_000_000) * 10;
const TS = Date.UTC(2026, 2, 10, 14, 20) / 1000;

async function total(db: Database, linkId: number, where = sql`true`): Promise<number> {
  const [row] = await queryRows<{ n: string | null }>(db, sql`select sum(count)::text as n from stats_hourly_dims where link_id = ${linkId} and ${where}`);
  return Number(row?.n ?? 0);
}

function foldSuite(name: string, open: () => Promise<{ db: Database; close(): Promise<void> }>) {
  describe(`foldEvents on ${name}`, () => {
    let handle: { db: Database; close(): Promise<void> };
    beforeAll(async () => {
      handle = await open();
    });
    afterAll(async () => {
      await handle.close();
    });

    it('counts each event once, also when the same batch is folded again', async () => {
      const linkId = nextLink++;
      const events = Array.from({ length: 50 }, (_, i) => statsEvent({ linkId, ts: TS + i, lookupKey: `v${i % 10}` }));
      const first = await foldEvents(handle.db, events);
      const again = await foldEvents(handle.db, [...events, ...events]);
      expect(first).toEqual({ folded: 50, duplicates: 0, stale: 0 });
      expect(again).toEqual({ folded: 0, duplicates: 100, stale: 0 });
      expect(await total(handle.db, linkId)).toBe(50);
      const [v] = await queryRows<{ n: number }>(handle.db, sql`select count(*)::int as n from stats_visitors where link_id = ${linkId}`);
      expect(v?.n).toBe(10);
    });

    it('keeps bots, impressions and dimensions apart', async () => {
      const linkId = nextLink++;
      await foldEvents(handle.db, [
        statsEvent({ linkId, ts: TS, bot: true }),
        statsEvent({ linkId, ts: TS, type: '/t/imp' }),
        statsEvent({ linkId, ts: TS, country: 'DE', referer: 'news.example' }),
        statsEvent({ linkId, ts: TS, country: null }),
      ]);
      expect(await total(handle.db, linkId, sql`bot`)).toBe(1);
      expect(await total(handle.db, linkId, sql`kind = 2`)).toBe(1);
      expect(await total(handle.db, linkId, sql`country = 'DE' and referrer = 'news.example'`)).toBe(1);
      expect(await total(handle.db, linkId, sql`country = ''`)).toBe(1);
    });

    it('counts only the new events of a batch that mixes new, already counted and repeated ids', async () => {
      const linkId = nextLink++;
      const old = Array.from({ length: 5 }, (_, i) => statsEvent({ linkId, ts: TS + i }));
      await foldEvents(handle.db, old);
      const fresh = Array.from({ length: 7 }, (_, i) => statsEvent({ linkId, ts: TS + 3600 + i }));
      expect(await foldEvents(handle.db, [...old, ...fresh, fresh[0]!])).toEqual({ folded: 7, duplicates: 6, stale: 0 });
      expect(await total(handle.db, linkId)).toBe(12);
    });

    it('keeps any text as sent: quotes, backslashes, commas, braces, NULL and non-ASCII', async () => {
      const linkId = nextLink++;
      const odd = ['a"b', 'c\\d', 'e,f', '{g}', 'NULL', '日本', ' h ', ''];
      await foldEvents(handle.db, odd.map((campaign) => statsEvent({ linkId, ts: TS, campaign })));
      const rows = await queryRows<{ campaign: string; n: string }>(handle.db, sql`select campaign, sum(count)::text as n from stats_hourly_dims where link_id = ${linkId} group by 1`);
      expect(new Map(rows.map((r) => [r.campaign, Number(r.n)]))).toEqual(new Map(odd.map((c) => [c, 1])));
    });

    it('counts exactly when folds add to the same new rows at once', async () => {
      const links = [nextLink++, nextLink++];
      // Hours of their own far ahead, so the per-dimension rows hold only these events.
      const start = Date.UTC(2090 + Math.floor(Math.random() * 9), Math.floor(Math.random() * 12), 3) / 1000;
      const batches = Array.from({ length: 4 }, (_, b) =>
        Array.from({ length: 150 }, (_, i) =>
          statsEvent({ linkId: links[i % 2] as number, ts: start + ((i * 7 + b) % 5) * 3600, campaign: `c${i % 3}`, bot: i % 10 === 0, type: i % 9 === 0 ? '/t/imp' : '/t/click' }),
        ),
      );
      const results = await Promise.all(batches.map((batch) => foldEvents(handle.db, batch)));
      expect(results.reduce((n, r) => n + r.folded, 0)).toBe(600);
      const ids = sql.raw(links.join(', '));
      const [hourly] = await queryRows<{ n: string }>(handle.db, sql`select sum(count)::text as n from stats_hourly where link_id in (${ids})`);
      expect(Number(hourly?.n)).toBe(600);
      const levels = await queryRows<{ level: number; n: string }>(
        handle.db,
        sql`select level, sum(clicks + impressions + bot_clicks + bot_impressions)::text as n from stats_link_blocks where link_id in (${ids}) group by 1 order by 1`,
      );
      expect(levels.map((l) => Number(l.n))).toEqual(levels.map(() => 600));
      const dims = await queryRows<{ dim: string; n: string }>(
        handle.db,
        sql`select dim, sum(clicks + impressions + bot_clicks + bot_impressions)::text as n from stats_dims_hourly
            where hour >= to_timestamp(${start}) and hour < to_timestamp(${start + 5 * 3600}) group by 1 order by 1`,
      );
      expect(dims.map((d) => [d.dim, Number(d.n)])).toEqual(['', 'browser', 'campaign', 'country', 'device', 'network', 'os', 'platform', 'referrer'].map((d) => [d, 600]));
    });

    it('folds a prepared batch only when every event is new and none is below its offset, and else writes nothing', async () => {
      const linkId = nextLink++;
      const groupId = `gp-${linkId}`;
      const source = (offset: number) => ({ topic: 'clicks', partition: 5, offset: BigInt(offset) });
      const fold = (events: ReturnType<typeof statsEvent>[]) => foldPrepared(handle.db, prepareBatch(events), { groupId, positions: events.map((e) => e.source!) });
      const first = [0, 1, 2].map((o) => statsEvent({ linkId, ts: TS, lookupKey: `p${o}` }, source(o)));
      expect(await fold(first)).toEqual({ folded: 3, duplicates: 0, stale: 0 });
      // One id counted before (redelivered at offset 5): not even the new ids' dedupe rows or the offset are kept.
      const withOld = [...[3, 4].map((o) => statsEvent({ linkId, ts: TS }, source(o))), { ...first[0]!, source: source(5) }];
      expect(await fold(withOld)).toBeUndefined();
      // One id twice in the batch: nothing either (the step-by-step fold counts it once).
      const twice = statsEvent({ linkId, ts: TS }, source(3));
      expect(await fold([twice, { ...twice, source: source(4) }])).toBeUndefined();
      // Below the stored offset (3), as after a rebalance: nothing either.
      expect(await fold([2, 3].map((o) => statsEvent({ linkId, ts: TS }, source(o))))).toBeUndefined();
      const [stored] = await queryRows<{ next_offset: string; events: number; visitors: number }>(
        handle.db,
        sql`select (select next_offset::text from stats_offsets where group_id = ${groupId}) as next_offset,
              (select count(*)::int from stats_events where link_id = ${linkId}) as events,
              (select count(*)::int from stats_visitors where link_id = ${linkId}) as visitors`,
      );
      expect(stored).toEqual({ next_offset: '3', events: 3, visitors: 3 });
      expect(await total(handle.db, linkId)).toBe(3);
      // Step by step, the same batch counts its two new clicks.
      expect(await foldEvents(handle.db, withOld, { groupId })).toEqual({ folded: 2, duplicates: 1, stale: 0 });
      expect(await total(handle.db, linkId)).toBe(5);
    });

    it('skips events below the stored offset of their partition and moves the offset forward only', async () => {
      const linkId = nextLink++;
      const groupId = `g-${linkId}`;
      const source = (offset: number) => ({ topic: 'clicks', partition: 3, offset: BigInt(offset) });
      await foldEvents(handle.db, [0, 1, 2].map((o) => statsEvent({ linkId, ts: TS }, source(o))), { groupId });
      // A replay from offset 1 with fresh ids (as after the dedupe rows were pruned) counts only offset 3.
      const replay = await foldEvents(handle.db, [1, 2, 3].map((o) => statsEvent({ linkId, ts: TS }, source(o))), { groupId });
      expect(replay).toEqual({ folded: 1, duplicates: 0, stale: 2 });
      const [row] = await queryRows<{ next_offset: string }>(
        handle.db,
        sql`select next_offset::text as next_offset from stats_offsets where group_id = ${groupId} and topic = 'clicks' and partition = 3`,
      );
      expect(row?.next_offset).toBe('4');
      expect(await total(handle.db, linkId)).toBe(4);
    });
  });
}

foldSuite('Postgres', async () => {
  const client = testSql();
  return { db: createDb(client), close: () => client.end() };
});

foldSuite('PGlite (embedded)', () => openTempEmbedded('ct-stats'));
