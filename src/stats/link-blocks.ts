/**
 * Per-link counts in aligned blocks of 2^level hours (`stats_link_blocks`), so the counts of
 * every link over any period are a few rows per link, whatever the period's length or time
 * zone. A block of level k starts at a multiple of 2^k hours since the epoch; blocks of one
 * level never overlap and each is two blocks of the level below, so a period of whole hours
 * is an exact union of at most two blocks per level (fewer going up, fewer coming down).
 */
export const LINK_BLOCK_LEVELS = 10;

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
    let level = 0;
    while (level + 1 < LINK_BLOCK_LEVELS && hour % 2 ** (level + 1) === 0 && hour + 2 ** (level + 1) <= end) level++;
    out.push({ level, start: new Date(hour * HOUR_MS) });
    hour += 2 ** level;
  }
  return out;
}
