// `npm run db:migrate` (Heroku's release phase): applies migrations/ to DATABASE_URL, or
// outside production without it, to the embedded database `npm start` uses.
import { embeddedDatabaseDir } from '../config/database.ts';
import { loadOrExit } from '../config/env.ts';
import { loadMigrateConfig } from '../config/release.ts';
import { openEmbedded } from './database.ts';
import { EmbeddedInUseError } from './embedded-lock.ts';
import { migrateDatabase } from './migrate.ts';

const env = loadOrExit(() => loadMigrateConfig(process.env));
try {
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
  if (!(err instanceof EmbeddedInUseError)) throw err;
  console.error(err.message);
  process.exit(1);
}
