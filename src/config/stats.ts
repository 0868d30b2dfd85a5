import { z } from 'zod';
import { intWithDefault, logLevel, optionalString, optionalUrl, parseEnv } from './env.ts';

/** Settings the statistics read wherever they run (the stats process, or `npm start` embedded). */
export const statsEnvShape = {
  // Dedupe rows (one per counted click) are kept this long: a redelivery later than this
  // is caught by the stored offsets instead.
  STATS_DEDUPE_DAYS: intWithDefault(30, 1),
  // Key of the visitor hash. Set it to a secret: without a secret the hash of a
  // fingerprint lookup key (an md5 of address and platform) could be guessed back.
  STATS_HASH_KEY: z.preprocess((v) => v || undefined, z.string().default('clicktrack-stats')),
};

const schema = z
  .looseObject({
  ...statsEnvShape,
  NODE_ENV: optionalString,
  DATABASE_URL: optionalUrl,
  KAFKA_URL: optionalString,
  KAFKA_TRUSTED_CERT: optionalString,
  KAFKA_CLIENT_CERT: optionalString,
  KAFKA_CLIENT_CERT_KEY: optionalString,
  KAFKA_PREFIX: z.preprocess((v) => v ?? '', z.string()),
  STATS_BATCH_SIZE: intWithDefault(10_000, 1),
  STATS_METRICS_PORT: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(1).optional()),
  METRICS_LOG_INTERVAL_MS: intWithDefault(60_000, 0),
  LOG_LEVEL: logLevel,
})
  .superRefine((env, ctx) => {
    // No embedded stand-ins here: without Kafka the embedded default folds in `npm start`.
    const why = (what: string) => (env.NODE_ENV === 'production' ? 'required when NODE_ENV=production' : `required: ${what}`);
    if (!env.DATABASE_URL) ctx.addIssue({ code: 'custom', path: ['DATABASE_URL'], message: why('the stats consumer writes its counts to Postgres') });
    if (!env.KAFKA_URL) ctx.addIssue({ code: 'custom', path: ['KAFKA_URL'], message: why('the stats consumer reads the clicks topic (without Kafka, `npm start` counts by itself)') });
  });

export type StatsConfig = z.infer<typeof schema> & { DATABASE_URL: string; KAFKA_URL: string };

export function loadStatsConfig(env: NodeJS.ProcessEnv): StatsConfig {
  return parseEnv(schema, env) as StatsConfig;
}

/** The topics the consumer folds and its group, all under `KAFKA_PREFIX`. */
export function statsTopics(prefix: string): { topics: string[]; groupId: string } {
  return { topics: [`${prefix}clicks`, `${prefix}impressions`, `${prefix}events`], groupId: `${prefix}clicktrack-stats` };
}
