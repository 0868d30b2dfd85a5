import { loadOrExit } from '../config/env.ts';
import { createLogger } from '../shared/logger.ts';
import { loadWorkerConfig } from '../config/worker.ts';
import { serveMetrics } from './metrics.ts';
import { startWorkerRuntime } from './runtime.ts';

const config = loadOrExit(() => loadWorkerConfig(process.env));
const logger = createLogger(config.LOG_LEVEL, 'worker');
const worker = await startWorkerRuntime(config, logger);
const metricsServer = config.WORKER_METRICS_PORT ? serveMetrics(worker.metrics, config.WORKER_METRICS_PORT, logger, config.METRICS_TOKEN) : undefined;

let stopping = false;
const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'stopping: no new batches; finishing or returning the current one');
  // Heroku sends SIGKILL 30 s after SIGTERM; 8 s leaves room for the rest of the stop.
  await worker.stop(8_000);
  metricsServer?.close();
  logger.info('worker stopped');
  process.exit(0);
};
// `on`, not `once`: Heroku may send SIGTERM more than once; repeats are ignored above.
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

await worker.run();
