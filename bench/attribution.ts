import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { loadWorkerConfig } from '../src/config/worker.ts';
import { encodeLine } from '../src/shared/click-line.ts';
import { createLogger } from '../src/shared/logger.ts';
import { TRACK_TOPIC, TRACK_TYPE } from '../src/shared/track-event.ts';
import { md5Hex } from '../src/web/click/attribution.ts';
import type { ClickIndex } from '../src/worker/attribution/click-index.ts';
import { startWorkerRuntime } from '../src/worker/runtime.ts';
import { benchKafka } from './services.ts';
import { USER_AGENTS } from './user-agents.ts';

export interface AttributionBench {
  lines: number;
  /** Lines per second, best round: click lines with no click index (the worker before attribution), */
  plainClicks: number;
  /** click lines indexed for attribution, and event lines attributed against them. */
  clicks: number;
  events: number;
  /** Median over rounds of events / clicks, each pair run back to back. */
  ratio: number;
  /** How the events were matched in the last round. */
  outcomes: Record<string, number>;
}

const ip = (i: number) => `${((i * 7919) % 223) + 1}.${(i * 104729) % 256}.${(i * 31) % 256}.${i % 256}`;

/** Clicks as the web writes them, and for each an event: by click id, advertising id, fingerprint, or none (organic). */
function makeLines(n: number): { clicks: string[]; events: string[] } {
  const now = Math.floor(Date.now() / 1000);
  const clicks: string[] = [];
  const events: string[] = [];
  for (let i = 0; i < n; i++) {
    const clickId = randomUUID();
    const adid = i % 4 === 1 ? randomUUID().toUpperCase() : undefined;
    const params: Record<string, string> = { click_id: clickId, link_id: String(1 + (i % 50)), slug: 'bench', campaign: 'bench', network: 'meta', platform: 'android' };
    if (adid) Object.assign(params, { adid, idfa_comb: adid, lookup_key: md5Hex(adid.toLowerCase()) });
    else params.lookup_key = md5Hex(`${ip(i)}.android`);
    Object.assign(params, { attr_window_from: String(now - 60), attr_window_till: String(now + 3600) });
    clicks.push(encodeLine({ ip: ip(i), ts: now - 60, topic: 'clicks', type: '/t/click', params, userAgent: USER_AGENTS[i % USER_AGENTS.length]! }));
    const event: Record<string, string> = { message_id: randomUUID(), event: i % 5 === 0 ? 'purchase' : 'install', timestamp: String(now * 1000), platform: 'android' };
    if (i % 4 === 0) event.click_id = clickId;
    if (adid) event.adid = adid;
    // Every 4th from 3 on: no ids and privacy, so organic at once (nothing to wait for).
    if (i % 4 === 3) event.privacy = '1';
    if (i % 5 === 0) Object.assign(event, { revenue: '4.99', currency: 'USD' });
    events.push(encodeLine({ ip: ip(i), ts: now, topic: TRACK_TOPIC, type: TRACK_TYPE, params: event, userAgent: 'okhttp/4.12.0' }));
  }
  return { clicks, events };
}

/** An index that keeps nothing: what draining clicks costs without attribution. */
const NO_INDEX: ClickIndex = { name: 'none', add: async () => {}, find: async () => ({ byId: new Map(), byKey: new Map() }), decide: async (d) => d.map(([, v]) => v), close: async () => {} };

/** The worker's drain rate for events with attribution, beside clicks, in the same run. */
export async function benchAttribution(opts: { redisUrl: string; kafkaUrl?: string; lines: number; rounds: number }): Promise<AttributionBench> {
  const kafka = await benchKafka(opts.kafkaUrl, 'bench-attribution');
  const kafkaUrl = kafka.url;
  const stopKafka = kafka.stop;
  const redis = new Redis(opts.redisUrl);
  const logger = createLogger('warn', 'bench');
  const prefix = `bench_attr_${process.pid}_`;
  /** Drains `lines` from a fresh list with one worker; lines per second, and the worker's totals. */
  const drain = async (queueKey: string, lines: string[], index?: ClickIndex) => {
    for (let i = 0; i < lines.length; i += 5000) await redis.lpush(queueKey, ...lines.slice(i, i + 5000));
    const config = loadWorkerConfig({ REDIS_URL: opts.redisUrl, REDIS_QUEUE_KEY: queueKey, KAFKA_URL: kafkaUrl, KAFKA_PREFIX: prefix, METRICS_LOG_INTERVAL_MS: '0' });
    const worker = await startWorkerRuntime(config, logger, index ? { clickIndex: index } : {});
    const started = performance.now();
    void worker.run();
    while ((await worker.metrics.summary()).delivered < lines.length) await new Promise((r) => setTimeout(r, 10));
    const seconds = (performance.now() - started) / 1000;
    const registry = await worker.metrics.registry.getMetricsAsJSON();
    await worker.stop();
    const outcomes: Record<string, number> = {};
    for (const v of (registry.find((m) => m.name === 'worker_events_delivered_total')?.values ?? []) as { labels: { match?: string }; value: number }[]) {
      outcomes[String(v.labels.match)] = v.value;
    }
    return { perSecond: lines.length / seconds, outcomes };
  };
  const round = async () => {
    const { clicks, events } = makeLines(opts.lines);
    const queueKey = `clicktrack_bench:${randomUUID()}`;
    try {
      // The same list (and so the same click index) for both: the clicks, then their events.
      const plain = await drain(`${queueKey}:plain`, clicks, NO_INDEX);
      const c = await drain(queueKey, clicks);
      const e = await drain(queueKey, events);
      return { plainClicks: plain.perSecond, clicks: c.perSecond, events: e.perSecond, outcomes: e.outcomes };
    } finally {
      const keys = await redis.keys(`${queueKey}*`);
      for (let i = 0; i < keys.length; i += 1000) await redis.del(...keys.slice(i, i + 1000));
    }
  };
  try {
    await round(); // warm-up: topics, JIT, UA cache
    const runs = [];
    for (let r = 0; r < opts.rounds; r++) runs.push(await round());
    const ratios = runs.map((r) => r.events / r.clicks).sort((a, b) => a - b);
    return {
      lines: opts.lines,
      plainClicks: Math.max(...runs.map((r) => r.plainClicks)),
      clicks: Math.max(...runs.map((r) => r.clicks)),
      events: Math.max(...runs.map((r) => r.events)),
      ratio: ratios[Math.floor(ratios.length / 2)]!,
      outcomes: runs.at(-1)!.outcomes,
    };
  } finally {
    redis.disconnect();
    await stopKafka();
  }
}
