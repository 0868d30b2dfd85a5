import type { Logger } from '../shared/logger.ts';
import { createMemoryClickIndex, findInAll, type ClickIndex } from './attribution/click-index.ts';
import { createEventPreparer } from './events/prepare-events.ts';
import { createEnricher } from './enrich/enrich.ts';
import { createAgentParser } from './enrich/user-agent.ts';
import type { DrainSettings } from '../config/worker.ts';
import { createDrainLoop, type DrainLoop } from './drain/drain-loop.ts';
import { openGeoIp } from './enrich/geoip.ts';
import { createWorkerMetrics, type WorkerMetrics } from './metrics.ts';
import { createRenderer } from './render.ts';
import type { EventSink } from './sink/event-sink.ts';
import { redisSources, type WorkSource } from '../queue/redis-work-source.ts';
import { sinkFor } from './sink/sink-for.ts';

export interface WorkerRuntime {
  metrics: WorkerMetrics;
  /** Drains every source until stop(); resolves when all loops have stopped. */
  run(): Promise<void>;
  stop(deadlineMs?: number): Promise<void>;
}

export interface WorkerRuntimeOptions {
  /** Lists to drain; by default every configured Redis. */
  sources?: WorkSource[];
  /** Where events go; by default Kafka, or the NDJSON file without KAFKA_URL. */
  sink?: EventSink;
  /** Off only in the benchmark, to measure what enrichment costs. */
  enrich?: boolean;
  /** Where delivered clicks are indexed for attribution; by default each list's own Redis, else memory. */
  clickIndex?: ClickIndex;
}

/** How often parked events whose retry time has come go back onto their click list. */
const RELEASE_INTERVAL_MS = 500;

export async function startWorkerRuntime(settings: DrainSettings, logger: Logger, options: WorkerRuntimeOptions = {}): Promise<WorkerRuntime> {
  const geo = await openGeoIp(settings.GEOIP_DB);
  const render = createRenderer(geo, settings.KAFKA_MESSAGE_FORMAT, options.enrich ?? true);
  const sink = options.sink ?? sinkFor(settings);
  const sources = options.sources ?? redisSources(settings);
  const metrics = createWorkerMetrics();
  // Each Redis indexes the clicks that came through it (on the list's own connection), so
  // one Redis down stops only its own list; events look in every index. Lists without a
  // Redis (the embedded queue) share one index in memory.
  let memoryIndex: ClickIndex | undefined;
  const indexes = sources.map((source) => options.clickIndex ?? source.clickIndex ?? (memoryIndex ??= createMemoryClickIndex()));
  const lookup = findInAll([...new Set(indexes)]);
  const enrichLine = createEnricher({ geo, parseAgent: createAgentParser() });
  const oldestWaitingTs = async () => {
    let oldest: number | undefined;
    for (const source of sources) {
      // A list that does not answer may hold anything: its events' clicks count as waiting.
      const ts = await source.parking?.oldestWaitingTs().catch(() => 0);
      if (ts !== undefined && (oldest === undefined || ts < oldest)) oldest = ts;
    }
    return oldest;
  };
  const attributionSettings = { graceSeconds: settings.WORKER_ATTRIBUTION_GRACE_S, maxWaitSeconds: settings.WORKER_ATTRIBUTION_MAX_WAIT_S };

  const loops: DrainLoop[] = sources.map((source, i) => {
    const prepare = createEventPreparer({
      render,
      topicPrefix: settings.KAFKA_PREFIX,
      enrichLine,
      index: indexes[i] as ClickIndex,
      lookup,
      settings: attributionSettings,
      parking: source.parking,
      oldestWaitingTs,
    });
    return createDrainLoop(source.list, source.waitList, sink, prepare, logger.child({ store: source.name }), metrics.observer, {
      batchSize: settings.WORKER_BATCH_SIZE,
      heartbeatTtlMs: settings.WORKER_HEARTBEAT_TTL_MS,
    });
  });
  let releasing = false;
  const release = setInterval(() => {
    if (releasing) return;
    releasing = true;
    Promise.all(sources.map((s) => s.parking?.release(Date.now())))
      .catch(() => {}) // Redis down: the lines stay parked and go back when it answers
      .finally(() => (releasing = false));
  }, RELEASE_INTERVAL_MS);
  release.unref();
  const sample = setInterval(() => {
    for (const source of sources) source.list.length().then((n) => metrics.setQueueLength(source.name, n), () => {});
  }, 5_000);
  sample.unref();
  const report =
    settings.METRICS_LOG_INTERVAL_MS > 0
      ? setInterval(() => void metrics.summary().then((s) => logger.info(s, 'worker totals')), settings.METRICS_LOG_INTERVAL_MS)
      : undefined;
  report?.unref();
  let running: Promise<void> | undefined;

  return {
    metrics,
    run() {
      logger.info({ workerId: settings.workerId, stores: sources.map((s) => s.name), sink: sink.name }, 'worker draining');
      running ??= Promise.all(loops.map((loop) => loop.run())).then(() => {});
      return running;
    },
    async stop(deadlineMs = 8_000) {
      clearInterval(sample);
      clearInterval(report);
      clearInterval(release);
      await Promise.all(loops.map((loop) => loop.stop(deadlineMs)));
      await Promise.all([...new Set(indexes)].map((index) => index.close()));
      await sink.close().catch((err: unknown) => logger.warn({ err }, 'closing the sink failed'));
      await Promise.all(sources.map((source) => source.close()));
    },
  };
}
