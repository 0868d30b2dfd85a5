import { and, asc, count, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { clickSpool } from '../db/schema.ts';

/**
 * A durable place for lines no click store takes, so a Redis outage that outlasts the
 * in-memory buffer, or a web process stopped during one, delays clicks instead of losing
 * them. Every deployment has Postgres, so the spool is a table there.
 */
export interface ClickSpool {
  /** Stores the lines; resolves once they are durable, rejects if they are not. */
  write(lines: readonly string[]): Promise<void>;
  /**
   * Hands up to `max` of the oldest lines to `push` and forgets them only once `push`
   * resolved; resolves with how many were moved. Rows being moved are locked and skipped
   * by other processes, so two web processes never re-push the same line.
   */
  restore(push: (lines: string[]) => Promise<void>, max: number): Promise<number>;
  /** Lines waiting, for metrics and tests. */
  size(): Promise<number>;
}

/** The spool of one Redis list (`queueKey`): lines return only to the list they were meant for. */
export function createPostgresSpool(db: Database, queueKey: string): ClickSpool {
  return {
    async write(lines) {
      if (lines.length === 0) return;
      // One statement, one array parameter: a batch is spilled whole or not at all (so the
      // caller knows exactly which lines are safe to forget), and fast enough that a
      // stopping process fits a full buffer into Heroku's 30 s.
      await db.execute(sql`insert into ${clickSpool} (queue_key, line) select ${queueKey}, unnest(${sql.param([...lines])}::text[])`);
    },
    async restore(push, max) {
      return db.transaction(async (tx) => {
        const rows = await tx
          .select({ id: clickSpool.id, line: clickSpool.line })
          .from(clickSpool)
          .where(eq(clickSpool.queueKey, queueKey))
          .orderBy(asc(clickSpool.id))
          .limit(max)
          .for('update', { skipLocked: true });
        if (rows.length === 0) return 0;
        // If the push succeeds and the commit then fails, the lines are pushed again
        // later: a duplicate, never a loss (the worker's delivery is at least once too).
        await push(rows.map((row) => row.line));
        await tx.delete(clickSpool).where(and(eq(clickSpool.queueKey, queueKey), inArray(clickSpool.id, rows.map((row) => row.id))));
        return rows.length;
      });
    },
    async size() {
      const [row] = await db.select({ n: count() }).from(clickSpool).where(eq(clickSpool.queueKey, queueKey));
      return row?.n ?? 0;
    },
  };
}
