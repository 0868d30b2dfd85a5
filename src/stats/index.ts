// `npm run stats` (Procfile `stats`): the statistics consumer, Kafka to Postgres rollups.
import { createServer } from 'node:http';
import { openPostgres } from '../db/database.ts';
import { loadOrExit } from '../config/env.ts';
import { kafkaConnection } from '../shared/kafka-options.ts';
import { createLogger } from '../shared/logger.ts';
import { loadStatsConfig, statsTopics } from '../config/stats.ts';
import { createStatsConsumer } from './consumer.ts';
import { createStatsMetrics } from './metrics.ts';
import { pruneDedupeRows } from './prune.ts';

const config = loadOrExit(() => loadStatsConfig(process.env));
const logger = createLogger(config.LOG_LEVEL, 'stats');
// One connection per partition folded side by side (consumer.ts), and one for pruning.
const database = openPostgres(config.DATABASE_URL, { max: 5, connectTimeoutSeconds: 5 });
const metrics = createStatsMetrics();
const { topics, groupId } = statsTopics(config.KAFKA_PREFIX);
const consumer = createStatsConsumer({
  db: database.db,
  kafka: kafkaConnection({
    url: config.KAFKA_URL,
    trustedCert: config.KAFKA_TRUSTED_CERT,
    clientCert: config.KAFKA_CLIENT_CERT,
    clientCertKey: config.KAFKA_CLIENT_CERT_KEY,
  }),
  topics,
  groupId,
  hashKey: config.STATS_HASH_KEY,
  metrics,
  logger,
  batchSize: config.STATS_BATCH_SIZE,
});

// Dedupe rows older than STATS_DEDUPE_DAYS go in small batches, once an hour.
const dedupeDays = config.STATS_DEDUPE_DAYS;
const prune = () =>
  pruneDedupeRows(database.db, dedupeDays).then(
    (n) => n > 0 && logger.info({ deleted: n }, 'pruned dedupe rows'),
    (err: unknown) => logger.warn({ err }, 'pruning dedupe rows failed'),
  );
setInterval(() => void prune(), 3_600_000).unref();
setTimeout(() => void prune(), 30_000).unref();

const interval = config.METRICS_LOG_INTERVAL_MS;
let last = metrics.totals();
if (interval > 0) {
  setInterval(() => {
    const now = metrics.totals();
    logger.info({ ...now, foldedPerSecond: Math.round(((now.folded - last.folded) * 1000) / interval) }, 'stats totals');
    last = now;
  }, interval).unref();
}

const metricsServer = config.STATS_METRICS_PORT
  ? createServer((req, res) => {
      if (req.url !== '/metrics') return void res.writeHead(404).end();
      metrics.registry.metrics().then(
        (body) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(body),
        () => res.writeHead(500).end(),
      );
    }).listen(config.STATS_METRICS_PORT)
  : undefined;

let stopping = false;
const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'stopping: the current batch is folded or left for the next start');
  await consumer.stop();
  metricsServer?.close();
  await database.close();
  logger.info('stats consumer stopped');
  process.exit(0);
};
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

await consumer.run();
