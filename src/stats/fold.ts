import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { queryRows, sqlState, type Executor } from './sql-rows.ts';
import type { EventSource, StatsEvent } from './stats-event.ts';
import type { ConversionEvent } from './conversion-event.ts';
import { foldConversions } from './fold-conversions.ts';

export interface FoldResult {
  /** Events counted by this fold. */
  folded: number;
  /** Events already counted before (a redelivery): their id was in the dedupe table. */
  duplicates: number;
  /** Events below the partition's stored offset (another consumer folded them). */
  stale: number;
  /** App events (conversions) counted by this fold. */
  conversions?: number;
}

export interface FoldOptions {
  /** The consumer group whose offsets commit with the counts; none in the embedded pipeline. */
  groupId?: string;
  /**
   * Every message of the batch, also those that could not be counted (not JSON, other
   * types): the stored offsets move past all of them. Default: the events' sources.
   */
  positions?: readonly EventSource[];
  /** App events of the same batch (topic `events`), counted in the same transaction. */
  conversions?: readonly ConversionEvent[];
}

const HOUR_S = 3600;
const DAY_S = 86_400;
// Deadlocks can happen when two consumers upsert the same rollup rows; rows are written in
// key order to make them rare, and a transaction that lost one is simply run again.
const RETRYABLE = new Set(['40P01', '40001']);
const MAX_ATTEMPTS = 5;

/**
 * Folds a batch into the rollups, the dedupe table and the consumer's offsets in ONE
 * transaction: either all of it counts and the offsets move past it, or none of it does.
 * A redelivered event finds its id and counts nothing; an event below the stored offset of
 * its partition is skipped before that, so even after the dedupe rows were pruned a replay
 * counts nothing.
 */
export async function foldEvents(db: Database, events: readonly StatsEvent[], options: FoldOptions = {}): Promise<FoldResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction((tx) => foldInTransaction(tx, events, options));
    } catch (err) {
      if (attempt >= MAX_ATTEMPTS || !RETRYABLE.has(sqlState(err) ?? '')) throw err;
    }
  }
}

async function foldInTransaction(tx: Executor, events: readonly StatsEvent[], options: FoldOptions): Promise<FoldResult> {
  let candidates = events;
  let stale = 0;
  const positions = options.positions ?? events.flatMap((e) => (e.source ? [e.source] : []));
  let stored: Map<string, bigint> | undefined;
  if (options.groupId !== undefined) {
    stored = await lockOffsets(tx, options.groupId, positions);
    candidates = events.filter((e) => isFresh(e.source, stored));
    stale = events.length - candidates.length;
  }
  const fresh = await insertDedupeRows(tx, candidates);
  await upsertRollups(tx, fresh);
  await insertVisitors(tx, fresh);
  // Conversions (issue 14) keep their own dedupe rows and rollups; same transaction and offsets.
  const conversions = await foldConversions(tx, (options.conversions ?? []).filter((e) => isFresh(e.source, stored)));
  if (options.groupId !== undefined) await storeOffsets(tx, options.groupId, positions);
  return { folded: fresh.length, duplicates: candidates.length - fresh.length, stale, ...(conversions > 0 ? { conversions } : {}) };
}

/** Not below its partition's stored offset (always, without stored offsets). */
function isFresh(source: EventSource | undefined, stored: Map<string, bigint> | undefined): boolean {
  return !source || !stored || source.offset >= (stored.get(`${source.topic}:${source.partition}`) ?? -1n);
}

function partitionsOf(positions: readonly EventSource[]): Map<string, { topic: string; partition: number; next_offset: string }> {
  const next = new Map<string, { topic: string; partition: number; next: bigint }>();
  for (const source of positions) {
    const key = `${source.topic}:${source.partition}`;
    const seen = next.get(key);
    if (!seen || seen.next < source.offset + 1n) next.set(key, { topic: source.topic, partition: source.partition, next: source.offset + 1n });
  }
  const out = new Map<string, { topic: string; partition: number; next_offset: string }>();
  for (const [key, p] of [...next].sort(([a], [b]) => (a < b ? -1 : 1))) {
    out.set(key, { topic: p.topic, partition: p.partition, next_offset: String(p.next) });
  }
  return out;
}

/** Locks this batch's partitions' offset rows (so two consumers never fold one partition at once) and reads them. */
async function lockOffsets(tx: Executor, groupId: string, positions: readonly EventSource[]): Promise<Map<string, bigint>> {
  const parts = JSON.stringify([...partitionsOf(positions).values()]);
  const rows = await queryRows<{ topic: string; partition: number; next_offset: string }>(
    tx,
    sql`select o.topic, o.partition, o.next_offset::text as next_offset from stats_offsets o
        join jsonb_to_recordset(${parts}::jsonb) as p(topic text, partition int) on o.topic = p.topic and o.partition = p.partition
        where o.group_id = ${groupId} order by o.topic, o.partition for update of o`,
  );
  return new Map(rows.map((r) => [`${r.topic}:${r.partition}`, BigInt(r.next_offset)]));
}

async function storeOffsets(tx: Executor, groupId: string, positions: readonly EventSource[]): Promise<void> {
  const parts = [...partitionsOf(positions).values()];
  if (parts.length === 0) return;
  await tx.execute(sql`insert into stats_offsets (group_id, topic, partition, next_offset, updated_at)
    select ${groupId}, p.topic, p.partition, p.next_offset, now() from jsonb_to_recordset(${JSON.stringify(parts)}::jsonb) as p(topic text, partition int, next_offset bigint)
    on conflict on constraint stats_offsets_pk do update
      set next_offset = greatest(stats_offsets.next_offset, excluded.next_offset), updated_at = now()`);
}

/** Inserts one dedupe row per event; answers the events whose id was not there yet. */
async function insertDedupeRows(tx: Executor, events: readonly StatsEvent[]): Promise<StatsEvent[]> {
  if (events.length === 0) return [];
  const byId = new Map<string, StatsEvent>();
  for (const e of events) if (!byId.has(e.id)) byId.set(e.id, e);
  const rows = [...byId.values()]
    .sort((a, b) => (a.id < b.id ? -1 : 1))
    .map((e) => ({ i: e.id, l: e.linkId, t: e.ts, k: e.kind, b: e.bot, p: e.platform, c: e.country, d: e.device }));
  const inserted = await queryRows<{ event_id: string }>(
    tx,
    sql`insert into stats_events (event_id, link_id, at, kind, bot, platform, country, device)
        select i, l, to_timestamp(t), k, b, p, c, d from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
          as x(i text, l bigint, t bigint, k smallint, b boolean, p text, c text, d text)
        on conflict (event_id) do nothing returning event_id`,
  );
  return inserted.map((r) => byId.get(r.event_id) as StatsEvent);
}

async function upsertRollups(tx: Executor, events: readonly StatsEvent[]): Promise<void> {
  if (events.length === 0) return;
  const counts = new Map<string, number>();
  for (const e of events) {
    const hour = e.ts - (e.ts % HOUR_S);
    const key = JSON.stringify([e.linkId, hour, e.kind, e.bot, e.platform, e.country, e.device, e.os, e.browser, e.referrer, e.campaign, e.network]);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const rows = [...counts]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([key, n]) => {
      const [l, h, k, b, p, c, d, o, br, r, ca, ne] = JSON.parse(key) as [number, number, number, boolean, ...string[]];
      return { l, h, k, b, p, c, d, o, br, r, ca, ne, n };
    });
  await tx.execute(sql`insert into stats_hourly (link_id, hour, kind, bot, platform, country, device, os, browser, referrer, campaign, network, count)
    select l, to_timestamp(h), k, b, p, c, d, o, br, r, ca, ne, n from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      as x(l bigint, h bigint, k smallint, b boolean, p text, c text, d text, o text, br text, r text, ca text, ne text, n bigint)
    on conflict on constraint stats_hourly_pk do update set count = stats_hourly.count + excluded.count`);
}

async function insertVisitors(tx: Executor, events: readonly StatsEvent[]): Promise<void> {
  const seen = new Set<string>();
  const rows: { l: number; d: string; v: string }[] = [];
  for (const e of events) {
    if (e.visitor === null) continue;
    const day = new Date((e.ts - (e.ts % DAY_S)) * 1000).toISOString().slice(0, 10);
    const key = `${e.linkId}|${day}|${e.visitor}`;
    if (seen.has(key)) continue;
    seen.add(key);
    rows.push({ l: e.linkId, d: day, v: String(e.visitor) });
  }
  if (rows.length === 0) return;
  rows.sort((a, b) => a.l - b.l || (a.d < b.d ? -1 : a.d > b.d ? 1 : a.v < b.v ? -1 : 1));
  await tx.execute(sql`insert into stats_visitors (link_id, day, visitor)
    select l, d, v from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(l bigint, d date, v bigint)
    on conflict on constraint stats_visitors_pk do nothing`);
}
