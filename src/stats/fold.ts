import type { Database } from '../db/client.ts';
import { writeBatch, writePrepared, type PreparedBatch } from './fold-batch.ts';
import { lockOffsets, storeOffsets } from './offsets.ts';
import { sqlState, type Executor } from './sql-rows.ts';
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

// Deadlocks can happen when two consumers upsert the same rollup rows; rows are written in
// key order to make them rare, and a transaction that lost one is simply run again.
const RETRYABLE = new Set(['40P01', '40001']);
const MAX_ATTEMPTS = 5;
const UNIQUE_VIOLATION = '23505';

/**
 * Folds a batch into the rollups, the dedupe table and the consumer's offsets in ONE
 * transaction: either all of it counts and the offsets move past it, or none of it does.
 * A redelivered event finds its id and counts nothing; an event below the stored offset of
 * its partition is skipped before that, so even after the dedupe rows were pruned a replay
 * counts nothing.
 */
export async function foldEvents(db: Database, events: readonly StatsEvent[], options: FoldOptions = {}): Promise<FoldResult> {
  return withRetries(() => db.transaction((tx) => foldInTransaction(tx, events, options)));
}

async function withRetries<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      if (attempt >= MAX_ATTEMPTS || !RETRYABLE.has(sqlState(err) ?? '')) throw err;
    }
  }
}

/** The prepared fold met something it does not handle: the transaction is rolled back. */
class NotPlain extends Error {}

/**
 * The common case of a consumer's batch, its statement built ahead (fold-batch.ts,
 * prepare-thread.ts): no event counted before, none below its partition's stored offset, no
 * app events. The offsets' lock, the batch's two statements and the new offsets go to
 * Postgres together, and only then are the answers read: the transaction commits when the
 * batch was that common case; otherwise (an id stored before or twice in the batch fails the
 * plain insert; a message below its stored offset) it rolls back, and the answer is
 * undefined: the caller then folds the batch's events with `foldEvents`, step by step.
 */
export async function foldPrepared(db: Database, batch: PreparedBatch, options: { groupId: string; positions: readonly EventSource[] }): Promise<FoldResult | undefined> {
  const { groupId, positions } = options;
  try {
    return await withRetries(() =>
      db.transaction(async (tx) => {
        // Sent together, read after: a unique violation fails the insert and every later statement.
        const [locked, ...written] = await Promise.allSettled([lockOffsets(tx, groupId, positions), ...writePrepared(tx, batch), storeOffsets(tx, groupId, positions)]);
        const failed = [locked, ...written].find((r) => r.status === 'rejected');
        if (failed) throw sqlState(failed.reason) === UNIQUE_VIOLATION ? new NotPlain() : failed.reason;
        if (locked.status !== 'fulfilled' || !positions.every(freshIn(locked.value))) throw new NotPlain();
        return { folded: batch.count, duplicates: 0, stale: 0 };
      }),
    );
  } catch (err) {
    if (err instanceof NotPlain) return undefined;
    throw err;
  }
}

async function foldInTransaction(tx: Executor, events: readonly StatsEvent[], options: FoldOptions): Promise<FoldResult> {
  const positions = options.positions ?? events.flatMap((e) => (e.source ? [e.source] : []));
  const stored = options.groupId === undefined ? undefined : await lockOffsets(tx, options.groupId, positions);
  const isFresh = freshIn(stored);
  const candidates = events.filter((e) => isFresh(e.source));
  const stale = events.length - candidates.length;
  // One event per id: the same click twice in a batch counts once.
  const byKey = new Map<bigint, StatsEvent>();
  for (const e of candidates) if (!byKey.has(e.key)) byKey.set(e.key, e);
  const folded = await writeBatch(tx, [...byKey.values()]);
  // Conversions (issue 14) keep their own dedupe rows and rollups; same transaction and offsets.
  const conversions = await foldConversions(tx, (options.conversions ?? []).filter((c) => isFresh(c.source)));
  if (options.groupId !== undefined) await storeOffsets(tx, options.groupId, positions);
  return { folded, duplicates: candidates.length - folded, stale, ...(conversions > 0 ? { conversions } : {}) };
}

/**
 * Whether a message is not below its partition's stored offset (always, without stored
 * offsets). Messages come in runs of one partition, so the previous message's partition is
 * checked first: no key string per message.
 */
function freshIn(stored: Map<string, bigint> | undefined): (source: EventSource | undefined) => boolean {
  let topic: string | undefined;
  let partition = -1;
  let from = -1n;
  return (source) => {
    if (!source || !stored) return true;
    if (source.topic !== topic || source.partition !== partition) {
      ({ topic, partition } = source);
      from = stored.get(`${topic}:${partition}`) ?? -1n;
    }
    return source.offset >= from;
  };
}
