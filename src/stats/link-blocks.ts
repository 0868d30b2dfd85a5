/**
 * Per-link counts in aligned blocks of 2^level hours (`stats_link_blocks`), so the counts of
 * every link over any period are a few rows per link, whatever the period's length or time
 * zone. A block of level k starts at a multiple of 2^k hours since the epoch; blocks of one
 * level never overlap and each is a union of blocks of the level below, so a period of whole
 * hours is an exact union of blocks: at most 2^gap - 1 per level and side, where gap is the
 * step to the next level.
 *
 * The levels are a trade: each costs the fold one upsert per link and batch, and each level
 * left out makes a query read more rows per link. Every other power of two (1, 4, 16, 64 and
 * 256 hours) covers 30 days in about 14 blocks (18 at most) for half the writes of every
 * power of two up to 512 hours (about 9 blocks, 13 at most).
 */
export const LINK_BLOCK_LEVELS: readonly number[] = [0, 2, 4, 6, 8];

export const HOUR_MS = 3_600_000;

export interface LinkBlock {
  level: number;
  /** Start of the block, an instant on an hour. */
  start: Date;
}

/**
 * The fewest blocks whose union is exactly the hours `h` with from <= h < to (the hours a
 * query over [from, to) counts, as in `stats_hourly`). Greedy from the left: at each hour
 * take the largest block that starts there and ends by `to`.
 */
export function blockCover(from: Date, to: Date): LinkBlock[] {
  let hour = Math.ceil(from.getTime() / HOUR_MS);
  const end = Math.ceil(to.getTime() / HOUR_MS);
  const out: LinkBlock[] = [];
  while (hour < end) {
    let level = LINK_BLOCK_LEVELS[0] as number;
    for (const k of LINK_BLOCK_LEVELS) if (hour % 2 ** k === 0 && hour + 2 ** k <= end) level = k;
    out.push({ level, start: new Date(hour * HOUR_MS) });
    hour += 2 ** level;
  }
  return out;
}
