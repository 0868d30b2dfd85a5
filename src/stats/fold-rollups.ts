import { dimSetKey, TEXTS } from './dim-sets.ts';
import { STORED_LINK_BLOCK_LEVELS } from './link-blocks.ts';
import { KIND_CLICK } from './stats-schema.ts';
import type { StatsEvent } from './stats-event.ts';

/** The four counts the rollups without every dimension keep. */
export interface Counts {
  clicks: number;
  impressions: number;
  botClicks: number;
  botImpressions: number;
}

export interface HourlyRow {
  /** One event of the row: its link, kind, bot flag and dimensions are the row's. */
  event: StatsEvent;
  /** Unix seconds of the UTC hour. */
  hour: number;
  /** The id of its texts' combination (dim-sets.ts). */
  dimSet: bigint;
  count: number;
}

/** A combination of the text dimensions and its id, for `stats_dim_sets`. */
export interface DimSetRow {
  id: bigint;
  texts: string[];
}

export interface BlockRow extends Counts {
  level: number;
  /** Unix seconds the block starts at. */
  start: number;
  linkId: number;
}

export interface DimRow extends Counts {
  dim: string;
  hour: number;
  value: string;
}

export interface VisitorRow {
  linkId: number;
  /** Days since 1970-01-01 (UTC). */
  day: number;
  visitor: bigint;
}

/** What a batch adds to each rollup: one row per key, each list in its table's key order. */
export interface BatchRollups {
  hourly: HourlyRow[];
  /** The combinations of texts the hourly rows refer to, each once, by id. */
  sets: DimSetRow[];
  blocks: BlockRow[];
  dims: DimRow[];
  visitors: VisitorRow[];
}

const HOUR_S = 3600;
const DAY_S = 86_400;

/** The dimensions of `stats_dims_hourly` ('' is the total), in the table's key order. */
export const DIMENSIONS = ['', 'browser', 'campaign', 'country', 'device', 'network', 'os', 'platform', 'referrer'] as const;
type Dimension = Exclude<(typeof DIMENSIONS)[number], ''>;
// An hourly key as numbers: link, hour, kind, bot, then each text's rank.
const WIDTH = 4 + TEXTS.length;

const zero = (): Counts => ({ clicks: 0, impressions: 0, botClicks: 0, botImpressions: 0 });

function addTo(counts: Counts, e: StatsEvent, n: number): void {
  if (e.kind === KIND_CLICK) {
    if (e.bot) counts.botClicks += n;
    else counts.clicks += n;
  } else if (e.bot) counts.botImpressions += n;
  else counts.impressions += n;
}

function addCounts(to: Counts, from: Counts): void {
  to.clicks += from.clicks;
  to.impressions += from.impressions;
  to.botClicks += from.botClicks;
  to.botImpressions += from.botImpressions;
}

/**
 * A batch's events (new ones only) grouped into the rows each rollup gains, so Postgres
 * upserts one row per key instead of grouping every event once per rollup and dimension.
 * Each list is sorted by its table's key, so two consumers that upsert the same rows lock
 * them in the same order (a deadlock would cost a rerun of the transaction).
 *
 * Why numbers and sorting rather than a Map of string keys: building and hashing a
 * 12-field key per event cost more than the whole grouping does this way. Each distinct
 * text gets its rank among the batch's texts, so comparing ranks orders as the texts do;
 * the events are sorted by their numeric key and equal neighbours make one row.
 */
export function rollUp(events: readonly StatsEvent[]): BatchRollups {
  const n = events.length;
  const keys = new Float64Array(n * WIDTH);
  // Each text numbered as first seen, then renumbered by its rank in string order.
  const ids = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const e = events[i] as StatsEvent;
    const at = i * WIDTH;
    keys[at] = e.linkId;
    keys[at + 1] = e.ts - (e.ts % HOUR_S);
    keys[at + 2] = e.kind;
    keys[at + 3] = e.bot ? 1 : 0;
    for (let t = 0; t < TEXTS.length; t++) {
      const text = e[TEXTS[t] as Dimension];
      let id = ids.get(text);
      if (id === undefined) ids.set(text, (id = ids.size));
      keys[at + 4 + t] = id;
    }
  }
  const texts = [...ids.keys()];
  const byText = texts.map((_, id) => id).sort((a, b) => ((texts[a] as string) < (texts[b] as string) ? -1 : 1));
  const rank = new Float64Array(texts.length);
  for (let r = 0; r < byText.length; r++) rank[byText[r] as number] = r;
  for (let i = 0; i < n; i++) for (let t = 4; t < WIDTH; t++) keys[i * WIDTH + t] = rank[keys[i * WIDTH + t] as number] as number;

  // Safe integers: a difference keeps its sign even where it is rounded.
  const compare = (a: number, b: number) => {
    for (let k = 0, x = a * WIDTH, y = b * WIDTH; k < WIDTH; k++) {
      const d = (keys[x + k] as number) - (keys[y + k] as number);
      if (d !== 0) return d;
    }
    return 0;
  };
  const order = Array.from({ length: n }, (_, i) => i).sort(compare);

  const hourly: HourlyRow[] = [];
  // Per hourly row, where its event's ranks are in `keys`.
  const rowKeys: number[] = [];
  for (let j = 0; j < n; j++) {
    const i = order[j] as number;
    if (j > 0 && compare(order[j - 1] as number, i) === 0) (hourly[hourly.length - 1] as HourlyRow).count++;
    else {
      hourly.push({ event: events[i] as StatsEvent, hour: keys[i * WIDTH + 1] as number, dimSet: 0n, count: 1 });
      rowKeys.push(i * WIDTH);
    }
  }
  const blocks = linkBlocks(hourly);
  const dims = dimHours(hourly, rowKeys, keys, texts.length);
  const sets = dimSets(hourly, rowKeys, keys, texts.length);
  // Sorted by id: two combinations that collided are neighbours. Only then can two hourly rows
  // share a key, so only then are they looked for.
  const collided = sets.some((set, i) => i > 0 && (sets[i - 1] as DimSetRow).id === set.id);
  return { hourly: collided ? mergeCollisions(hourly) : hourly, sets, blocks, dims, visitors: visitorDays(events) };
}

/** Gives each hourly row its combination's id; answers the combinations, each once, by id. */
function dimSets(hourly: HourlyRow[], rowKeys: readonly number[], keys: Float64Array, textCount: number): DimSetRow[] {
  // A combination named by one number within the batch: each dimension's values numbered
  // apart (a batch has a few platforms, countries, campaigns...), the numbers in mixed radix,
  // while their product stays exact. (With the ranks among all the batch's texts as digits, a
  // day's backlog of the stats bench never fit, and a string per row cost more than the rest.)
  const width = TEXTS.length;
  const dense = new Int32Array(width * textCount).fill(-1);
  const counts = new Array<number>(width).fill(0);
  for (const at of rowKeys) {
    for (let t = 0; t < width; t++) {
      const slot = t * textCount + (keys[at + 4 + t] as number);
      if ((dense[slot] as number) >= 0) continue;
      dense[slot] = counts[t] as number;
      counts[t] = (counts[t] as number) + 1;
    }
  }
  const asNumber = counts.reduce((product, n) => product * n, 1) < Number.MAX_SAFE_INTEGER;
  const byRanks = new Map<number | string, DimSetRow>();
  for (let r = 0; r < hourly.length; r++) {
    const row = hourly[r] as HourlyRow;
    const at = (rowKeys[r] as number) + 4;
    let ranks: number | string = 0;
    if (asNumber) for (let t = width - 1; t >= 0; t--) ranks = ranks * (counts[t] as number) + (dense[t * textCount + (keys[at + t] as number)] as number);
    else ranks = keys.subarray(at, at + width).join(',');
    let set = byRanks.get(ranks);
    if (!set) {
      const texts = TEXTS.map((field) => row.event[field]);
      byRanks.set(ranks, (set = { id: dimSetKey(texts), texts }));
    }
    row.dimSet = set.id;
  }
  return [...byRanks.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * The hourly rows stay in their order (link, hour, kind, bot, then the texts): not the key's
 * order past the bot flag, but the same for every consumer, which is what keeps their locks
 * from crossing. Two rows of one link, hour, kind and bot whose combinations' ids collided
 * would make one key twice, which one upsert may not touch: merged (astronomically rare).
 */
export function mergeCollisions(hourly: HourlyRow[]): HourlyRow[] {
  const same = (a: HourlyRow, b: HourlyRow) => a.hour === b.hour && a.event.linkId === b.event.linkId && a.event.kind === b.event.kind && a.event.bot === b.event.bot;
  const kept: HourlyRow[] = [];
  // The first row of each id among the rows of one link, hour, kind and bot.
  let firsts = new Map<bigint, HourlyRow>();
  for (let i = 0; i < hourly.length; i++) {
    const row = hourly[i] as HourlyRow;
    if (i > 0 && !same(hourly[i - 1] as HourlyRow, row)) firsts = new Map();
    const first = firsts.get(row.dimSet);
    if (first) first.count += row.count;
    else {
      firsts.set(row.dimSet, row);
      kept.push(row);
    }
  }
  return kept.length < hourly.length ? kept : hourly;
}

/** Hourly rows (in key order: link, then hour) into per-link blocks of every stored level. */
function linkBlocks(hourly: readonly HourlyRow[]): BlockRow[] {
  const linkHours: BlockRow[] = [];
  for (const row of hourly) {
    let last = linkHours[linkHours.length - 1];
    if (!last || last.linkId !== row.event.linkId || last.start !== row.hour) {
      last = { level: 0, start: row.hour, linkId: row.event.linkId, ...zero() };
      linkHours.push(last);
    }
    addTo(last, row.event, row.count);
  }
  const blocks: BlockRow[] = [];
  for (const level of STORED_LINK_BLOCK_LEVELS) {
    const size = HOUR_S * 2 ** level;
    // The links come in order, each link's hours in order: so the hours of one block are
    // neighbours, and each start's rows are in link order (the key is start, then link).
    const byStart = new Map<number, BlockRow[]>();
    let last: BlockRow | undefined;
    for (const h of linkHours) {
      const start = h.start - (h.start % size);
      if (!last || last.linkId !== h.linkId || last.start !== start) {
        last = { level, start, linkId: h.linkId, ...zero() };
        let rows = byStart.get(start / HOUR_S);
        if (!rows) byStart.set(start / HOUR_S, (rows = []));
        rows.push(last);
      }
      addCounts(last, h);
    }
    for (const start of [...byStart.keys()].sort((a, b) => a - b)) for (const row of byStart.get(start) as BlockRow[]) blocks.push(row);
  }
  return blocks;
}

/** Hourly rows into per-dimension hours: the total, and each dimension's value. */
function dimHours(hourly: readonly HourlyRow[], rowKeys: readonly number[], keys: Float64Array, textCount: number): DimRow[] {
  // Key: the hour's place among the batch's hours, then the value's rank (0 for the total):
  // one small integer, which a Map hashes fastest.
  const hours = [...new Set(hourly.map((row) => row.hour))].sort((a, b) => a - b);
  const slot = new Map(hours.map((hour, i) => [hour, i * (textCount + 1)]));
  const rowSlot = hourly.map((row) => slot.get(row.hour) as number);
  const out: DimRow[] = [];
  for (const dim of DIMENSIONS) {
    const column = dim === '' ? -1 : 4 + TEXTS.indexOf(dim);
    const rows = new Map<number, DimRow>();
    for (let r = 0; r < hourly.length; r++) {
      const row = hourly[r] as HourlyRow;
      const key = (rowSlot[r] as number) + (column < 0 ? 0 : (keys[(rowKeys[r] as number) + column] as number) + 1);
      let to = rows.get(key);
      if (!to) rows.set(key, (to = { dim, hour: row.hour, value: dim === '' ? '' : row.event[dim], ...zero() }));
      addTo(to, row.event, row.count);
    }
    for (const key of [...rows.keys()].sort((a, b) => a - b)) out.push(rows.get(key) as DimRow);
  }
  return out;
}

/** One row per link, UTC day and visitor (human clicks carry one). */
function visitorDays(events: readonly StatsEvent[]): VisitorRow[] {
  const rows: VisitorRow[] = [];
  for (const e of events) if (e.visitor !== null) rows.push({ linkId: e.linkId, day: Math.floor(e.ts / DAY_S), visitor: e.visitor });
  rows.sort((a, b) => a.linkId - b.linkId || a.day - b.day || (a.visitor < b.visitor ? -1 : a.visitor > b.visitor ? 1 : 0));
  return rows.filter((v, i) => {
    const p = rows[i - 1];
    return !p || p.linkId !== v.linkId || p.day !== v.day || p.visitor !== v.visitor;
  });
}
