import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import type { DatabaseHandle } from './database.ts';
import { MIGRATIONS_FOLDER } from './migrate.ts';
import * as schema from './schema.ts';

/**
 * Postgres compiled to WebAssembly, in this process, kept in `dataDir`: the same schema
 * and migrations as production, for trying the service with nothing installed. Only
 * ever imported dynamically: loading PGlite and its drizzle driver costs about 200 MB of
 * memory, which a production process (always given `DATABASE_URL`) must not pay.
 */
export async function openEmbedded(dataDir: string): Promise<DatabaseHandle> {
  mkdirSync(dataDir, { recursive: true });
  const pg = await PGlite.create(dataDir);
  const db = drizzle(pg, { schema });
  await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
  return {
    kind: 'embedded',
    db,
    notifications: {
      async listen(channel, onNotify, onListen) {
        const unlisten = await pg.listen(channel, onNotify);
        onListen();
        return { unlisten: () => unlisten() };
      },
    },
    ping: async () => void (await pg.query('select 1')),
    close: () => pg.close(),
  };
}
