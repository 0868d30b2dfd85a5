import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER } from '../../src/db/migrate.ts';
import { queryRows } from '../../src/stats/sql-rows.ts';
import { migrationsUntil } from '../support/migrations-until.ts';

// A database as it was before the dedupe rows were keyed by link, time and id.
const before = migrationsUntil(13);
afterAll(() => before.remove());

describe('migration 0014: the dedupe rows keyed by link, time and id', () => {
  it('keeps every row, and the one key is (link_id, at, event_id) with no second index', async () => {
    const client = new PGlite();
    const db = drizzle(client);
    try {
      await migrate(db, { migrationsFolder: before.folder });
      await db.execute(sql`insert into stats_events (event_id, link_id, at, kind, bot, platform, country, device)
        select i, 1 + i % 3, '2026-11-01T00:00:00Z'::timestamptz + make_interval(secs => i), 1, false, 'ios', 'US', ''
        from generate_series(1, 100) as i`);
      await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });

      const [rows] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from stats_events`);
      expect(rows?.n).toBe(100);
      const indexes = await queryRows<{ indexname: string; indexdef: string }>(
        db,
        sql`select indexname, indexdef from pg_indexes where tablename = 'stats_events' order by indexname`,
      );
      expect(indexes.map((i) => i.indexname)).toEqual(['stats_events_at_brin', 'stats_events_pk']);
      expect(indexes[1]?.indexdef).toContain('(link_id, at, event_id)');
    } finally {
      await client.close();
    }
  });
});
