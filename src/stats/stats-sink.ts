import type { Database } from '../db/client.ts';
import type { EventSink } from '../worker/sink/event-sink.ts';
import { foldEvents } from './fold.ts';
import { pruneDedupeRows } from './prune.ts';
import type { VisitorHasher } from './stats-event.ts';
import { sortStatsMessages } from './stats-message.ts';

export interface StatsSinkOptions {
  db: Database;
  hashVisitor: VisitorHasher;
  dedupeDays?: number;
}

/**
 * The embedded default's statistics: the in-process worker's sink writes its batch on (the
 * NDJSON file) and then folds the same messages with the code the stats consumer runs. A
 * fold that fails fails the send, so the worker retries the batch; the dedupe rows make
 * that retry count nothing twice.
 */
export function withStats(inner: EventSink, options: StatsSinkOptions): EventSink {
  const prune = setInterval(() => void pruneDedupeRows(options.db, options.dedupeDays ?? 30).catch(() => {}), 3_600_000);
  prune.unref();
  return {
    name: `${inner.name} + stats`,
    async send(messages) {
      await inner.send(messages);
      const { events, conversions } = sortStatsMessages(
        messages.map((m) => m.stats ?? m.value),
        options.hashVisitor,
      );
      if (events.length > 0 || conversions.length > 0) await foldEvents(options.db, events, { conversions });
    },
    async close() {
      clearInterval(prune);
      await inner.close();
    },
  };
}
