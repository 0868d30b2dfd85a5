/**
 * Per-link counts in aligned blocks of 2^level hours (`stats_link_blocks`), so the counts of
 * every link over any period are a few rows per link, whatever the period's length or time
 * zone. A block of level k starts at a multiple of 2^k hours since the epoch; each block is a
 * union of blocks of the level below.
 *
 * The levels are a trade: each costs the fold one upsert per link and batch, and each level
 * left out makes a query read more rows per link. Every other power of two (1, 4, 16, 64 and
 * 256 hours) costs half the writes of every power of two up to 512 hours; letting a period
 * subtract blocks as well as add them (15 hours = 16 - 1 instead of 4 + 4 + 4 + 1 + 1 + 1)
 * gets the reads back: 30 days are about 10 blocks, 14 at most, where adding only would
 * take about 14, 18 at most (and every power of two about 9, 13 at most).
 */
export const LINK_BLOCK_LEVELS: readonly number[] = [0, 2, 4, 6, 8];

/**
 * The levels `stats_link_blocks` stores. Level 0, a link's single hour, is read from
 * `stats_hourly` instead (query-source.ts): a period's cover needs at most a few of them, at
 * its two ends, while the fold wrote one for nearly every event of a batch whose events spread
 * over many links and hours (about a third of its block rows).
 */
export const STORED_LINK_BLOCK_LEVELS: readonly number[] = LINK_BLOCK_LEVELS.filter((level) => level > 0);

export const HOUR_MS = 3_600_000;

export interface LinkBlock {
  level: number;
  /** Start of the block, an instant on an hour. */
  start: Date;
  /** Whether the block's counts are added or subtracted. */
  sign: 1 | -1;
}

interface HourBlock {
  level: number;
  startHour: number;
  sign: 1 | -1;
}

/**
 * Blocks whose signed sum is exactly the hours `h` with from <= h < to (the hours a query
 * over [from, to) counts, as in `stats_hourly`): fewest blocks, every count exact, since the
 * fold writes all levels of an event in one statement and a query reads them in one snapshot.
 */
export function blockCover(from: Date, to: Date): LinkBlock[] {
  const first = Math.ceil(from.getTime() / HOUR_MS);
  const end = Math.ceil(to.getTime() / HOUR_MS);
  if (end <= first) return [];
  return cover(first, end, 0).map((b) => ({ level: b.level, start: new Date(b.startHour * HOUR_MS), sign: b.sign }));
}

/** Blocks of `LINK_BLOCK_LEVELS[i]` from a to b (signed: b < a means minus [b, a)). */
function run(a: number, b: number, i: number): HourBlock[] {
  const level = LINK_BLOCK_LEVELS[i] as number;
  const size = 2 ** level;
  const out: HourBlock[] = [];
  for (let h = Math.min(a, b); h < Math.max(a, b); h += size) out.push({ level, startHour: h, sign: b > a ? 1 : -1 });
  return out;
}

/**
 * The signed interval [a, b) (both on level i's boundaries) as the fewest blocks of levels i
 * and up: either level i's blocks straight, or each end moved to a boundary of level i + 1
 * (below or above it) with level i's blocks between, and the rest from level i + 1. At most
 * 4 choices on each of 5 levels: a few hundred small steps per query.
 */
function cover(a: number, b: number, i: number): HourBlock[] {
  let best = run(a, b, i);
  const next = LINK_BLOCK_LEVELS[i + 1];
  if (next === undefined || a === b) return best;
  const up = 2 ** next;
  const ends = (x: number) => [...new Set([Math.floor(x / up) * up, Math.ceil(x / up) * up])];
  for (const a2 of ends(a)) {
    for (const b2 of ends(b)) {
      // [a, b) = [a, a2) + [a2, b2) + [b2, b), each signed.
      const candidate = [...run(a, a2, i), ...cover(a2, b2, i + 1), ...run(b2, b, i)];
      if (candidate.length < best.length) best = candidate;
    }
  }
  return best;
}
