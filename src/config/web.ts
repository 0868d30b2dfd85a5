import { z } from 'zod';
import { intWithDefault, optionalString, optionalUrl, parseEnv, redisUrlsFrom } from './env.ts';
import { drainEnvShape, workerIdFrom, type DrainSettings } from './worker.ts';

/**
 * The default budget: measured (`npm run bench -- cache`), a link that shares its profile
 * (campaign fields, targets, windows, rules) with other links costs about 44 bytes, one that
 * shares nothing about 1,000; so 64 MB hold about 1.4 million per-publisher links: a fraction
 * of a 512 MB dyno, which Node, the clients and V8's working space share.
 */
export const DEFAULT_LINK_CACHE_MAX_MB = 64;

const schema = z
  .looseObject({
    // The web process drains clicks itself in the embedded default, so it reads the
    // drain settings too (Kafka, GeoIP, batch size).
    ...drainEnvShape,
    PORT: intWithDefault(3000, 1),
    DATABASE_URL: optionalUrl,
    REDIS_URL: optionalUrl,
    API_KEY: optionalString,
    // The address people reach the service at, for the tracking URLs the admin UI shows.
    PUBLIC_URL: optionalUrl,
    NOT_FOUND_URL: optionalUrl,
    ERROR_PAGE_URL: optionalUrl,
    TRUST_PROXY: intWithDefault(0),
    WEB_CONCURRENCY: intWithDefault(1, 1),
    // Cached links never expire: every this many ms the web process asks Postgres which
    // links changed since the last time (the backstop of the change notifications).
    LINK_CACHE_SYNC_MS: intWithDefault(5_000, 100),
    // After start, fill the link cache from Postgres (most recently changed links first) until
    // its budget is spent; 0: links are cached as they are clicked.
    LINK_CACHE_WARM: z.preprocess((v) => (v === '' || v === undefined ? undefined : v), z.enum(['0', '1']).default('1')),
    LINK_CACHE_NEGATIVE_TTL_MS: intWithDefault(5_000, 1),
    // The link cache is bounded by a memory budget, and by a count too when one is given.
    LINK_CACHE_MAX_MB: intWithDefault(DEFAULT_LINK_CACHE_MAX_MB, 1),
    LINK_CACHE_MAX_ENTRIES: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(1).optional()),
    LINK_LOOKUP_TIMEOUT_MS: intWithDefault(1_000, 1),
    CLICK_PUSH_TIMEOUT_MS: intWithDefault(50, 1),
    CLICK_BUFFER_MAX_LINES: intWithDefault(100_000, 1),
    // Buffered clicks that no Redis has taken for this long go to the Postgres spool.
    CLICK_SPILL_AFTER_MS: intWithDefault(1_000, 0),
    SHUTDOWN_TIMEOUT_MS: intWithDefault(25_000, 1),
    // `truncate` queues every visitor's address cut to its network (/24, /48), as a click
    // with Sec-GPC: 1 or DNT: 1 always is.
    IP_PRIVACY: z.preprocess((v) => v || undefined, z.enum(['off', 'truncate']).default('off')),
    // App Store provider token (`pt`) for links that set none of their own.
    APP_STORE_PROVIDER_TOKEN: optionalString,
    // Event ingestion (/v1/track, /v1/batch): a message id seen within this window is not queued again.
    INGEST_DEDUPE_WINDOW_S: intWithDefault(86_400, 1),
    // Events per second one write key may send to one web process (0: no limit).
    INGEST_KEY_EVENTS_PER_S: intWithDefault(10_000, 0),
  })
  .superRefine((env, ctx) => {
    // Production never falls back to an embedded part: a missing setting stops the process.
    if (env.NODE_ENV !== 'production') return;
    const why = 'required when NODE_ENV=production';
    if (!env.DATABASE_URL) ctx.addIssue({ code: 'custom', path: ['DATABASE_URL'], message: why });
    if (redisUrlsFrom(env).length === 0) ctx.addIssue({ code: 'custom', path: ['REDIS_URL'], message: why });
    if (!env.API_KEY) ctx.addIssue({ code: 'custom', path: ['API_KEY'], message: why });
  });

export type WebConfig = z.infer<typeof schema> & DrainSettings;

export function loadWebConfig(env: NodeJS.ProcessEnv): WebConfig {
  const config = parseEnv(schema, env);
  return { ...config, redisUrls: redisUrlsFrom(env), workerId: workerIdFrom(config) };
}

// Settings earlier versions read and this one does not: set, each earns a warning at start
// rather than silently doing nothing.
const RETIRED: Record<string, string> = {
  LINK_CACHE_TTL_MS:
    'LINK_CACHE_TTL_MS is no longer read: cached links do not expire; a change reaches them through notifications within milliseconds, and the check every LINK_CACHE_SYNC_MS catches a lost one',
};

/** A warning for each retired setting that is still set. */
export function retiredSettingWarnings(env: NodeJS.ProcessEnv): string[] {
  return Object.keys(RETIRED)
    .filter((name) => env[name] !== undefined && env[name] !== '')
    .map((name) => RETIRED[name] as string);
}
