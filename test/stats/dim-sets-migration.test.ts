import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER } from '../../src/db/migrate.ts';
import { dimSetKey } from '../../src/stats/dim-sets.ts';
import { queryRows } from '../../src/stats/sql-rows.ts';
import { migrationsUntil } from '../support/migrations-until.ts';

// The migrations up to 0012 alone: a database as it was before the dimension sets.
const before = migrationsUntil(12);
afterAll(() => before.remove());

describe('migration 0013: the hourly texts into stats_dim_sets', () => {
  it('keeps every count, under the id the fold gives the same texts, and the view shows the texts again', async () => {
    const client = new PGlite();
    const db = drizzle(client);
    try {
      await migrate(db, { migrationsFolder: before.folder });
      const rows = [
        // Two rows of one combination (two hours), one of another, one with texts that would
        // run into each other without their lengths.
        { link: 1, hour: '2026-03-10T10:00:00Z', texts: ['ios', 'US', 'smartphone', 'iOS', 'Mobile Safari', '', 'c1', 'meta'], count: 3 },
        { link: 1, hour: '2026-03-10T11:00:00Z', texts: ['ios', 'US', 'smartphone', 'iOS', 'Mobile Safari', '', 'c1', 'meta'], count: 4 },
        { link: 2, hour: '2026-03-10T10:00:00Z', texts: ['web', '', '', 'Windows', 'Edge', 'news.example', 'c2', 'google'], count: 5 },
        { link: 2, hour: '2026-03-10T10:00:00Z', texts: ['a:b', 'c', '日本', '', '', '', '', ''], count: 6 },
        { link: 2, hour: '2026-03-10T10:00:00Z', texts: ['a', ':bc', '日本', '', '', '', '', ''], count: 7 },
      ];
      for (const r of rows) {
        await db.execute(sql`insert into stats_hourly (link_id, hour, kind, bot, platform, country, device, os, browser, referrer, campaign, network, count)
          values (${r.link}, ${r.hour}::timestamptz, 1, false, ${sql.join(r.texts.map((t) => sql`${t}`), sql`, `)}, ${r.count})`);
      }
      await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });

      const sets = await queryRows<{ id: string; texts: string[] }>(
        db,
        sql`select id::text, array[platform, country, device, os, browser, referrer, campaign, network] as texts from stats_dim_sets order by id`,
      );
      expect(new Map(sets.map((s) => [s.id, s.texts]))).toEqual(new Map(rows.map((r) => [String(dimSetKey(r.texts)), r.texts])));
      const hourly = await queryRows<{ link_id: string; dim_set: string; n: string }>(
        db,
        sql`select link_id::text, dim_set::text, sum(count)::text as n from stats_hourly group by 1, 2 order by 1, 2`,
      );
      expect(hourly.map((h) => `${h.link_id} ${h.dim_set} ${h.n}`).sort()).toEqual(
        [`1 ${dimSetKey(rows[0]!.texts)} 7`, ...rows.slice(2).map((r) => `2 ${dimSetKey(r.texts)} ${r.count}`)].sort(),
      );
      const view = await queryRows<{ country: string; n: string }>(db, sql`select country, sum(count)::text as n from stats_hourly_dims group by 1 order by 1`);
      expect(view).toEqual([
        { country: '', n: '5' },
        { country: ':bc', n: '7' },
        { country: 'US', n: '7' },
        { country: 'c', n: '6' },
      ]);
    } finally {
      await client.close();
    }
  });
});
