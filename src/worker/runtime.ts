import type { Logger } from '../shared/logger.ts';
import { prepareBatch } from './batch.ts';
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
}

export async function startWorkerRuntime(settings: DrainSettings, logger: Logger, options: WorkerRuntimeOptions = {}): Promise<WorkerRuntime> {
  const geo = await openGeoIp(settings.GEOIP_DB);
  const render = createRenderer(geo, settings.KAFKA_MESSAGE_FORMAT, options.enrich ?? true);
  const sink = options.sink ?? sinkFor(settings);
  const sources = options.sources ?? redisSources(settings);
  const metrics = createWorkerMetrics();
  const prepare = (raw: string[], nowMs: number) => prepareBatch(raw, { render, topicPrefix: settings.KAFKA_PREFIX }, nowMs);

  const loops: DrainLoop[] = sources.map((source) =>
    createDrainLoop(source.list, source.waitList, sink, prepare, logger.child({ store: source.name }), metrics.observer, {
      batchSize: settings.WORKER_BATCH_SIZE,
      heartbeatTtlMs: settings.WORKER_HEARTBEAT_TTL_MS,
    }),
  );
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
      await Promise.all(loops.map((loop) => loop.stop(deadlineMs)));
      await sink.close().catch((err: unknown) => logger.warn({ err }, 'closing the sink failed'));
      await Promise.all(sources.map((source) => source.close()));
    },
  };
}
