import { sql } from 'drizzle-orm';
import { numberArray, textArray } from './pg-array.ts';
import { queryRows, type Executor } from './sql-rows.ts';
import type { EventSource } from './stats-event.ts';

export interface PartitionEnd {
  topic: string;
  partition: number;
  next: bigint;
}

/**
 * Per topic and partition of a batch, the offset after its last message; in key order (fewer
 * deadlocks). A consumer's batch holds runs of one partition's messages: the entry of the
 * previous message is checked first, so a batch costs no key string per message.
 */
export function partitionEnds(positions: readonly EventSource[]): PartitionEnd[] {
  const next = new Map<string, PartitionEnd>();
  let last: PartitionEnd | undefined;
  for (const source of positions) {
    if (!last || last.topic !== source.topic || last.partition !== source.partition) {
      const key = `${source.topic}:${source.partition}`;
      last = next.get(key);
      if (!last) next.set(key, (last = { topic: source.topic, partition: source.partition, next: -1n }));
    }
    if (last.next <= source.offset) last.next = source.offset + 1n;
  }
  return [...next].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, p]) => p);
}

/** Locks this batch's partitions' offset rows (so two consumers never fold one partition at once) and reads them. */
export async function lockOffsets(tx: Executor, groupId: string, positions: readonly EventSource[]): Promise<Map<string, bigint>> {
  const parts = partitionEnds(positions);
  if (parts.length === 0) return new Map();
  const rows = await queryRows<{ topic: string; partition: number; next_offset: string }>(
    tx,
    sql`select o.topic, o.partition, o.next_offset::text as next_offset from stats_offsets o
        join unnest(${textArray(parts.map((p) => p.topic))}::text[], ${numberArray(parts.map((p) => p.partition))}::int[]) as p(topic, partition)
          on o.topic = p.topic and o.partition = p.partition
        where o.group_id = ${groupId} order by o.topic, o.partition for update of o`,
  );
  return new Map(rows.map((r) => [`${r.topic}:${r.partition}`, BigInt(r.next_offset)]));
}

/** Moves the partitions' stored offsets past the batch (never back). */
export async function storeOffsets(tx: Executor, groupId: string, positions: readonly EventSource[]): Promise<void> {
  const parts = partitionEnds(positions);
  if (parts.length === 0) return;
  await tx.execute(sql`insert into stats_offsets (group_id, topic, partition, next_offset, updated_at)
    select ${groupId}, p.topic, p.partition, p.next_offset, now()
    from unnest(${textArray(parts.map((p) => p.topic))}::text[], ${numberArray(parts.map((p) => p.partition))}::int[], ${numberArray(parts.map((p) => p.next))}::bigint[])
      as p(topic, partition, next_offset)
    on conflict on constraint stats_offsets_pk do update
      set next_offset = greatest(stats_offsets.next_offset, excluded.next_offset), updated_at = now()`);
}
