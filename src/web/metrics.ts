import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { createRegistry } from '../shared/metrics-registry.ts';
import type { LookupOutcome } from '../links/link-cache.ts';
import type { ClickQueueObserver } from '../queue/click-queue.ts';

/**
 * A labelled counter counted in plain numbers and handed to prom-client on scrape, for
 * counts taken on every click: Counter.inc with a label object hashes the labels each time,
 * which costs more than the work it counts.
 */
function deferredCounter(name: string, help: string, labelNames: readonly string[], registers: Registry[]): (...values: string[]) => void {
  const pending = new Map<string, number>();
  new Counter({
    name,
    help,
    labelNames,
    registers,
    collect() {
      for (const [key, n] of pending) {
        if (n === 0) continue;
        const values = key.split('\0');
        this.inc(Object.fromEntries(labelNames.map((label, i) => [label, values[i] ?? ''])), n);
        pending.set(key, 0);
      }
    },
  });
  return (...values) => {
    const key = values.join('\0');
    pending.set(key, (pending.get(key) ?? 0) + 1);
  };
}

/** One registry per app instance, so tests and cluster workers never share counters. */
export function createWebMetrics(options: { defaultMetrics?: boolean } = {}) {
  const { registry, registers } = createRegistry(options);

  // Every click (see deferredCounter).
  const clicks = deferredCounter('clicks_total', 'Clicks answered, by platform chosen and outcome', ['platform', 'outcome'], registers);
  const redirectSeconds = new Histogram({ name: 'click_redirect_duration_seconds', help: 'Time from request to redirect on the click route', buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1], registers });
  // Every click looks a link up (see deferredCounter).
  const linkLookups = deferredCounter('link_cache_lookups_total', 'Link lookups by outcome: hit (in memory), miss (went to Postgres)', ['outcome'], registers);
  // Misses of one event-loop turn share a query: queries against misses says how well.
  const linkQueries = new Counter({ name: 'link_lookup_queries_total', help: 'Queries sent to Postgres for cache misses (each covers every slug missed in one event-loop turn)', registers });
  const linkQuerySlugs = new Counter({ name: 'link_lookup_query_slugs_total', help: 'Slugs asked for in those queries', registers });
  const pushFailures = new Counter({ name: 'click_queue_push_failures_total', help: 'Pushes to a click store that failed or stalled', labelNames: ['store'] as const, registers });
  const bufferedLines = new Counter({ name: 'click_queue_buffered_total', help: 'Lines that went to the in-memory buffer because no store took them in time', registers });
  const droppedLines = new Counter({ name: 'click_queue_dropped_total', help: 'Lines dropped because the in-memory buffer was full and the spool refused them', registers });
  const spilledLines = new Counter({ name: 'click_queue_spilled_total', help: 'Lines written to the Postgres spool because no store took them in time', registers });
  const restoredLines = new Counter({ name: 'click_queue_restored_total', help: 'Lines brought back from the spool to a store', registers });
  // A network whose macro is broken sends a bad id with every click (see deferredCounter).
  const invalidAdIds = deferredCounter(
    'click_invalid_ad_ids_total',
    'Advertising ids a visitor sent that were not used (malformed, or the all-zero opt-out id); the click still redirects',
    ['field', 'reason'],
    registers,
  );
  const impressions = new Counter({ name: 'impressions_total', help: 'Impression pixels answered, by outcome', labelNames: ['outcome'] as const, registers });
  const events = new Counter({ name: 'events_ingested_total', help: 'Events sent to /v1/track and /v1/batch: accepted (queued), duplicate (message id already taken), rejected (invalid), dropped (not queued: answered 503)', labelNames: ['outcome'] as const, registers });
  const bufferSize = new Gauge({ name: 'click_queue_buffer_lines', help: 'Lines waiting in the in-memory buffer', registers });

  const queueObserver: ClickQueueObserver = {
    pushFailed: (store) => pushFailures.inc({ store }),
    buffered: (n) => bufferedLines.inc(n),
    dropped: (n) => droppedLines.inc(n),
    bufferSize: (n) => bufferSize.set(n),
    spilled: (n) => spilledLines.inc(n),
    restored: (n) => restoredLines.inc(n),
  };

  return {
    registry,
    queueObserver,
    /** Gauges of the link cache, read on scrape. */
    observeLinkCache(read: () => { links: number; bytes: number; warm: boolean; warmSeconds: number }) {
      new Gauge({ name: 'link_cache_entries', help: 'Links and remembered unknown slugs in the link cache', registers, collect() { this.set(read().links); } });
      new Gauge({ name: 'link_cache_bytes', help: 'Estimated memory of the link cache', registers, collect() { this.set(read().bytes); } });
      new Gauge({ name: 'link_cache_warm', help: '1 once the warm-up after start (or after a listener reconnect) has finished', registers, collect() { this.set(read().warm ? 1 : 0); } });
      new Gauge({ name: 'link_cache_warm_seconds', help: 'How long the last finished warm-up took', registers, collect() { this.set(read().warmSeconds); } });
    },
    onLinkLookup: (outcome: LookupOutcome) => linkLookups(outcome),
    onLinkQuery: (slugs: number) => {
      linkQueries.inc();
      linkQuerySlugs.inc(slugs);
    },
    invalidAdId: (field: string, reason: string) => invalidAdIds(field, reason),
    impressionAnswered: (outcome: string) => impressions.inc({ outcome }),
    eventsIngested: (outcome: string, count: number) => {
      if (count > 0) events.inc({ outcome }, count);
    },
    clickAnswered: (platform: string, outcome: string, seconds: number) => {
      clicks(platform, outcome);
      redirectSeconds.observe(seconds);
    },
  };
}

export type WebMetrics = ReturnType<typeof createWebMetrics>;
