// Which database a process uses; apart from the drivers, so reading settings loads none.
import { join } from 'node:path';
import { z } from 'zod';
import { optionalString, optionalUrl } from './env.ts';

/** The settings that say which database a process uses, for each entry point's schema. */
export const databaseEnvShape = {
  NODE_ENV: optionalString,
  DATABASE_URL: optionalUrl,
  DATA_DIR: z.preprocess((v) => v || undefined, z.string().default('.data')),
};

/** For a schema's `superRefine`: production never falls back to the embedded database. */
export function requireDatabaseInProduction(env: { NODE_ENV?: string | undefined; DATABASE_URL?: string | undefined }, ctx: z.RefinementCtx): void {
  if (!env.DATABASE_URL && env.NODE_ENV === 'production') {
    ctx.addIssue({ code: 'custom', path: ['DATABASE_URL'], message: 'required when NODE_ENV=production' });
  }
}

export function embeddedDatabaseDir(dataDir: string): string {
  return join(dataDir, 'pglite');
}
