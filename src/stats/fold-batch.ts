import { sql, type SQL } from 'drizzle-orm';
import { TEXTS } from './dim-sets.ts';
import { rollUp, type BatchRollups, type Counts } from './fold-rollups.ts';
import { boolArray, numberArray, textArray } from './pg-array.ts';
import { queryRows, type Executor } from './sql-rows.ts';
import type { StoredRows } from './stored-rows.ts';
import type { StatsEvent } from './stats-event.ts';

/**
 * A batch's statement parameters, built ahead of its transaction: Postgres array literals
 * (pg-array.ts), plain data, so a worker thread can build them (prepare-thread.ts) while
 * Postgres folds the batch before. Building them (grouping, sorting, quoting) is most of a
 * fold's JavaScript.
 */
export interface PreparedBatch {
  /** Events in the batch, each id once. */
  count: number;
  dedupe: string[];
  rollups: string[];
}

/**
 * The batch's dedupe rows and what it adds to every rollup, assuming every event is new;
 * without the rows `stored` knows earlier batches stored (the prepare thread's, stored-rows.ts).
 */
export function prepareBatch(events: readonly StatsEvent[], stored?: StoredRows): PreparedBatch {
  const rollups = rollUp(events);
  stored?.leaveOut(rollups);
  return { count: events.length, dedupe: dedupeParams(events), rollups: rollupParams(rollups) };
}

/**
 * The common case, assuming every event is new: a plain insert of the dedupe rows (no
 * `on conflict`: an id stored before, or twice in the batch, fails it with a unique
 * violation, 23505) and the rollups, as two statements the caller pipelines. A failed insert
 * aborts the transaction, so the rollups are never committed for a batch that was not new:
 * the caller rolls back and folds it step by step (`writeBatch`). Cheaper than the guarded
 * `on conflict do nothing ... returning` it replaces (no speculative insertion, no returned
 * rows kept, no guard on each rollup): the fold alone about 10% faster (README, Benchmarks).
 */
export function writePrepared(tx: Executor, batch: PreparedBatch): Promise<unknown>[] {
  if (batch.count === 0) return [];
  return [tx.execute(insertDedupeRows(batch.dedupe)), tx.execute(sql`with ${rollupRows(batch.rollups)} select 1`)];
}

/**
 * Writes a batch (ids unique within it) in two statements of the caller's transaction: the
 * dedupe rows first, which tell which events are new; then what those new events add to
 * every rollup and the visitor rows, grouped in JavaScript (fold-rollups.ts), so Postgres
 * upserts one row per key instead of grouping every event once per rollup and dimension.
 * Answers how many events were new.
 */
export async function writeBatch(tx: Executor, events: readonly StatsEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  // The new ids come back only when some were not new: usually all are.
  const [row] = await queryRows<{ n: number; ids: string | null }>(
    tx,
    sql`with ${dedupeRows(dedupeParams(events))}, n as (select count(*)::int as n from fresh)
    select n.n, case when n.n < ${events.length} then (select string_agg(event_id::text, ',') from fresh) end as ids from n`,
  );
  const n = row?.n ?? 0;
  let fresh = events;
  if (n < events.length) {
    if (n === 0 || !row?.ids) return 0;
    const ids = new Set(row.ids.split(','));
    fresh = events.filter((e) => ids.has(String(e.key)));
  }
  await tx.execute(sql`with ${rollupRows(rollupParams(rollUp(fresh)))} select 1`);
  return fresh.length;
}

function dedupeParams(events: readonly StatsEvent[]): string[] {
  const col = <T>(pick: (e: StatsEvent) => T) => events.map(pick);
  return [
    numberArray(col((e) => e.key)),
    numberArray(col((e) => e.linkId)),
    numberArray(col((e) => e.ts)),
    numberArray(col((e) => e.kind)),
    boolArray(col((e) => e.bot)),
    textArray(col((e) => e.platform)),
    textArray(col((e) => e.country)),
    textArray(col((e) => e.device)),
  ];
}

/** The dedupe rows' insert, as is: an id stored before fails it (the prepared fold). */
function insertDedupeRows(p: readonly string[]): SQL {
  // In key order: fewer deadlocks between consumers, and the index is walked in order.
  return sql`insert into stats_events (event_id, link_id, at, kind, bot, platform, country, device)
      select k, link_id, to_timestamp(ts), kind, bot, platform, country, device
      from ${zip(p, { k: 'bigint', link_id: 'bigint', ts: 'bigint', kind: 'smallint', bot: 'boolean', platform: 'text', country: 'text', device: 'text' })}
      order by link_id, ts, k`;
}

/** `fresh`: the ids whose dedupe row is new (the others were counted before). */
function dedupeRows(p: readonly string[]): SQL {
  return sql`fresh as (${insertDedupeRows(p)} on conflict on constraint stats_events_pk do nothing returning event_id)`;
}

const countParams = (rows: readonly Counts[]) => [
  numberArray(rows.map((r) => r.clicks)),
  numberArray(rows.map((r) => r.impressions)),
  numberArray(rows.map((r) => r.botClicks)),
  numberArray(rows.map((r) => r.botImpressions)),
];

// In rollupRows' order: hourly (6), combinations (9), visitors (3), blocks (3 + 4), dims (3 + 4).
function rollupParams(r: BatchRollups): string[] {
  const h = r.hourly;
  const ev = <T>(pick: (e: StatsEvent) => T) => h.map((row) => pick(row.event));
  return [
    numberArray(ev((e) => e.linkId)),
    numberArray(h.map((row) => row.hour)),
    numberArray(ev((e) => e.kind)),
    boolArray(ev((e) => e.bot)),
    numberArray(h.map((row) => row.dimSet)),
    numberArray(h.map((row) => row.count)),
    numberArray(r.sets.map((set) => set.id)),
    ...TEXTS.map((_, t) => textArray(r.sets.map((set) => set.texts[t] as string))),
    numberArray(r.visitors.map((v) => v.linkId)),
    numberArray(r.visitors.map((v) => v.day)),
    numberArray(r.visitors.map((v) => v.visitor)),
    numberArray(r.blocks.map((b) => b.level)),
    numberArray(r.blocks.map((b) => b.start)),
    numberArray(r.blocks.map((b) => b.linkId)),
    ...countParams(r.blocks),
    textArray(r.dims.map((d) => d.dim)),
    numberArray(r.dims.map((d) => d.hour)),
    textArray(r.dims.map((d) => d.value)),
    ...countParams(r.dims),
  ];
}

const SET_TEXTS = Object.fromEntries(TEXTS.map((field) => [field, 'text']));
const COUNT_COLUMNS = { c: 'bigint', i: 'bigint', bc: 'bigint', bi: 'bigint' };

/**
 * Rows from parallel arrays (`params[i]` is column i), as the subquery `x`. `unnest` in the
 * select list runs the arrays in step and streams their rows (a ProjectSet); `unnest(a, b, ...)`
 * in FROM, as before, first copied every row into a tuplestore: the prepared fold alone ran
 * about 22% faster (median of seven alternated pairs), and Postgres used about 4% less CPU
 * an event under the consumer (README, Statistics benchmarks).
 */
function zip(params: readonly string[], columns: Record<string, string>): SQL {
  const list = Object.entries(columns).map(([name, type], i) => sql`unnest(${params[i]}::${sql.raw(type)}[]) as ${sql.raw(name)}`);
  return sql`(select ${sql.join(list, sql`, `)}) as x`;
}

const ADD_COUNTS = (table: string) =>
  sql.raw(`clicks = ${table}.clicks + excluded.clicks, impressions = ${table}.impressions + excluded.impressions,
  bot_clicks = ${table}.bot_clicks + excluded.bot_clicks, bot_impressions = ${table}.bot_impressions + excluded.bot_impressions`);

/**
 * The rollup upserts as data-modifying CTEs (each runs to completion, read or not), each
 * list in its table's key order (unnest keeps it: no ORDER BY needed). The rows of one link
 * first (its hourly combinations, its visitors of the day), then the rows every batch shares
 * (the per-link blocks, long ones spanning many hours, and the per-dimension hours).
 */
function rollupRows(p: readonly string[]): SQL {
  return sql`hourly as (
      insert into stats_hourly (link_id, hour, kind, bot, dim_set, count)
      select link_id, to_timestamp(hour), kind, bot, dim_set, n
      from ${zip(p.slice(0, 6), { link_id: 'bigint', hour: 'bigint', kind: 'smallint', bot: 'boolean', dim_set: 'bigint', n: 'bigint' })}
      on conflict on constraint stats_hourly_pk do update set count = stats_hourly.count + excluded.count
    ), sets as (
      insert into stats_dim_sets (id, ${sql.raw(TEXTS.join(', '))})
      select id, ${sql.raw(TEXTS.join(', '))}
      from ${zip(p.slice(6, 15), { id: 'bigint', ...SET_TEXTS })}
      on conflict (id) do nothing
    ), visitors as (
      insert into stats_visitors (link_id, day, visitor)
      select link_id, '1970-01-01'::date + day, visitor
      from ${zip(p.slice(15, 18), { link_id: 'bigint', day: 'int', visitor: 'bigint' })}
      on conflict on constraint stats_visitors_pk do nothing
    ), blocks as (
      insert into stats_link_blocks (level, start, link_id, clicks, impressions, bot_clicks, bot_impressions)
      select level, to_timestamp(start), link_id, c, i, bc, bi
      from ${zip(p.slice(18, 25), { level: 'smallint', start: 'bigint', link_id: 'bigint', ...COUNT_COLUMNS })}
      on conflict on constraint stats_link_blocks_pk do update set ${ADD_COUNTS('stats_link_blocks')}
    ), dims as (
      insert into stats_dims_hourly (dim, hour, value, clicks, impressions, bot_clicks, bot_impressions)
      select dim, to_timestamp(hour), value, c, i, bc, bi
      from ${zip(p.slice(25, 32), { dim: 'text', hour: 'bigint', value: 'text', ...COUNT_COLUMNS })}
      on conflict on constraint stats_dims_hourly_pk do update set ${ADD_COUNTS('stats_dims_hourly')}
    )`;
}
