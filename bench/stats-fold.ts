import { randomUUID } from 'node:crypto';
import type { Database } from '../src/db/client.ts';
import { openPostgres } from '../src/db/database.ts';
import { eventKey } from '../src/stats/event-key.ts';
import { prepareBatch, type PreparedBatch } from '../src/stats/fold-batch.ts';
import { foldEvents, foldPrepared, type FoldOptions, type FoldResult } from '../src/stats/fold.ts';
import { createVisitorHasher, type StatsEvent } from '../src/stats/stats-event.ts';
import { benchDatabase } from './services.ts';

export type FoldFn = (db: Database, events: readonly StatsEvent[], options: FoldOptions) => Promise<FoldResult>;

const COUNTRIES = ['US', 'DE', 'JP', 'BR', 'FR', 'GB', 'IN', 'MX', 'ES', 'IT', 'CA', 'AU', ''];
const DEVICES = [['smartphone', 'iOS', 'Mobile Safari'], ['smartphone', 'Android', 'Chrome'], ['tablet', 'iOS', 'Mobile Safari'], ['', 'Windows', 'Edge'], ['', 'Mac OS', 'Firefox'], ['smartphone', 'iOS', 'Instagram']];

/**
 * Events shaped like the stats bench's (bench/stats.ts makeLines): 1,000 links, a day of
 * timestamps (or `spreadSeconds`: 3,600 is live traffic, where a batch's events share their
 * hour), 20 campaigns, 3 networks and platforms, a referrer on a quarter, 30,000 visitors;
 * in random order, as Kafka's partitioning by random click id leaves them.
 */
export function benchEvents(n: number, spreadSeconds = 86_400, now = Math.floor(Date.now() / 1000)): StatsEvent[] {
  const hashVisitor = createVisitorHasher('bench');
  const events = Array.from({ length: n }, (_, i): StatsEvent => {
    const [device, os, browser] = DEVICES[(i * 7) % DEVICES.length] as string[];
    return {
      key: eventKey(randomUUID()),
      linkId: (i % 1000) + 1,
      ts: now - (i % spreadSeconds),
      kind: 1,
      bot: i % 50 === 0,
      platform: ['ios', 'android', 'web'][i % 3] as string,
      country: COUNTRIES[(i * 13) % COUNTRIES.length] as string,
      device: device as string,
      os: os as string,
      browser: browser as string,
      referrer: i % 4 === 0 ? 'news.example.com' : '',
      campaign: `c${i % 20}`,
      network: ['meta', 'tiktok', 'google'][i % 3] as string,
      visitor: i % 50 === 0 ? null : hashVisitor(`k:k${i % 30_000}`),
    };
  });
  for (let i = events.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [events[i], events[j]] = [events[j] as StatsEvent, events[i] as StatsEvent];
  }
  return events;
}

/**
 * The fold alone, no Kafka: `events` in batches of `batchSize`, `concurrency` transactions at
 * a time (as the consumer once folded partitions side by side), or prepared ahead and one at
 * a time (as it folds them now), into a fresh database. Answers
 * events folded per second and the median batch transaction in ms.
 */
export async function benchFoldOnce(opts: {
  adminUrl: string;
  events: StatsEvent[];
  batchSize: number;
  concurrency: number;
  fold?: FoldFn;
  /** Each batch's statement built before the clock starts, folded as the consumer folds it (foldPrepared). */
  prepared?: boolean;
}): Promise<{ perSecond: number; batchMs: number }> {
  const prepared = new Map<readonly StatsEvent[], PreparedBatch>();
  const fold: FoldFn = opts.prepared
    ? async (db, events, options) => (await foldPrepared(db, prepared.get(events) as PreparedBatch, { groupId: options.groupId as string, positions: options.positions ?? [] })) ?? Promise.reject(new Error('a prepared batch was not plain'))
    : (opts.fold ?? foldEvents);
  const database = await benchDatabase(opts.adminUrl);
  const pg = openPostgres(database.url, { max: opts.concurrency });
  try {
    const batches: StatsEvent[][] = [];
    for (let i = 0; i < opts.events.length; i += opts.batchSize) batches.push(opts.events.slice(i, i + opts.batchSize));
    if (opts.prepared) for (const batch of batches) prepared.set(batch, prepareBatch(batch));
    const times: number[] = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: opts.concurrency }, async (_, partition) => {
        let offset = 0n;
        for (let b = next++; b < batches.length; b = next++) {
          const batch = batches[b] as StatsEvent[];
          const positions = batch.map(() => ({ topic: 'clicks', partition, offset: offset++ }));
          const t = performance.now();
          const result = await fold(pg.db, batch, { groupId: 'bench', positions });
          times.push(performance.now() - t);
          if (result.folded !== batch.length) throw new Error(`folded ${result.folded} of ${batch.length}`);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    times.sort((a, b) => a - b);
    return { perSecond: opts.events.length / seconds, batchMs: times[Math.floor(times.length / 2)] ?? 0 };
  } finally {
    await pg.close();
    await database.drop();
  }
}
