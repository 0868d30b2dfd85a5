import { hostname } from 'node:os';
import { z } from 'zod';
import { intWithDefault, logLevel, optionalString, parseEnv, redisUrlsFrom } from './env.ts';

/** What any process that drains clicks reads (the worker, and `npm start` when embedded). */
export const drainEnvShape = {
  NODE_ENV: optionalString,
  DATA_DIR: z.preprocess((v) => v || undefined, z.string().default('.data')),
  REDIS_URL: optionalString,
  REDIS_QUEUE_KEY: z.preprocess((v) => v || undefined, z.string().default('click_queue')),
  REDIS_INVALID_KEY: z.preprocess((v) => v || undefined, z.string().default('click_invalid')),
  KAFKA_URL: optionalString,
  KAFKA_TRUSTED_CERT: optionalString,
  KAFKA_CLIENT_CERT: optionalString,
  KAFKA_CLIENT_CERT_KEY: optionalString,
  KAFKA_PREFIX: z.preprocess((v) => v ?? '', z.string()),
  KAFKA_MESSAGE_FORMAT: z.preprocess((v) => v || undefined, z.enum(['json', 'adtekio']).default('json')),
  KAFKA_COMPRESSION: z.preprocess((v) => v || undefined, z.enum(['none', 'gzip', 'snappy', 'lz4', 'zstd']).default('lz4')),
  GEOIP_DB: optionalString,
  WORKER_BATCH_SIZE: intWithDefault(500, 1),
  WORKER_ID: optionalString,
  DYNO: optionalString,
  WORKER_HEARTBEAT_TTL_MS: intWithDefault(15_000, 100),
  // An app's event with no click found yet waits at least this long for its click (which
  // may be in another worker's batch or another Redis), and while older lines are still
  // queued at most WORKER_ATTRIBUTION_MAX_WAIT_S; then it goes out as organic.
  WORKER_ATTRIBUTION_GRACE_S: intWithDefault(30, 0),
  WORKER_ATTRIBUTION_MAX_WAIT_S: intWithDefault(3_600, 0),
  METRICS_LOG_INTERVAL_MS: intWithDefault(60_000, 0),
  // Both processes serve /metrics (web on its port, the worker on WORKER_METRICS_PORT).
  METRICS_TOKEN: optionalString,
  LOG_LEVEL: logLevel,
};

const schema = z
  .looseObject({
    ...drainEnvShape,
    WORKER_METRICS_PORT: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(1).optional()),
  })
  .superRefine((env, ctx) => {
    const production = env.NODE_ENV === 'production';
    if (redisUrlsFrom(env).length === 0) {
      const message = production
        ? 'required when NODE_ENV=production'
        : 'required: without it the click queue lives inside `npm start`, which drains it itself';
      ctx.addIssue({ code: 'custom', path: ['REDIS_URL'], message });
    }
    if (production && !env.KAFKA_URL) ctx.addIssue({ code: 'custom', path: ['KAFKA_URL'], message: 'required when NODE_ENV=production' });
  });

/** The settings a drain needs, whichever process runs it. */
export type DrainSettings = z.infer<z.ZodObject<typeof drainEnvShape>> & { redisUrls: string[]; workerId: string };
export type WorkerConfig = z.infer<typeof schema> & DrainSettings;

/** Heroku names dynos stably (worker.1): a restarted dyno takes its own slots back at once. */
export function workerIdFrom(env: { WORKER_ID?: string | undefined; DYNO?: string | undefined }): string {
  return env.WORKER_ID ?? env.DYNO ?? `${hostname()}-${process.pid}`;
}

export function loadWorkerConfig(env: NodeJS.ProcessEnv): WorkerConfig {
  const config = parseEnv(schema, env);
  return { ...config, redisUrls: redisUrlsFrom(env), workerId: workerIdFrom(config) };
}
