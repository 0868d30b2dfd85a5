import type { BatchRollups } from './fold-rollups.ts';

/**
 * Rows that batches prepared before in the same consumer session have stored and that no
 * fold changes once there: combinations of texts (`stats_dim_sets`) and visitors of a link
 * and day (`stats_visitors`). A later batch's statement leaves them out: in the stats bench
 * most of a batch's rows of both were there already, each an index probe for Postgres that
 * finds the row and does nothing.
 *
 * Right only while every batch prepared before is folded before the next, which the
 * consumer's one fold at a time in order gives: a batch folded step by step (a redelivery)
 * stores the rows of its new events, and those of its old ones were stored with them before.
 * A session that ends drops the batches it had not folded, so a new one starts with none
 * known (`clear`). Bounded: a row forgotten costs only its insert again.
 */
export interface StoredRows {
  /** Leaves out of `rollups` what is known stored, and counts the rest as stored from now. */
  leaveOut(rollups: BatchRollups): void;
  clear(): void;
}

export function createStoredRows(max = 200_000): StoredRows {
  const sets = new Set<bigint>();
  const visitors = new Set<string>();
  return {
    leaveOut(rollups) {
      if (sets.size > max) sets.clear();
      if (visitors.size > max) visitors.clear();
      rollups.sets = rollups.sets.filter((set) => !sets.has(set.id));
      for (const set of rollups.sets) sets.add(set.id);
      rollups.visitors = rollups.visitors.filter((v) => {
        const key = `${v.linkId}:${v.day}:${v.visitor}`;
        if (visitors.has(key)) return false;
        visitors.add(key);
        return true;
      });
    },
    clear() {
      sets.clear();
      visitors.clear();
    },
  };
}
