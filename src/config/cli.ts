import { z } from 'zod';
import { databaseEnvShape, requireDatabaseInProduction } from './database.ts';
import { optionalString, optionalUrl, parseEnv } from './env.ts';

const schema = z.looseObject({ ...databaseEnvShape, PUBLIC_URL: optionalUrl, API_KEY: optionalString }).superRefine(requireDatabaseInProduction);

/** `npm run links`: the database, and the API key and address of a running server to go through. */
export type CliConfig = z.infer<typeof schema>;

export function loadCliConfig(env: NodeJS.ProcessEnv): CliConfig {
  return parseEnv(schema, env);
}
