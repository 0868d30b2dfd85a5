import cluster from 'node:cluster';
import { getHeapStatistics } from 'node:v8';
import { serve } from '@hono/node-server';
import { EmbeddedInUseError } from '../db/embedded-lock.ts';
import { loadOrExit } from '../config/env.ts';
import { createLogger } from '../shared/logger.ts';
import { cacheModuleFormats } from '../shared/module-format-cache.ts';
import { loadWebConfig, retiredSettingWarnings } from '../config/web.ts';
import { heapShortfall } from './heap-budget.ts';

// Before the runtime's modules load (hence their dynamic imports below): it saves the
// web process about 150 MB of memory at idle (see module-format-cache.ts).
cacheModuleFormats();

const config = loadOrExit(() => loadWebConfig(process.env));
const shortfall = heapShortfall(config, getHeapStatistics().heap_size_limit);
if (shortfall) {
  console.error(shortfall);
  process.exit(1);
}
const logger = createLogger(config.LOG_LEVEL, 'web');
// Once per dyno: forked web processes read the same environment.
if (cluster.isPrimary) for (const warning of retiredSettingWarnings(process.env)) logger.warn(warning);
// Embedded parts live inside one process (PGlite's files, the in-memory queue): no forks.
const embedded = !config.DATABASE_URL || config.redisUrls.length === 0;
const processes = embedded ? 1 : config.WEB_CONCURRENCY;

if (processes > 1 && cluster.isPrimary) {
  // Each web process has its own link cache and click buffer; Postgres notifications keep
  // the caches in step, so no state is shared between them.
  for (let i = 0; i < processes; i++) cluster.fork();
  let stopping = false;
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    logger.error({ pid: worker.process.pid, code, signal }, 'web process died; starting another');
    cluster.fork();
  });
  // `on`, not `once`: Heroku may send SIGTERM more than once, and a second signal with no
  // handler would kill the process mid-shutdown.
  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    process.on(sig, () => {
      if (stopping) return;
      stopping = true;
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(sig);
    });
  }
} else {
  const [{ startWebRuntime }, { startBanner }, { serverWithFastPath }] = await Promise.all([
    import('./runtime.ts'),
    import('./banner.ts'),
    import('./routes/click-fast-path.ts'),
  ]);
  const runtime = await startWebRuntime(config, logger).catch((err: unknown) => {
    if (!(err instanceof EmbeddedInUseError)) throw err;
    console.error(`${err.message}. Stop it first, or set DATABASE_URL.`);
    process.exit(1);
  });
  const server = serve({ fetch: runtime.app.fetch, port: config.PORT, createServer: serverWithFastPath(runtime.clickFastPath) }, (info) => {
    // `npm run links` finds the API here and goes through it instead of opening the files.
    runtime.parts.database.advertise?.(`http://127.0.0.1:${info.port}`);
    logger.info({ port: info.port, embedded: runtime.parts.embedded }, 'web listening');
    // After the port is bound: Heroku gives a dyno 60 s to bind, and clicks are served meanwhile.
    void runtime.warmUp();
    if (embedded || runtime.parts.embedded.apiKeyFile) console.log(startBanner(info.port, runtime.parts, config.DATA_DIR));
  });
  let shuttingDown = false;
  const shutdown = async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ signal }, 'shutting down: no new connections, flushing buffered clicks');
    server.close();
    await runtime.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}
