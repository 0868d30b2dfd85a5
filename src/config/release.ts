import { z } from 'zod';
import { databaseEnvShape, requireDatabaseInProduction } from './database.ts';
import { intWithDefault, optionalString, parseEnv } from './env.ts';

const migrateSchema = z.looseObject(databaseEnvShape).superRefine(requireDatabaseInProduction);

/** `npm run db:migrate`: which database to migrate. */
export function loadMigrateConfig(env: NodeJS.ProcessEnv): z.infer<typeof migrateSchema> {
  return parseEnv(migrateSchema, env);
}

const topicsSchema = z.looseObject({
  KAFKA_URL: optionalString,
  KAFKA_TRUSTED_CERT: optionalString,
  KAFKA_CLIENT_CERT: optionalString,
  KAFKA_CLIENT_CERT_KEY: optionalString,
  KAFKA_PREFIX: z.preprocess((v) => v ?? '', z.string()),
  KAFKA_TOPIC_PARTITIONS: intWithDefault(8, 1),
  KAFKA_TOPIC_REPLICAS: intWithDefault(0, 0),
});

/** `npm run kafka:topics`: the broker and how to lay out the topics. */
export function loadTopicsConfig(env: NodeJS.ProcessEnv): z.infer<typeof topicsSchema> {
  return parseEnv(topicsSchema, env);
}
