import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { queryRows } from './sql-rows.ts';

const BATCH_ROWS = 5_000;

/**
 * Deletes dedupe rows older than `days`, a few thousand at a time, each batch its own
 * short transaction: the fold never waits long behind it. Answers the rows deleted.
 */
export async function pruneDedupeRows(db: Database, days: number, options: { maxBatches?: number } = {}): Promise<number> {
  // Clicks' and conversions' dedupe rows alike.
  return (
    (await pruneTable(db, days, options, 'stats_events', ['link_id', 'at', 'event_id'])) +
    (await pruneTable(db, days, options, 'stats_conversion_events', ['message_id']))
  );
}

/** `key`: the columns of the table's primary key, which each batch's delete looks its rows up by. */
async function pruneTable(db: Database, days: number, options: { maxBatches?: number }, table: string, key: readonly string[]): Promise<number> {
  const matches = sql.raw(key.map((column) => `e.${column} = old.${column}`).join(' and '));
  let deleted = 0;
  for (let batch = 0; batch < (options.maxBatches ?? 1_000); batch++) {
    const rows = await queryRows<{ n: number }>(
      db,
      sql`with old as (select ${sql.raw(key.join(', '))} from ${sql.raw(table)} where at < now() - make_interval(days => ${days}) limit ${BATCH_ROWS})
          , gone as (delete from ${sql.raw(table)} e using old where ${matches} returning 1)
          select count(*)::int as n from gone`,
    );
    const n = rows[0]?.n ?? 0;
    deleted += n;
    if (n < BATCH_ROWS) break;
  }
  return deleted;
}
