// `npm run db:migrate` (Heroku's release phase): applies migrations/ to DATABASE_URL, or
// outside production without it, to the embedded database `npm start` uses.
import { z } from 'zod';
import { ConfigError, parseEnv } from '../shared/env.ts';
import { databaseEnvShape, embeddedDatabaseDir, openEmbedded, requireDatabaseInProduction } from './database.ts';
import { EmbeddedInUseError } from './embedded-lock.ts';
import { migrateDatabase } from './migrate.ts';

try {
  const env = parseEnv(z.looseObject(databaseEnvShape).superRefine(requireDatabaseInProduction), process.env);
  if (env.DATABASE_URL) {
    await migrateDatabase(env.DATABASE_URL);
    console.log('migrations applied');
  } else {
    const dir = embeddedDatabaseDir(env.DATA_DIR);
    const db = await openEmbedded(dir, 'cli');
    await db.close();
    console.log(`migrations applied to the embedded database in ${dir}`);
  }
} catch (err) {
  if (err instanceof EmbeddedInUseError && err.owner.role === 'server') {
    console.log(`${err.message}; it applied the migrations when it started`);
    process.exit(0);
  }
  if (!(err instanceof ConfigError) && !(err instanceof EmbeddedInUseError)) throw err;
  console.error(err.message);
  process.exit(1);
}
