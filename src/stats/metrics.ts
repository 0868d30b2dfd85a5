import { Counter, Gauge, Histogram } from 'prom-client';
import { BATCH_SECONDS_BUCKETS, createRegistry } from '../shared/metrics-registry.ts';
import type { FoldResult } from './fold.ts';

/** The stats consumer's metrics; the embedded pipeline uses the same counters. */
export function createStatsMetrics(options: { defaultMetrics?: boolean } = {}) {
  const { registry, registers } = createRegistry(options);
  const folded = new Counter({ name: 'stats_events_folded_total', help: 'Events counted into the rollups', registers });
  const duplicates = new Counter({ name: 'stats_duplicates_skipped_total', help: 'Redelivered events skipped: their id was already counted, or their offset already stored', registers });
  const skipped = new Counter({ name: 'stats_events_skipped_total', help: 'Messages that are no countable event', labelNames: ['reason'] as const, registers });
  const conversions = new Counter({ name: 'stats_conversions_folded_total', help: 'App events (conversions) counted into the rollups', registers });
  const foldErrors = new Counter({ name: 'stats_fold_errors_total', help: 'Failed fold transactions (each is retried)', registers });
  const foldSeconds = new Histogram({ name: 'stats_fold_seconds', help: 'Time for one batch transaction', buckets: BATCH_SECONDS_BUCKETS, registers });
  const lag = new Gauge({ name: 'stats_consumer_lag', help: 'Messages not yet folded, per partition', labelNames: ['topic', 'partition'] as const, registers });

  let total = 0;
  let totalDuplicates = 0;
  let totalFoldSeconds = 0;
  let totalConversions = 0;
  return {
    registry,
    foldDone(result: FoldResult, seconds: number) {
      folded.inc(result.folded);
      conversions.inc(result.conversions ?? 0);
      totalConversions += result.conversions ?? 0;
      duplicates.inc(result.duplicates + result.stale);
      total += result.folded;
      totalDuplicates += result.duplicates + result.stale;
      foldSeconds.observe(seconds);
      totalFoldSeconds += seconds;
    },
    skipped: (reason: string, count = 1) => skipped.inc({ reason }, count),
    foldFailed: () => foldErrors.inc(),
    setLag(topic: string, partition: number, messages: number) {
      lag.set({ topic, partition: String(partition) }, messages);
    },
    clearLag: () => lag.reset(),
    totals: () => ({ folded: total, duplicates: totalDuplicates, foldSeconds: totalFoldSeconds, conversions: totalConversions }),
  };
}

export type StatsMetrics = ReturnType<typeof createStatsMetrics>;
