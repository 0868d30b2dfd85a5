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
  // Visitors by link and day, then by visitor: number and bigint keys, hashed as they are, where
  // a "link:day:visitor" string per row (the bigint printed) cost about 1 µs an event.
  const visitors = new Map<number, Set<bigint>>();
  let visitorCount = 0;
  return {
    leaveOut(rollups) {
      if (sets.size > max) sets.clear();
      if (visitorCount > max) {
        visitors.clear();
        visitorCount = 0;
      }
      rollups.sets = rollups.sets.filter((set) => !sets.has(set.id));
      for (const set of rollups.sets) sets.add(set.id);
      let known: Set<bigint> | undefined;
      let knownKey = Number.NaN;
      rollups.visitors = rollups.visitors.filter((v) => {
        // Rows come sorted by link and day: one lookup per run. A day past 10^6 (the year
        // 4707) or a link id past 9 * 10^9 makes no exact key: such rows always go in.
        const key = v.linkId * 1_000_000 + v.day;
        if (v.day < 0 || v.day >= 1_000_000 || !Number.isSafeInteger(key)) return true;
        if (key !== knownKey) {
          knownKey = key;
          known = visitors.get(key);
          if (!known) visitors.set(key, (known = new Set()));
        }
        if (known?.has(v.visitor)) return false;
        known?.add(v.visitor);
        visitorCount++;
        return true;
      });
    },
    clear() {
      sets.clear();
      visitors.clear();
      visitorCount = 0;
    },
  };
}
