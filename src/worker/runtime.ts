import type { Logger } from '../shared/logger.ts';
import { createRedis } from '../queue/redis-connection.ts';
import { createMemoryClickIndex, createRedisClickIndex, type ClickIndex } from './attribution/click-index.ts';
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
  /** Where delivered clicks are indexed for attribution; by default the first Redis, else memory. */
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
  // The index lives in one Redis (the first), whichever list a click came through, so an
  // event finds it from any list. Its own connection: lookups never queue behind a take.
  const indexRedis = options.clickIndex || settings.redisUrls.length === 0 ? undefined : createRedis(settings.redisUrls[0] as string);
  indexRedis?.on('error', () => {});
  const clickIndex = options.clickIndex ?? (indexRedis ? createRedisClickIndex(indexRedis, settings.REDIS_QUEUE_KEY) : createMemoryClickIndex());
  const enrichLine = createEnricher({ geo, parseAgent: createAgentParser() });
  const oldestWaitingTs = async () => {
    let oldest: number | undefined;
    for (const source of sources) {
      const ts = await source.parking?.oldestWaitingTs();
      if (ts !== undefined && (oldest === undefined || ts < oldest)) oldest = ts;
    }
    return oldest;
  };
  const attributionSettings = { graceSeconds: settings.WORKER_ATTRIBUTION_GRACE_S, maxWaitSeconds: settings.WORKER_ATTRIBUTION_MAX_WAIT_S };

  const loops: DrainLoop[] = sources.map((source) => {
    const prepare = createEventPreparer({
      render,
      topicPrefix: settings.KAFKA_PREFIX,
      enrichLine,
      index: clickIndex,
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
      await clickIndex.close();
      indexRedis?.disconnect();
      await sink.close().catch((err: unknown) => logger.warn({ err }, 'closing the sink failed'));
      await Promise.all(sources.map((source) => source.close()));
    },
  };
}
